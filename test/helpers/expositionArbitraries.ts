/**
 * Shared by the parser's differential tests: the parse outcome in a comparable form, every
 * option set, and generated exposition bodies that repeat their lines (so the scanner's reuse of
 * earlier names and values kicks in) and are long enough for the byte mirror.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ExpositionError, SeriesCache, parseExposition } from '../../src/core/metrics/parser';
import type { ParseOptions } from '../../src/core/metrics/parser';

/** The result of a parse, or the error it threw, in a form deepEqual compares (NaN included). */
export function outcome(input: string, opts: ParseOptions): unknown {
  try {
    return parseExposition(input, opts);
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    return { line: e.line, reason: e.reason };
  }
}

/**
 * The outcome of parsing `later` with `switches` set to `on` (and turned back on after), on a
 * first read or, when `earlier` is given, after `earlier` through one series cache: how the
 * differential tests compare a fast path with the careful one.
 */
export function outcomeWith(
  switches: readonly ((enabled: boolean) => void)[],
  on: boolean,
  later: string,
  opts: ParseOptions,
  earlier?: string,
): unknown {
  for (const set of switches) set(on);
  try {
    const seriesCache = earlier === undefined ? undefined : new SeriesCache();
    if (earlier !== undefined) outcome(earlier, { ...opts, seriesCache });
    return outcome(later, { ...opts, seriesCache });
  } finally {
    for (const set of switches) set(true);
  }
}

export const OPTIONS: ParseOptions[] = [
  {},
  { strict: true },
  { format: 'prometheus' },
  { format: 'prometheus', strict: true },
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
];

/** Names and values that differ only in their first character catch a compare that skips it. */
export const NAMES = [
  'a',
  'b',
  'a_total',
  'b_total',
  'a_bucket',
  'a_sum',
  'a_count',
  'a_created',
  'http_requests_seconds',
  'x:y_total',
];
/** Every type word of either format (untyped is Prometheus text's), as a TYPE line writes them. */
export const TYPE_WORDS = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
  'untyped',
];
export const LABEL_NAMES = ['le', 'quantile', 'method', 'code', 'a', 'path_name_that_is_long'];
export const VALUES = [
  '',
  'GET',
  'SET',
  'POST',
  '200',
  '100',
  '0.5',
  '+Inf',
  '1',
  '/api/v1/some/long/path',
  'with \\"quote\\"',
  'back\\\\slash',
  'new\\nline',
  'bad\\q',
  'é',
  '\u2603 snow',
  '\uD83D\uDE00',
];
export const NUMBERS = [
  '0',
  '1',
  '-1',
  '1.5',
  '1e3',
  '2.5e-05',
  '2.685848e+06',
  '1E2',
  '1e',
  '1e+',
  '1e-0022',
  '3e23',
  '1.5e+22',
  'NaN',
  '+Inf',
  '-Inf',
  '123456789012345678',
  '123456789012345',
  '1234567890123456',
  '0.1',
  '0.005',
  '00.10',
  '1.',
  '.5',
  '.',
  '0.0000000000000000000000001',
  '7',
];

const labelSet = fc.oneof(
  fc.constantFrom('', '{}'),
  fc
    .array(fc.tuple(fc.constantFrom(...LABEL_NAMES), fc.constantFrom(...VALUES)), { minLength: 1, maxLength: 4 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${k}="${v}"`).join(',')}}`),
);

const sampleLine = fc
  .record({
    name: fc.constantFrom(...NAMES),
    gap: fc.constantFrom(' ', ' ', '\t', '  '),
    labels: labelSet,
    value: fc.constantFrom(...NUMBERS),
    timestamp: fc.option(fc.constantFrom('1', '1700000000', '1.5', '-3'), { nil: undefined }),
    exemplar: fc.option(fc.constantFrom(' # {trace_id="abc123"} 1', ' # {} 0.5 1.25', ' # {a="\u2603"} 2'), {
      nil: undefined,
    }),
  })
  .map(
    (s) => `${s.name}${s.labels} ${s.value}${s.timestamp === undefined ? '' : ` ${s.timestamp}`}${s.exemplar ?? ''}`,
  );

const metaLine = fc
  .tuple(
    fc.constantFrom('# HELP', '# TYPE', '# UNIT'),
    fc.constantFrom(...NAMES, 'a'),
    fc.constantFrom('counter', 'gauge', 'histogram', 'summary', 'seconds', 'help text', 'esc \\\\ \\n', 'é'),
  )
  .map(([kind, name, rest]) => `${kind} ${name} ${rest}`);

/** A body that repeats lines (so the scanner's reuse of earlier names and values kicks in) and is long enough to be mirrored. */
export const body = fc
  .record({
    lines: fc.array(fc.oneof({ weight: 4, arbitrary: sampleLine }, { weight: 1, arbitrary: metaLine }), {
      minLength: 1,
      maxLength: 12,
    }),
    repeat: fc.integer({ min: 1, max: 4 }),
    eof: fc.boolean(),
    crlf: fc.boolean(),
  })
  .map(({ lines, repeat, eof, crlf }) => {
    const all: string[] = [];
    for (let r = 0; r < repeat; r++) all.push(...lines);
    // Past the length below which the fast path is not used.
    all.unshift(`# HELP pad ${'p'.repeat(300)}`);
    if (eof) all.push('# EOF');
    return all.join(crlf ? '\r\n' : '\n') + '\n';
  });

/** The real scrapes of the corpus (test/fixtures/exposition), as read from disk. */
export function corpusBodies(): string[] {
  const dir = path.join(__dirname, '../fixtures/exposition');
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** Up to three small edits (drop a few characters, insert a delimiter) anywhere in a body. */
export const edits = fc.array(
  fc.record({
    at: fc.nat(),
    drop: fc.nat({ max: 5 }),
    insert: fc.constantFrom('', ' ', '\n', '"', '{', '}', '#', 'x', '\\', ',', 'é'),
  }),
  { maxLength: 3 },
);

export function applyEdits(text: string, list: { at: number; drop: number; insert: string }[]): string {
  for (const e of list) {
    const at = e.at % (text.length + 1);
    text = text.slice(0, at) + e.insert + text.slice(at + e.drop);
  }
  return text;
}
