/**
 * The usual sample line of a first parse (`name` or `name{a="x",…}`, one space, a plain value,
 * the newline) is read straight from the body's bytes (PlainLineScanner.scanPlainLine), before
 * its end is looked for: it must read every such line as the general path does, update the
 * scanner's caches as the general path would (later lines read alike either way), and leave
 * every other line to it — blanks and tabs anywhere, a CR, escapes, quoted names, a name inside
 * the braces, `__name__`, duplicate labels, a trailing comma, many labels, timestamps,
 * exponents, signs, Inf/NaN, long digits, exemplars, non-ASCII text, a last line without a
 * newline. Both dialects, strict and lenient; with the fast path off every line takes the
 * general path. The bodies are longer than the byte copy's minimum, so the fast path runs.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { setPlainLineFastPathEnabled } from '../../../../src/core/metrics/parserPlainLine';
import { NUMBERS, corpusBodies, outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** Longer than the byte copy's minimum on its own. */
const PREAMBLE = `# ${'padding '.repeat(40)}`;

/** Mostly the usual form, so that most lines take the fast path and the others differ in one place or two. */
const often = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 14, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

const NAMES = ['a', 'b', 'ab', 'a_total', 'a_bucket', 'a_sum', 'a_count', 'a_created', 'node_cpu_seconds_total', 'x:y'];
const LABEL_NAMES = ['le', 'quantile', 'method', 'code', 'a', 'b', 'path_name_that_is_long'];
const ODD_LABEL_NAMES = ['__name__', '"a.b"', '"le"', '1a', 'a-b', ''];
const VALUES = ['', 'GET', 'SET', 'POST', '200', '0.5', '+Inf', '1', '/api/v1/some/long/path', 'a b', 'x=y,z'];
const ODD_VALUES = ['with \\"quote\\"', 'back\\\\slash', 'new\\nline', 'bad\\q', 'tab\there', 'cr\rhere'];
const PLAIN_NUMBERS = ['0', '1', '7', '42', '1.5', '0.005', '2.685848e+06', '1e3', '2.5e-05', '123456789012345', '.5'];
/** The shared list's other numbers, and more that only the plain line's value pass may misread. */
const ODD_NUMBERS = [
  ...NUMBERS.filter((n) => !PLAIN_NUMBERS.includes(n)),
  '+1',
  '1e1234',
  'Inf',
  '0.9007199254740993',
  '1.7976931348623157',
  '1e400',
  '1e999',
  '1e-400',
  '1.7963020201005435e+09',
  '5.914299799769651e-05',
  '9.999999999999999e22',
  '12345678901234567890123',
  '0x10',
  '1_000',
  '',
];

const labelPair = fc
  .record({
    name: often('', ...ODD_LABEL_NAMES).chain((odd) =>
      odd === '' ? fc.constantFrom(...LABEL_NAMES) : fc.constant(odd),
    ),
    equals: often('=', ' =', '= ', '\t=', ''),
    open: often('"', "'", ''),
    value: often('', ...ODD_VALUES).chain((odd) => (odd === '' ? fc.constantFrom(...VALUES) : fc.constant(odd))),
  })
  .map((p) => `${p.name}${p.equals}${p.open}${p.value}"`);

/** Many distinct label names, past the count below which duplicates are found by comparing names. */
const manyLabels = fc
  .integer({ min: 14, max: 19 })
  .map((n) => Array.from({ length: n }, (_, k) => `l${k}="${k % 3}"`).join(','));

const labelSet = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('', '{}', '{ }', '{,}', '{', '{a="1"', '{a="1"}}', '{"a.b"}', '{a_b}') },
  { weight: 1, arbitrary: manyLabels.map((l) => `{${l}}`) },
  {
    weight: 16,
    arbitrary: fc
      .record({
        pairs: fc.array(labelPair, { minLength: 1, maxLength: 4 }),
        comma: often(',', ', ', ' ,', ',\t'),
        open: often('{', '{ '),
        close: often('}', ',}', ' }', ', }'),
      })
      .map((s) => `${s.open}${s.pairs.join(s.comma)}${s.close}`),
  },
);

const sampleLine = fc
  .record({
    lead: often('', ' ', '\t'),
    name: often('', '"quoted.name"', '1abc', 'a.b'),
    gap: often('', ' ', '\t'),
    labels: labelSet,
    space: often(' ', '  ', '\t', ''),
    value: often('', ...ODD_NUMBERS).chain((odd) =>
      odd === '' ? fc.constantFrom(...PLAIN_NUMBERS) : fc.constant(odd),
    ),
    tail: often(
      '',
      ' ',
      '\t',
      ' 1700000000',
      ' 1.5',
      ' -3',
      '  1700000000',
      ' 1700000000 ',
      ' # {trace_id="abc123"} 1',
      ' # {} 0.5 1.25',
      ' # {a="1",b="2"} 1 2',
      ' # {a="1",b="2"} x',
      ' # {a="1",a="2"} 1',
      ' 1 # {a="1",b="\\"} 1 1 1',
      '\r',
      'x',
    ),
  })
  .chain((s) =>
    (s.name === '' ? fc.constantFrom(...NAMES) : fc.constant(s.name)).map(
      (name) => `${s.lead}${name}${s.gap}${s.labels}${s.space}${s.value}${s.tail}`,
    ),
  );

const metaLine = fc
  .tuple(
    fc.constantFrom('# HELP', '# TYPE', '# UNIT'),
    fc.constantFrom(...NAMES),
    fc.constantFrom('counter', 'gauge', 'histogram', 'summary', 'seconds', 'help text'),
  )
  .map(([kind, name, rest]) => `${kind} ${name} ${rest}`);

const line = fc.oneof(
  { weight: 8, arbitrary: sampleLine },
  { weight: 2, arbitrary: metaLine },
  { weight: 1, arbitrary: fc.constantFrom('', '# a comment', '#') },
);

/** Lines repeated (the caches of names and values then come into play), then an ending. */
const body = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 12 }),
    repeat: fc.integer({ min: 1, max: 3 }),
    also: fc.array(line, { maxLength: 4 }),
    eof: often(true, false),
    lastNewline: often(true, false),
    // Not ASCII: no byte copy, so every line takes the general path.
    ascii: often(true, false),
    eol: often('\n', '\r\n'),
  })
  .map(({ lines, repeat, also, eof, lastNewline, ascii, eol }) => {
    const all = [ascii ? PREAMBLE : `${PREAMBLE} é`];
    for (let r = 0; r < repeat; r++) all.push(...lines);
    all.push(...also);
    if (eof) all.push('# EOF');
    return all.join(eol) + (lastNewline ? eol : '');
  });

const OPTIONS: ParseOptions[] = [
  { format: 'prometheus' },
  { format: 'prometheus', strict: true },
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
];

function general(text: string, opts: ParseOptions): unknown {
  return outcomeWith([setPlainLineFastPathEnabled], false, text, opts);
}

/** The same outcome, labels with their keys in the same order. */
function assertSame(fast: unknown, slow: unknown, text: string): void {
  assert.deepEqual(fast, slow, text);
  assert.equal(JSON.stringify(fast), JSON.stringify(slow), text);
}

describe('parser: plain sample lines of a first parse, read from the bytes', () => {
  it('read as the general path reads them, every other line left to it', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS) assertSame(outcome(text, opts), general(text, opts), text);
      }),
      { numRuns: 1500 },
    );
  });

  it('read as the general path reads them in the real scrapes of the corpus', () => {
    for (const text of corpusBodies()) {
      for (const opts of OPTIONS) assertSame(outcome(text, opts), general(text, opts), text.slice(0, 80));
    }
  });
});
