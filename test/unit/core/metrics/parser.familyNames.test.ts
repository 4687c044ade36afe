/**
 * A first read of a Prometheus text body compares a HELP or TYPE line's family name with the
 * greatest name so far, and with the last line's, where both are written in the body's byte copy
 * (FamilyIndex, parserFamilyIndex.ts; the reader's metadataFamily), and reads a HELP line's name
 * past what it has in common with the greatest name, ordered by its first other byte
 * (scanHelpLine). With that turned off the same names are scanned in full and compared as
 * strings: both ways must give the same families, samples, problems and errors, in strict and
 * lenient mode, for names that share long prefixes and differ at any place (across the
 * four-byte steps of the compare, or one a prefix of the other), in sorted runs or not, beside
 * quoted names, unit lines and samples that name families of their own.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeriesCache } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setFamilyNamesInPlaceEnabled } from '../../../../src/core/metrics/parserFamilyIndex';
import { outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** Longer than the byte copy's minimum on its own. */
const PREAMBLE = `# ${'padding '.repeat(40)}\n`;

const NAMES = [
  'a',
  'b',
  'ab',
  'abc',
  'abcd',
  'abce',
  'abcc',
  'abcde',
  'abcdefg',
  'abcdefgh',
  'abcdefgi',
  'abcdefgg',
  'abcdefghi',
  'abcdefghij',
  'abdc',
  'abcdefhg',
  'A',
  '_a',
  'a:b',
  'a_',
  'node',
  'node_network_',
  'node_network_receive',
  'node_network_receive_bytes',
  'node_network_receive_bytes_total',
  'node_network_receive_drop_total',
  'node_network_receivf',
  'node_network_transmit_bytes_total',
  'node_netwo',
  'nodf',
  'x_bucket',
  'x',
  'x_sum',
  'x_count',
];
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped', 'COUNTER'];

const name = fc.constantFrom(...NAMES);
/** Mostly the usual form, so that most lines meet the fast paths. */
const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const help = (n: string) =>
  fc
    .record({
      hash: often('# HELP ', '#  HELP ', '# HELP  ', '# HELP\t'),
      name: often(n, `"${n}"`, `${n}.x`, `1${n}`),
      text: often('Help.', 'with \\\\ escape', 'bad \\q', '', ' lead'),
      end: often('', '\r', ' '),
    })
    .map((h) => `${h.hash}${h.name} ${h.text}${h.end}`);
const type = (n: string) =>
  fc
    .record({
      hash: often('# TYPE ', '#  TYPE ', '# TYPE\t'),
      name: often(n, `"${n}"`),
      type: fc.constantFrom(...TYPES),
      end: often('', '\r', ' '),
    })
    .map((t) => `${t.hash}${t.name} ${t.type}${t.end}`);
const sample = fc
  .tuple(name, fc.constantFrom('', '_sum', '_count', '_bucket{le="1"}', '_total', '{quantile="0.5"}', '{a="1"}'))
  .map(([n, part]) => `${n}${part} 1`);
const other = fc.constantFrom('', '# a comment', '# UNIT abcd seconds', '# UNIT node_network_ bytes', '\t', '# HELP');

/** A family: HELP and TYPE lines of one name (mostly), then samples. */
const family = name
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.constantFrom(...TYPES),
      fc.array(sample, { maxLength: 3 }),
      help(n),
      type(n),
      fc.nat({ max: 5 }),
    ),
  )
  .map(([n, t, samples, h, ty, form]) => {
    if (form === 0) return [h, ty, ...samples];
    if (form === 1) return [ty, h, ...samples];
    return [`# HELP ${n} About ${n}.`, `# TYPE ${n} ${t}`, ...samples, ...(form === 2 ? [`${n} 2`] : [])];
  });
const lines = fc.oneof(
  { weight: 4, arbitrary: family },
  { weight: 1, arbitrary: fc.oneof(name.chain(help), name.chain(type), sample, other).map((l) => [l]) },
);
/** Families in sorted runs (as Go exporters write them), or not. */
const body = fc
  .tuple(fc.array(lines, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean())
  .map(([groups, sort, lastNewline]) => {
    const list = sort ? [...groups].sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0)) : groups;
    return PREAMBLE + list.flat().join('\n') + (lastNewline ? '\n' : '');
  });

const OPTIONS: ParseOptions[] = [{ format: 'prometheus' }, { format: 'prometheus', strict: true }];

function asStrings(text: string, opts: ParseOptions): unknown {
  return outcomeWith([setFamilyNamesInPlaceEnabled], false, text, opts);
}

describe('parser: family names compared where they are written', () => {
  it('the same outcome as comparing them as strings, or through a series cache', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS) {
          const fast = outcome(text, opts);
          assert.deepEqual(fast, asStrings(text, opts), text);
          assert.deepEqual(fast, outcome(text, { ...opts, seriesCache: new SeriesCache() }), text);
        }
      }),
      { numRuns: 2500 },
    );
  });

  it('the same outcome for sorted families with one out of place', () => {
    // Mostly the usual lines, so that a name out of order meets the in-place compare.
    const sorted = fc
      .tuple(fc.array(name, { minLength: 1, maxLength: 12 }), name, fc.nat(), fc.boolean())
      .map(([list, moved, at, helpFirst]) => {
        const names = [...list].sort();
        names.splice(at % (names.length + 1), 0, moved);
        const lines = names.flatMap((n) => {
          const meta = [`# HELP ${n} About ${n}.`, `# TYPE ${n} gauge`];
          return [...(helpFirst ? meta : meta.reverse()), `${n} 1`];
        });
        return PREAMBLE + lines.join('\n') + '\n';
      });
    fc.assert(
      fc.property(sorted, (text) => {
        for (const opts of OPTIONS) assert.deepEqual(outcome(text, opts), asStrings(text, opts), text);
      }),
      { numRuns: 1500 },
    );
  });
});
