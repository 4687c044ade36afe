import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ExpositionError, parseExposition } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setByteMirrorEnabled } from '../../../../src/core/metrics/parserBody';

/** The result of a parse, or the error it threw, in a form deepEqual compares (NaN included). */
function outcome(input: string, opts: ParseOptions): unknown {
  try {
    return parseExposition(input, opts);
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    return { line: e.line, reason: e.reason };
  }
}

/** Parses with the byte-mirror fast path and with the careful char-by-char path: both must agree. */
function assertSameBothWays(input: string, opts: ParseOptions): void {
  const fast = outcome(input, opts);
  setByteMirrorEnabled(false);
  let careful: unknown;
  try {
    careful = outcome(input, opts);
  } finally {
    setByteMirrorEnabled(true);
  }
  assert.deepEqual(fast, careful, input);
}

const OPTIONS: ParseOptions[] = [
  {},
  { strict: true },
  { format: 'prometheus' },
  { format: 'prometheus', strict: true },
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
];

/** Names and values that differ only in their first character catch a compare that skips it. */
const NAMES = [
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
const LABEL_NAMES = ['le', 'quantile', 'method', 'code', 'a', 'path_name_that_is_long'];
const VALUES = [
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
const NUMBERS = [
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
const body = fc
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

describe('parseExposition fast path against the careful path', () => {
  it('generated bodies (escapes, exemplars, timestamps, NaN/±Inf, unicode, empty label sets) parse the same both ways', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...OPTIONS), (text, opts) => assertSameBothWays(text, opts)),
      { numRuns: 400 },
    );
  });

  it('random edits of the real scrapes parse the same both ways', () => {
    const dir = path.join(__dirname, '../../../fixtures/exposition');
    const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const edit = fc.record({
      at: fc.nat(),
      drop: fc.nat({ max: 5 }),
      insert: fc.constantFrom('', ' ', '\n', '"', '{', '}', '#', 'x', '\\', ',', 'é'),
    });
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(edit, { maxLength: 3 }), (f, edits) => {
        let text = files[f]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.drop);
        }
        for (const opts of OPTIONS) assertSameBothWays(text, opts);
      }),
      { numRuns: 60 },
    );
  });
});
