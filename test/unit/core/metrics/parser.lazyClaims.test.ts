/**
 * On a first read the OpenMetrics reader works out the names a family claims when a name is
 * looked up (parserOpenMetricsClaims.ts) instead of listing them as the TYPE line is read. With
 * that turned off every TYPE line's read lists its names and all are kept: both ways must give
 * the same families, problems and errors, strict and lenient, for bodies full of names that are
 * each other's sample names or nearly (x_total and x_totals, x_count and x_gcount, x_total_total,
 * _total), families typed before or after their samples or twice, repeated families, and lines
 * that are nearly right (tabs, CR, blanks, escapes, quoted names, duplicate labels, odd values).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setReaderClaimsEnabled } from '../../../../src/core/metrics/parserOpenMetrics';
import { endingOf } from '../../../../src/core/metrics/parserOpenMetricsClaims';
import { TYPE_WORDS, outcomeWith } from '../../../helpers/expositionArbitraries';

const STEMS = ['x', 'x_total', 'x_bucket', 'x_count', 'x_info', 'y_sum', '_total', 'x_gcount', 'xtotal', 'é'];
const SUFFIXES = [
  '',
  '',
  '_total',
  '_created',
  '_bucket',
  '_count',
  '_sum',
  '_gcount',
  '_gsum',
  '_info',
  '_totals',
  'total',
  '_Total',
  '_cOunt',
  '_xsum',
  '_total_total',
];
const TYPES = [...TYPE_WORDS, 'Counter'];
const LABELS = [
  '',
  '{}',
  '{le="1"}',
  '{le="+Inf"}',
  '{le="0.5",a="1"}',
  '{quantile="0.5"}',
  '{a="1",}',
  '{a="1",a="2"}',
  '{__name__="x_total"}',
  '{"x_total"}',
  '{x="on"}',
  '{a="\\"q\\" \\n é"}',
  '{le="-1"}',
];
const VALUES = ['0', '1', '2', '-1', '+1', '1e3', '1.5E-2', 'NaN', '+Inf', '-Inf', '12345678901234567890', '1.7e+09'];
const GAPS = [' ', ' ', ' ', '\t', '  '];

const name = fc.tuple(fc.constantFrom(...STEMS), fc.constantFrom(...SUFFIXES)).map(([stem, suffix]) => stem + suffix);

const meta = fc
  .record({
    kind: fc.constantFrom('HELP', 'TYPE', 'TYPE', 'UNIT', 'TYPO'),
    name,
    gap: fc.constantFrom(...GAPS),
    type: fc.constantFrom(...TYPES),
  })
  .map(({ kind, name, gap, type }) =>
    kind === 'HELP'
      ? `# HELP ${name}${gap}some \\\\ help`
      : kind === 'UNIT'
        ? `# UNIT ${name}${gap}total`
        : `# ${kind} ${name}${gap}${type}`,
  );

const sample = fc
  .record({
    name,
    labels: fc.constantFrom(...LABELS),
    gap: fc.constantFrom(...GAPS),
    value: fc.constantFrom(...VALUES),
    timestamp: fc.constantFrom('', '', ' 1', ' 1.5', ' -3'),
  })
  .map(({ name, labels, gap, value, timestamp }) => `${name}${labels}${gap}${value}${timestamp}`);

const odd = fc.constantFrom('', '# comment', '#', 'x_total 1\r', '# HELP x_total\r');

/** A family as a client writes it: HELP, TYPE, then samples by its type's suffixes. */
const block = fc
  .record({
    name,
    type: fc.constantFrom(...TYPES),
    samples: fc.array(fc.constantFrom(...SUFFIXES), { minLength: 1, maxLength: 4 }),
    value: fc.constantFrom(...VALUES),
  })
  .map(({ name, type, samples, value }) => [
    `# HELP ${name} help`,
    `# TYPE ${name} ${type}`,
    ...samples.map((s) => `${name}${s}${s === '_bucket' ? '{le="+Inf"}' : ''} ${value}`),
  ]);

const body = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: block },
      { weight: 3, arbitrary: meta.map((l) => [l]) },
      { weight: 3, arbitrary: sample.map((l) => [l]) },
      { weight: 1, arbitrary: odd.map((l) => [l]) },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .chain((parts) => fc.tuple(fc.constant(parts.flat()), fc.integer({ min: 1, max: 2 }), fc.boolean()))
  .map(([lines, repeat, eof]) => {
    const all: string[] = [`# HELP pad ${'p'.repeat(300)}`];
    for (let r = 0; r < repeat; r++) all.push(...lines);
    if (eof) all.push('# EOF');
    return all.join('\n') + '\n';
  });

const OPTIONS: ParseOptions[] = [{ format: 'openmetrics' }, { format: 'openmetrics', strict: true }];

describe('parser: OpenMetrics claims worked out on lookup against claims listed and kept', () => {
  it('endingOf names the sample suffix a name ends in after at least one character', () => {
    const all = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];
    fc.assert(
      fc.property(name, (n) => {
        const expected = all.find((s) => n.length > s.length && n.endsWith(s));
        assert.equal(endingOf(n), expected, n);
      }),
      { numRuns: 500 },
    );
  });

  it('generated bodies parse the same both ways, first and after an earlier body', () => {
    fc.assert(
      fc.property(body, body, fc.constantFrom(...OPTIONS), (earlier, later, opts) => {
        for (const before of [undefined, earlier]) {
          const lazy = outcomeWith([setReaderClaimsEnabled], true, later, opts, before);
          const listed = outcomeWith([setReaderClaimsEnabled], false, later, opts, before);
          assert.deepEqual(lazy, listed, later);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
