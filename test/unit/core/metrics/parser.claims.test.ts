/**
 * An OpenMetrics TYPE line read without a series cache claims its family's sample names in the
 * reader (its own name taken as claimed already), and a histogram point with nothing to report
 * is let go without building its words. With those turned off every TYPE line's read lists all
 * the names it claims, as through a series cache, and every point is checked in full: both ways
 * must give the same families, problems and errors, in strict and lenient mode, first parses
 * and re-parses, for families whose names are each other's sample names, written in any order,
 * retyped, typed twice, after their samples, or with samples of other families among theirs.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setReaderClaimsEnabled } from '../../../../src/core/metrics/parserOpenMetrics';
import { setGroupFastPathsEnabled } from '../../../../src/core/metrics/parserOpenMetricsFamily';
import { outcomeWith } from '../../../helpers/expositionArbitraries';

/** Names that are each other's sample names (x and x_total, x_bucket and x_bucket_count…). */
const NAMES = [
  'x',
  'x_total',
  'x_created',
  'x_bucket',
  'x_count',
  'x_sum',
  'x_gcount',
  'x_gsum',
  'x_info',
  'y',
  'x_bucket_count',
  'x_total_created',
];
const SUFFIXES = ['', '_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];
const TYPES = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
  'Counter',
];
const LABELS = ['', 'le="1"', 'le="+Inf"', 'le="0.5"', 'quantile="0.5"', 'a="1"', 'x="on"', 'le="-1"'];
const VALUES = ['0', '1', '2', '2', '-1', 'NaN', '1.5'];

const line = fc.oneof(
  fc
    .record({
      kind: fc.constantFrom('HELP', 'TYPE', 'UNIT'),
      name: fc.constantFrom(...NAMES),
      type: fc.constantFrom(...TYPES),
    })
    .map(({ kind, name, type }) =>
      kind === 'TYPE'
        ? `# TYPE ${name} ${type}`
        : kind === 'HELP'
          ? `# HELP ${name} some help`
          : `# UNIT ${name} ${name === 'x_info' ? 'info' : 'total'}`,
    ),
  fc
    .record({
      name: fc.constantFrom(...NAMES),
      suffix: fc.constantFrom(...SUFFIXES),
      labels: fc.constantFrom(...LABELS),
      value: fc.constantFrom(...VALUES),
    })
    .map(({ name, suffix, labels, value }) => `${name}${suffix}${labels === '' ? '' : `{${labels}}`} ${value}`),
);

/** A family written as a client library writes it: its metadata, then its samples. */
const block = fc
  .record({
    name: fc.constantFrom(...NAMES),
    type: fc.constantFrom(...TYPES),
    values: fc.array(fc.constantFrom(...VALUES), { minLength: 4, maxLength: 4 }),
    les: fc.constantFrom(['1', '+Inf'], ['-1', '+Inf'], ['0.5', '1'], ['+Inf']),
    drop: fc.nat({ max: 3 }),
    extra: fc.array(line, { maxLength: 3 }),
  })
  .map(({ name, type, values, les, drop, extra }) => {
    const lines = [`# HELP ${name} help`, `# TYPE ${name} ${type}`];
    const [a, b, c, d] = values as [string, string, string, string];
    if (type === 'histogram' || type === 'gaugehistogram') {
      const [count, sum] = type === 'histogram' ? ['_count', '_sum'] : ['_gcount', '_gsum'];
      les.forEach((le, k) => lines.push(`${name}_bucket{le="${le}"} ${k === 0 ? a : b}`));
      // Now and then without its count or its sum.
      if (drop !== 1) lines.push(`${name}${count} ${c}`);
      if (drop !== 2) lines.push(`${name}${sum} ${d}`);
    } else if (type === 'counter') lines.push(`${name}_total ${a}`, `${name}_created 1`);
    else if (type === 'summary') lines.push(`${name}{quantile="0.5"} ${a}`, `${name}_count ${b}`, `${name}_sum ${c}`);
    else lines.push(`${name} ${a}`);
    return [...lines, ...extra];
  });

const body = fc
  .array(fc.oneof(block, fc.array(line, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 6 })
  .map((parts) => [...parts.flat(), '# EOF', ''].join('\n'));

const OPTIONS: ParseOptions[] = [{ format: 'openmetrics' }, { format: 'openmetrics', strict: true }];

/** The outcome of parsing `later`, first or after `earlier` through a series cache, with the shortcuts on or off. */
function parsed(earlier: string | undefined, later: string, opts: ParseOptions, fast: boolean): unknown {
  return outcomeWith([setReaderClaimsEnabled, setGroupFastPathsEnabled], fast, later, opts, earlier);
}

describe('parser: OpenMetrics names claimed by the reader against the careful path', () => {
  it('generated bodies of clashing families parse the same both ways', () => {
    fc.assert(
      fc.property(body, body, fc.constantFrom(...OPTIONS), (earlier, later, opts) => {
        for (const before of [undefined, earlier])
          assert.deepEqual(parsed(before, later, opts, true), parsed(before, later, opts, false), later);
      }),
      { numRuns: 3000 },
    );
  });
});
