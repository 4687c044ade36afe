/**
 * The usual TYPE line of the family the line before named (`# TYPE name word` and a newline)
 * and the usual HELP line (`# HELP name text`, no backslash) are read straight from the body's
 * bytes (scanTypeLineOf, scanHelpLine): it must read every such line as the
 * general path does, and leave every other line (other spacing, another name, another or
 * upper-case word, a CR, blanks, a missing newline, a second TYPE, a TYPE after samples) to it.
 * The bodies are ASCII and longer than the byte copy's minimum, so the fast path runs; with the
 * copy turned off every line takes the general path.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeriesCache } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setByteMirrorEnabled } from '../../../../src/core/metrics/parserBody';
import { outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** Longer than the byte copy's minimum on its own. */
const PREAMBLE = `# ${'padding '.repeat(40)}\n`;

const NAMES = ['a', 'ab', 'abc', 'abcd', 'rpc_seconds', 'rpc_seconds_total', 'node_cpu_seconds_total', 'x:y'];
const WORDS = [
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'COUNTER',
  'Gauge',
  'gaugehistogram',
  'gauge_histogram',
  'counte',
  'counterr',
  'gaugf',
  'histogrum',
  'histxgram',
  'couxter',
  'gauxe',
  'summarx',
  'untypes',
  'unknown',
  'stateset',
];

const name = fc.constantFrom(...NAMES);
/** Mostly the usual form, so that a word or name that differs in one place meets the fast path. */
const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const typeLineOf = (n: fc.Arbitrary<string>) =>
  fc
    .record({
      name: n,
      word: fc.constantFrom(...WORDS),
      hash: often(
        '# TYPE',
        '#  TYPE',
        '#\tTYPE',
        '# TYPEX',
        '# type',
        '# TYPO',
        '# TXPE',
        '# XYPE',
        '#.TYPE',
        '# HELP',
      ),
      gap: often(' ', '  ', '\t', ''),
      end: often('', ' ', '\t', '\r'),
    })
    .map((t) => `${t.hash} ${t.name}${t.gap}${t.word}${t.end}`);
const helpLine = (n: string) =>
  fc
    .record({
      hash: often('# HELP', '#  HELP', '#\tHELP', '# HELPX', '# HELO', '# XELP', '#.HELP', '# help'),
      name: often(n, `1${n}`, `${n}.x`, `"${n}"`),
      gap: often(' ', '  ', '\t', ''),
      help: often('Help.', '', ' Help.', '\tHelp.', 'with \\\\ and \\n', 'bad \\q', 'x', 'trailing '),
    })
    .map((h) => `${h.hash} ${h.name}${h.gap}${h.help}`);
/** A HELP line, then a TYPE line most often of the same name (or one that only starts or ends the same). */
const family = name.chain((n) =>
  fc.tuple(helpLine(n), typeLineOf(often(n, `${n}x`, `${n}_total`, n.slice(1) || 'b', `x${n}`))),
);
const sampleLine = fc
  .tuple(name, fc.constantFrom('', '_sum', '_count', '_bucket{le="1"}', '_total', '{quantile="0.5"}'))
  .map(([n, part]) => `${n}${part} 1`);
const lines = fc.oneof(
  { weight: 4, arbitrary: family },
  { weight: 2, arbitrary: typeLineOf(name).map((l) => [l]) },
  { weight: 2, arbitrary: sampleLine.map((l) => [l]) },
  { weight: 1, arbitrary: fc.constantFrom([''], ['# a comment'], ['# TYPE'], ['# TYPE a']) },
);
const body = fc
  .tuple(fc.array(lines, { minLength: 1, maxLength: 16 }), fc.constantFrom('\n', '\n', '\r\n'), fc.boolean())
  .map(([groups, eol, lastNewline]) => PREAMBLE + groups.flat().join(eol) + (lastNewline ? eol : ''));

const OPTIONS: ParseOptions[] = [{ format: 'prometheus' }, { format: 'prometheus', strict: true }];

function careful(text: string, opts: ParseOptions): unknown {
  return outcomeWith([setByteMirrorEnabled], false, text, opts);
}

describe('parser: TYPE lines of the family the line before named, read from the bytes', () => {
  it('read as the general path reads them (byte copy off, or a series cache)', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS) {
          const fast = outcome(text, opts);
          assert.deepEqual(fast, careful(text, opts), text);
          assert.deepEqual(fast, outcome(text, { ...opts, seriesCache: new SeriesCache() }), text);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('each usual type word, a second TYPE and a TYPE after samples, on a body long enough for the byte copy', () => {
    const text = [
      PREAMBLE.trimEnd(),
      '# HELP a_total A.',
      '# TYPE a_total counter',
      'a_total 1',
      '# HELP b B.',
      '# TYPE b gauge',
      '# TYPE b counter',
      'b 2',
      '# HELP c C.',
      '# TYPE c histogram',
      'c_bucket{le="+Inf"} 3',
      'c_sum 3',
      'c_count 3',
      '# TYPE d summary',
      'd{quantile="0.5"} 4',
      '# HELP e E.',
      'e 5',
      '# TYPE e untyped',
      '# HELP f F.',
      '# TYPE f gaugehistogram',
      '',
    ].join('\n');
    const r = outcome(text, { format: 'prometheus' }) as {
      families: { name: string; type: string; samples: unknown[] }[];
      problems: { line: number; reason: string }[];
    };
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['a_total', 'counter', 1],
        ['b', 'gauge', 1],
        ['c', 'histogram', 3],
        ['d', 'summary', 1],
        ['e', 'untyped', 1],
        ['f', 'gaugehistogram', 0],
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.line}: ${p.reason}`),
      ['7: second TYPE line for "b"', '18: TYPE line for "e" after its samples'],
    );
    assert.deepEqual(r, careful(text, { format: 'prometheus' }));
  });
});
