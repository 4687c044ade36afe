/**
 * A plain line's label set made with the same names as the last plain line's, its values the
 * same strings but perhaps one, is known to be in the group of the family's last sample when that
 * sample was that line and the one label that may differ is the one the group leaves out (a
 * bucket's "le", a quantile, a state): the OpenMetrics reader then skips comparing the two sets.
 * With that relation off every set is compared in full: both ways must give the same families,
 * problems and errors, strict and lenient, on bodies whose lines mostly repeat the last one's
 * name and labels and otherwise differ in one place (another value, a reordered or extra or
 * missing label, a duplicate or `__name__`, blanks, tabs, a CR, escapes, quoted names, trailing
 * commas, timestamps, exponents, signs, Inf/NaN, long digits, exemplars, non-ASCII text).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setPlainSetRelationEnabled } from '../../../../src/core/metrics/parserPlainLine';
import { corpusBodies, outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** Longer than the byte copy's minimum on its own. */
const PREAMBLE = `# ${'padding '.repeat(40)}`;

const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 10, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const TYPES: Record<string, string[]> = {
  histogram: ['_bucket', '_bucket', '_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_bucket', '_gcount', '_gsum'],
  summary: ['', '', '_count', '_sum', '_created'],
  counter: ['_total', '_created'],
  stateset: [''],
  gauge: [''],
  unknown: [''],
};

/** What a group leaves out, by type and suffix (none: ''). */
function leftOut(type: string, suffix: string, family: string): string {
  if (suffix === '_bucket') return 'le';
  if (type === 'summary' && suffix === '') return 'quantile';
  return type === 'stateset' ? family : '';
}

const LEFT_VALUES = ['0.25', '0.5', '1', '1.0', '2', '+Inf', '-1', '0', 'on', 'off', 'x', ''];
const GROUP_VALUES = ['/', '/slow', 'GET', 'POST', '200', '500', '', 'x'];
const VALUES = ['0', '1', '40.0', '2.5', '1.7963020201005435e+09', '1e3', '-1', 'NaN', '+Inf', '12345678901234567890'];

/** One sample line: a suffix, the group labels' values, the left-out label's value and where it goes. */
const sample = fc.record({
  suffix: fc.nat({ max: 5 }),
  a: often(0, 1, 2, 3, 4, 5, 6, 7),
  b: often(2, 0, 1, 3, 4, 5, 6, 7),
  left: fc.nat({ max: LEFT_VALUES.length - 1 }),
  // Where the left-out label goes among a and b (3: nowhere), and whether b is there.
  at: often(1, 0, 2, 3),
  withB: often(true, false),
  swap: often(false, true),
  extra: often('', 'c="1"', '__name__="x"', 'a="dup"', 'le="1"', 'A="1"'),
  value: often(1, 0, 2, 3, 4, 5, 6, 7, 8, 9),
  tail: often('', ' 1.5', ' # {t="1"} 1', '\r', ' ', '\t1'),
  odd: often('', ',}', ' }', '{ ', 'name', 'q', 'tab', 'esc'),
  repeat: often(1, 2),
});

type Sample = typeof sample extends fc.Arbitrary<infer T> ? T : never;

function sampleLine(family: string, type: string, s: Sample): string {
  const suffixes = TYPES[type]!;
  const suffix = suffixes[s.suffix % suffixes.length]!;
  const left = leftOut(type, suffix, family);
  let parts = [`a="${GROUP_VALUES[s.a]}"`];
  if (s.withB) parts.push(`b="${GROUP_VALUES[s.b]}"`);
  if (s.swap) parts = parts.reverse();
  if (left !== '' && s.at < 3) parts.splice(Math.min(s.at, parts.length), 0, `${left}="${LEFT_VALUES[s.left]}"`);
  if (s.extra !== '') parts.push(s.extra);
  let labels = `{${parts.join(',')}}`;
  let name = family + suffix;
  if (s.odd === ',}') labels = `{${parts.join(',')},}`;
  else if (s.odd === ' }') labels = `{${parts.join(',')} }`;
  else if (s.odd === '{ ') labels = `{ ${parts.join(',')}}`;
  else if (s.odd === 'name') name = `"${name}"`;
  else if (s.odd === 'q') labels = `{${parts.join(',').replace('a=', '"a"=')}}`;
  else if (s.odd === 'tab') labels = `${labels}\t`;
  else if (s.odd === 'esc') labels = labels.replace('a="', 'a="\\"');
  return `${name}${labels} ${type === 'stateset' ? s.value % 2 : VALUES[s.value]}${s.tail}`;
}

/** A family's lines: its TYPE, then samples, a bucket run written as a client library writes it among them. */
const familyLines = fc
  .record({
    name: fc.constantFrom('a', 'b', 'http_request_duration_seconds'),
    type: fc.constantFrom(...Object.keys(TYPES)),
    samples: fc.array(sample, { minLength: 1, maxLength: 10 }),
    run: fc.option(fc.record({ a: fc.nat({ max: 7 }), les: fc.integer({ min: 1, max: 5 }) }), { nil: undefined }),
  })
  .map(({ name, type, samples, run }) => {
    const lines = [`# TYPE ${name} ${type}`];
    if (run !== undefined && (type === 'histogram' || type === 'gaugehistogram')) {
      const bucketLabels = (le: string) => `{a="${GROUP_VALUES[run.a]}",le="${le}",b="GET"}`;
      for (let k = 0; k < run.les; k++) lines.push(`${name}_bucket${bucketLabels(String(k + 1))} ${k}`);
      lines.push(`${name}_bucket${bucketLabels('+Inf')} ${run.les}`);
      const plain = `{a="${GROUP_VALUES[run.a]}",b="GET"}`;
      lines.push(`${name}${type === 'histogram' ? '_count' : '_gcount'}${plain} ${run.les}`);
      lines.push(`${name}${type === 'histogram' ? '_sum' : '_gsum'}${plain} 1.5`);
    }
    for (const s of samples) for (let r = 0; r < s.repeat; r++) lines.push(sampleLine(name, type, s));
    return lines;
  });

const body = fc
  .record({
    families: fc.array(familyLines, { minLength: 1, maxLength: 4 }),
    eof: often(true, false),
    ascii: often(true, false),
  })
  .map(({ families, eof, ascii }) => {
    const all = [ascii ? PREAMBLE : `${PREAMBLE} é`];
    for (const f of families) all.push(...f);
    if (eof) all.push('# EOF');
    return all.join('\n') + '\n';
  });

const OPTIONS: ParseOptions[] = [
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
  { format: 'prometheus' },
];

function compared(text: string, opts: ParseOptions): unknown {
  return outcomeWith([setPlainSetRelationEnabled], false, text, opts);
}

/** The same outcome, labels with their keys in the same order. */
function assertSame(fast: unknown, slow: unknown, text: string): void {
  assert.deepEqual(fast, slow, text);
  assert.equal(JSON.stringify(fast), JSON.stringify(slow), text);
}

describe('parser: a plain label set known to continue the last one', () => {
  it('gives the outcome of comparing every label set in full', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS) assertSame(outcome(text, opts), compared(text, opts), text);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same outcome on the real scrapes of the corpus', () => {
    for (const text of corpusBodies()) {
      for (const opts of OPTIONS) assertSame(outcome(text, opts), compared(text, opts), text.slice(0, 80));
    }
  });
});
