import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExpositionError, formatValue, parseExposition } from '../../../../src/core/metrics/parser';
import type { MetricFamily, ParseResult } from '../../../../src/core/metrics/types';

/**
 * The inputs of Prometheus's own text-format parser tests (prometheus/common expfmt), with what
 * that parser does with each (see test/fixtures/NOTICE.md). Strict Prometheus-text mode must
 * agree on every one: accept what it accepts, reading the same families, and reject what it
 * rejects, at the same line.
 */
const FIXTURE = path.join(__dirname, '../../../fixtures/expfmt/text-parse-cases.json');

interface ExpectedSample {
  name: string;
  labels: Record<string, string>;
  value: number | 'NaN' | '+Inf' | '-Inf';
  timestamp?: number;
}

interface ExpectedFamily {
  name: string;
  type: string;
  help?: string;
  samples?: ExpectedSample[];
}

interface Case {
  id: string;
  title?: string;
  input?: string;
  inputBase64?: string;
  expfmt: 'accepts' | 'rejects';
  line?: number;
  error?: string;
  families?: ExpectedFamily[];
}

const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { cases: Case[] };

/**
 * Where PerfLens deliberately reads an input differently from expfmt, and why. Every other case
 * must agree.
 */
const EXCEPTIONS: Record<string, string> = {};

function body(c: Case): string | Buffer {
  return c.inputBase64 !== undefined ? Buffer.from(c.inputBase64, 'base64') : c.input!;
}

function parseStrict(input: string | Buffer): ParseResult {
  return parseExposition(input, { format: 'prometheus', strict: true });
}

function rejectsAt(input: string | Buffer, line: number): void {
  assert.throws(
    () => parseStrict(input),
    (e: unknown) => {
      assert.ok(e instanceof ExpositionError, `expected an ExpositionError, got ${String(e)}`);
      assert.equal(e.line, line, `rejected at line ${e.line} (${e.reason}), expfmt rejects at line ${line}`);
      return true;
    },
  );
}

/** The family as the fixture describes it: samples only where the fixture lists them. */
function comparable(f: MetricFamily, expected: ExpectedFamily): ExpectedFamily {
  const out: ExpectedFamily = { name: f.name, type: f.type };
  if (f.help !== undefined) out.help = f.help;
  if (expected.samples) {
    out.samples = f.samples.map((s) => {
      const sample: ExpectedSample = { name: s.name, labels: { ...s.labels }, value: formatValue(s.value) };
      if (s.timestamp !== undefined) sample.timestamp = s.timestamp;
      return sample;
    });
  }
  return out;
}

describe("Prometheus text format: strict mode agrees with Prometheus's own parser (expfmt test inputs)", () => {
  it('has every input of the expfmt parser tests: 66, 20 accepted and 46 rejected', () => {
    assert.equal(doc.cases.length, 66);
    assert.equal(doc.cases.filter((c) => c.expfmt === 'accepts').length, 20);
  });

  for (const c of doc.cases) {
    const exception = EXCEPTIONS[c.id];
    const title = `${c.id}${c.title ? ` (${c.title})` : ''}: ${c.expfmt === 'accepts' ? 'parses' : `is rejected at line ${c.line}`}`;
    if (exception !== undefined) {
      it(`${title} — deliberate difference: ${exception}`, () => {
        let agrees: boolean;
        try {
          parseStrict(body(c));
          agrees = c.expfmt === 'accepts';
        } catch {
          agrees = c.expfmt === 'rejects';
        }
        assert.equal(agrees, false, 'this case now agrees with expfmt: remove it from EXCEPTIONS');
      });
      continue;
    }
    it(title, () => {
      const input = body(c);
      if (c.expfmt === 'rejects') {
        rejectsAt(input, c.line!);
        // expfmt's error comes before the end of the input, so a final newline would not change
        // its verdict: neither may it change ours (a missing final newline is itself an error).
        if (typeof input === 'string' && !input.endsWith('\n') && c.error !== 'unexpected end of input stream')
          rejectsAt(input + '\n', c.line!);
        return;
      }
      const result = parseStrict(input);
      if (c.families === undefined) return; // expfmt's test checks only that it parses
      // expfmt drops families that only had HELP/TYPE lines; PerfLens keeps them as metadata.
      const read = result.families.filter((f) => f.samples.length > 0);
      assert.deepEqual(read.map((f) => f.name).sort(), c.families!.map((f) => f.name).sort());
      for (const expected of c.families!) {
        const got = read.find((f) => f.name === expected.name)!;
        assert.deepEqual(comparable(got, expected), expected);
      }
    });
  }
});

/**
 * Inputs beyond expfmt's tests, with what its parser (expfmt/text_parse.go at the fixture's
 * commit) does with them, read from its source: strict mode agrees, except where `differs` says
 * why not.
 */
const BEYOND_THE_SUITE: { input: string; expfmt: 'accepts' | 'rejects'; differs?: string }[] = [
  { input: 'a 1e400\n', expfmt: 'rejects' }, // strconv.ParseFloat: value out of range
  { input: 'a -1e400\n', expfmt: 'rejects' },
  { input: 'a +inf\na -Infinity\n', expfmt: 'accepts' },
  { input: 'a 1 99999999999999999999\n', expfmt: 'rejects' }, // strconv.ParseInt: out of int64
  { input: 'a 1\r\n', expfmt: 'rejects' }, // "1\r" is no float
  { input: '# a comment\r\na 1\n', expfmt: 'accepts' },
  { input: '# TYPE a COUNTER\na 1\n', expfmt: 'accepts' }, // TYPE words in any case
  { input: '# TYPE a counter \na 1\n', expfmt: 'rejects' }, // the type is the rest of the line
  { input: '# HELP a\n# HELP a text\na 1\n', expfmt: 'accepts' }, // a HELP with no text says nothing
  { input: '# HELP a bad \\t escape\na 1\n', expfmt: 'rejects' },
  { input: '"a.b" 1\n"a.b"{c="d"} 2\n', expfmt: 'accepts' }, // a quoted name before the braces
  { input: '{a_b} 1\n', expfmt: 'accepts' }, // a plain name inside the braces
  { input: '{"a.b",} 1\n', expfmt: 'accepts' },
  { input: 'a{"b"} 1\n', expfmt: 'rejects' }, // a second name when one came before the braces
  { input: '{""} 1\n', expfmt: 'rejects' }, // an empty name
  { input: '   \t', expfmt: 'accepts' }, // only blanks after the last newline
  {
    input: '# TYPE s summary\ns{a="b"} 1\n',
    expfmt: 'accepts',
    differs:
      'expfmt drops the value of a summary sample without "quantile" in silence; PerfLens says which line it cannot place',
  },
  {
    input: '# TYPE h histogram\nh_bucket{a="b"} 1\n',
    expfmt: 'accepts',
    differs:
      'expfmt drops the value of a histogram bucket without "le" in silence; PerfLens says which line it cannot place',
  },
];

describe("Prometheus text format: strict mode on inputs beyond expfmt's tests", () => {
  for (const c of BEYOND_THE_SUITE) {
    const ours = c.differs === undefined ? c.expfmt : c.expfmt === 'accepts' ? 'rejects' : 'accepts';
    it(`${JSON.stringify(c.input)}: expfmt ${c.expfmt}${c.differs ? `; PerfLens ${ours} — deliberate difference: ${c.differs}` : ''}`, () => {
      if (ours === 'accepts') parseStrict(c.input);
      else assert.throws(() => parseStrict(c.input), ExpositionError);
    });
  }
});

describe('Prometheus text format: what strict mode rejects, a lenient read keeps or skips by itself', () => {
  it('keeps a last line with no newline, and an unknown escape in a label or HELP as written', () => {
    const r = parseExposition('# HELP a tab\\there\na{x="\\t"} 1\nb 2', { format: 'prometheus' });
    assert.deepEqual(r.problems, []);
    assert.equal(r.families[0]!.help, 'tab\\there');
    assert.deepEqual(
      r.families.map((f) => f.samples.map((s) => [s.name, s.labels, s.value])),
      [[['a', { x: '\\t' }, 1]], [['b', {}, 2]]],
    );
  });

  it('skips only the line with a __name__ label, and warns of a negative histogram count while keeping it', () => {
    const r = parseExposition('a{__name__="b"} 1\nc 2\n# TYPE h histogram\nh_bucket{le="+Inf"} -1\nh_count -1\n', {
      format: 'prometheus',
    });
    assert.equal(r.skippedLines, 1);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [1, 4, 5],
    );
    assert.match(r.problems[0]!.reason, /label name "__name__" is reserved/);
    assert.match(r.problems[1]!.reason, /negative bucket count -1 in histogram "h"/);
    assert.deepEqual(
      r.families.map((f) => [f.name, f.samples.length]),
      [
        ['c', 1],
        ['h', 2],
      ],
    );
  });

  it('reads quoted names (Prometheus 3 UTF-8 names) without strict mode too, and takes "# HELP" alone for a comment', () => {
    const r = parseExposition(
      '# HELP\n# HELP "http.server.duration" Time \\"served\\"\n{"http.server.duration","url.scheme"="https"} 0.5\n',
      { format: 'auto' },
    );
    assert.equal(r.format, 'prometheus');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.families.map((f) => [f.name, f.help, f.samples.map((s) => [s.name, s.labels])]),
      [['http.server.duration', 'Time "served"', [['http.server.duration', { 'url.scheme': 'https' }]]]],
    );
  });
});
