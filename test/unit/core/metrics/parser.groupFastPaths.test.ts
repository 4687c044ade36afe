/**
 * OpenMetrics group rules (contiguous groups, series repeated only with growing timestamps,
 * histogram points) take shortcuts for the usual shape of a group. With the shortcuts off every
 * series is listed and every sample's labels compared with the previous sample's in full: both
 * ways must give the same families, problems and errors, on first parses and on re-parses
 * through a series cache, in strict and lenient mode.
 * The suffix a sample name has in its family is found by indexOf: it must be the one the plain
 * definition (the family name, then an allowed suffix) gives.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { SUFFIXES, setGroupFastPathsEnabled, suffixIn } from '../../../../src/core/metrics/parserOpenMetricsFamily';
import type { MetricFamily, MetricType } from '../../../../src/core/metrics/types';
import { outcomeWith } from '../../../helpers/expositionArbitraries';

const TYPES: Record<string, string[]> = {
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  counter: ['_total', '_created'],
  stateset: [''],
  gauge: [''],
  info: ['_info'],
};

/** Label sets of a group (some the same set written in another order), and the left-out labels' values. */
const GROUPS = ['', 'a="1"', 'a="2"', 'a="1",b="x"', 'b="x",a="1"', 'b="y"'];
/** Bucket bounds: the usual ones, and near misses of the plain form (empty, signs, exponents, long digits, NaN). */
const LES = [
  '0.25',
  '0.5',
  '1',
  '1.0',
  '2',
  '+Inf',
  '-1',
  '',
  '5.',
  '.5',
  '1e1',
  '007',
  '+1',
  'NaN',
  '-Inf',
  '+inf',
  '0.1.2',
  '1.2345678901234567',
  '12345678901234567890',
];
const QUANTILES = ['0', '0.5', '0.50', '0.9', '1'];
const STATES = ['on', 'off', 'x'];
const TIMESTAMPS = ['0', '1', '1.5', '2'];

interface Spec {
  group: number;
  suffix: number;
  left: number;
  value: number;
  ts: number | undefined;
}

const spec = fc.record({
  group: fc.nat({ max: GROUPS.length - 1 }),
  suffix: fc.nat({ max: 3 }),
  left: fc.nat({ max: LES.length - 1 }),
  value: fc.nat({ max: 3 }),
  ts: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.nat({ max: TIMESTAMPS.length - 1 }) },
  ),
});

/** A block of samples: a group written as a client library writes it, or samples in any order. */
const block = fc.oneof(
  fc.record({ shaped: fc.constant(true), group: fc.nat({ max: GROUPS.length - 1 }), ts: spec.map((s) => s.ts) }),
  fc.record({ shaped: fc.constant(false), samples: fc.array(spec, { minLength: 1, maxLength: 8 }) }),
);

const family = fc.record({
  type: fc.constantFrom(...Object.keys(TYPES)),
  blocks: fc.array(block, { minLength: 1, maxLength: 5 }),
});

function line(name: string, type: string, s: Spec): string {
  const suffixes = TYPES[type]!;
  const suffix = suffixes[s.suffix % suffixes.length]!;
  const parts = GROUPS[s.group] === '' ? [] : [GROUPS[s.group]!];
  if (suffix === '_bucket') parts.push(`le="${LES[s.left]}"`);
  else if (type === 'summary' && suffix === '') parts.push(`quantile="${QUANTILES[s.left % QUANTILES.length]}"`);
  else if (type === 'stateset') parts.push(`${name}="${STATES[s.left % STATES.length]}"`);
  const ts = s.ts === undefined ? '' : ` ${TIMESTAMPS[s.ts]}`;
  return `${name}${suffix}{${parts.join(',')}} ${type === 'info' ? 1 : s.value % 2}${ts}`;
}

/** The lines of a well-formed point of the group, as a client library writes it. */
function shaped(name: string, type: string, group: number, ts: number | undefined): Spec[] {
  const at = (suffix: number, left: number): Spec => ({ group, suffix, left, value: 1, ts });
  if (type === 'histogram' || type === 'gaugehistogram')
    return [at(0, 0), at(0, 2), at(0, 4), at(0, 5), at(1, 0), at(2, 0), ...(type === 'histogram' ? [at(3, 0)] : [])];
  if (type === 'summary') return [at(0, 1), at(0, 3), at(1, 0), at(2, 0), at(3, 0)];
  if (type === 'counter') return [at(0, 0), at(1, 0)];
  if (type === 'stateset') return [at(0, 0), at(0, 1)];
  return [at(0, 0)];
}

const body = fc.array(family, { minLength: 1, maxLength: 3 }).map((families) => {
  const lines: string[] = [];
  families.forEach((f, i) => {
    const name = `f${i}`;
    lines.push(`# TYPE ${name} ${f.type}`);
    for (const b of f.blocks) {
      const specs = b.shaped ? shaped(name, f.type, b.group, b.ts) : b.samples;
      for (const s of specs) lines.push(line(name, f.type, s));
    }
  });
  return [...lines, '# EOF', ''].join('\n');
});

const OPTIONS: ParseOptions[] = [{ format: 'openmetrics' }, { format: 'openmetrics', strict: true }];

/** The outcome of parsing `later`, first or after `earlier` through a series cache, with the shortcuts on or off. */
function parsed(earlier: string | undefined, later: string, opts: ParseOptions, fast: boolean): unknown {
  return outcomeWith([setGroupFastPathsEnabled], fast, later, opts, earlier);
}

describe('parser: OpenMetrics group shortcuts against the careful path', () => {
  it('generated families (groups in and out of order, repeated series, timestamps) parse the same both ways', () => {
    fc.assert(
      fc.property(body, body, fc.constantFrom(...OPTIONS), (earlier, later, opts) => {
        // The same lines under other types: a kept series then reads as another family's.
        const retyped = later.replace(/^# TYPE (\S+) (\S+)$/gm, (_m, name: string, type: string) => {
          const types = Object.keys(TYPES);
          return `# TYPE ${name} ${types[(types.indexOf(type) + 1) % types.length]}`;
        });
        for (const before of [undefined, later, earlier, retyped])
          assert.deepEqual(parsed(before, later, opts, true), parsed(before, later, opts, false), later);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parser: the suffix a sample name has in an OpenMetrics family', () => {
  it('is the rest of the name after the family name, when the type allows it', () => {
    const parts = fc.constantFrom('', 'a', 'x_', '_bucket', '_gcount', '_total', '_count', '_sum', '_info', 'b_sum');
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(SUFFIXES)), parts, parts, parts, (type, a, b, c) => {
        const family: MetricFamily = { name: `f${a}`, type: type as MetricType, samples: [] };
        const name = `f${b}${c}`;
        const rest = name.slice(family.name.length);
        const expected = name.startsWith(family.name) && SUFFIXES[family.type].includes(rest) ? rest : undefined;
        assert.equal(suffixIn(family, name), expected, `${type} ${family.name} ${name}`);
      }),
      { numRuns: 2000 },
    );
  });
});
