import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ExpositionError, formatValue, labelsKey, parseExposition } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import type { Exemplar } from '../../../../src/core/metrics/types';
import { TYPE_WORDS } from '../../../helpers/expositionArbitraries';

const FORMATS: ParseOptions['format'][] = ['auto', 'prometheus', 'openmetrics'];

/** Strict mode may only throw ExpositionError; lenient mode must not throw at all. */
function assertParsesOrRejectsCleanly(input: string | Buffer): void {
  for (const format of FORMATS) {
    parseExposition(input, { format });
    try {
      parseExposition(input, { format, strict: true });
    } catch (e) {
      if (!(e instanceof ExpositionError)) throw e;
      assert.ok(Number.isInteger(e.line) && e.line >= 1, `line ${e.line}`);
      assert.ok(e.reason.length > 0);
    }
  }
}

/** Pieces of expositions, so random strings reach deep into the grammar rather than failing at once. */
const TOKENS = [
  '# TYPE ',
  '# HELP ',
  '# UNIT ',
  '# EOF',
  '#',
  ' # ',
  '\n',
  ' ',
  '\t',
  '\r',
  '{',
  '}',
  '=',
  '"',
  '\\',
  ',',
  '.',
  'a',
  'a_total',
  'a_bucket',
  'a_count',
  'a_sum',
  'a_created',
  'a_gsum',
  'a_gcount',
  'a_info',
  'le',
  'quantile',
  ...TYPE_WORDS,
  '0',
  '1',
  '-1',
  '1.5',
  '1e3',
  'NaN',
  '+Inf',
  '-Inf',
  'Inf',
  '0x1',
  '1_0',
  'é',
  '\u2603',
  '\uD83D\uDE00',
  '<html>',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(''));

const allTypes = fs.readFileSync(
  path.join(__dirname, '../../../fixtures/prometheus/alltypes-5-families.om.txt'),
  'utf8',
);

describe('parseExposition properties (fast-check)', () => {
  it('arbitrary strings never throw in lenient mode and only ExpositionError in strict mode', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), assertParsesOrRejectsCleanly), {
      numRuns: 300,
    });
  });

  it('arbitrary bytes (invalid UTF-8 included) never crash either', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => assertParsesOrRejectsCleanly(Buffer.from(bytes))),
      { numRuns: 300 },
    );
  });

  it('exposition-like token soup never crashes', () => {
    fc.assert(fc.property(tokenSoup, assertParsesOrRejectsCleanly), { numRuns: 500 });
  });

  it('large pathological bodies (unterminated values, one huge line, many families, many groups) finish with the right counts', () => {
    const unterminated = 'a{x="\n'.repeat(30_000);
    assert.equal(parseExposition(unterminated).skippedLines, 30_000);
    const oneLine = '"\\'.repeat(300_000);
    assert.equal(parseExposition(oneLine).skippedLines, 1);
    const manyFamilies = Array.from({ length: 10_000 }, (_, i) => `m${i}{le="${i}"} ${i}\n`).join('');
    assert.equal(parseExposition(manyFamilies, { strict: true }).families.length, 10_000);
    const manyGroups = [
      '# TYPE h histogram',
      ...Array.from({ length: 5_000 }, (_, i) => `h_bucket{g="${i}",le="+Inf"} 1`),
      '# EOF',
    ].join('\n');
    assert.equal(parseExposition(manyGroups, { strict: true }).families[0]!.samples.length, 5_000);
  });

  it('random edits of a real OpenMetrics exposition never crash', () => {
    const edit = fc.record({
      at: fc.nat({ max: allTypes.length }),
      drop: fc.nat({ max: 5 }),
      insert: fc.constantFrom('', ' ', '\n', '"', '{', '}', '#', 'x', '\\'),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = allTypes;
        for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.drop);
        assertParsesOrRejectsCleanly(text);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------- round trip

interface GenSample {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
  exemplar?: Exemplar;
}

interface GenFamily {
  name: string;
  type: 'counter' | 'gauge';
  help?: string;
  samples: GenSample[];
}

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,15}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/).filter((n) => n !== '__name__');
const labelSet = fc.dictionary(labelName, fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 4 });
/** HELP text that survives Prometheus text's "skip blanks before the text" rule and line ends. */
const helpText = fc.string({ unit: 'binary', maxLength: 40 }).filter((h) => !/^[ \t]/.test(h) && !h.includes('\r'));

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function writeLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
}

function writeNumber(n: number): string {
  return String(formatValue(n));
}

function families(openMetrics: boolean): fc.Arbitrary<GenFamily[]> {
  const timestamp = openMetrics ? fc.double({ noNaN: true, noDefaultInfinity: true }) : fc.maxSafeInteger();
  const exemplar = fc.record(
    {
      labels: fc.dictionary(labelName, fc.string({ maxLength: 10 }), { maxKeys: 2 }),
      value: fc.double(),
      timestamp: fc.double({ noNaN: true, noDefaultInfinity: true }),
    },
    { requiredKeys: ['labels', 'value'] },
  );
  const family = fc.constantFrom<'counter' | 'gauge'>('counter', 'gauge').chain((type) => {
    const value = openMetrics && type === 'counter' ? fc.double({ min: 0, noNaN: true }) : fc.double();
    const sample = fc.record(
      {
        labels: labelSet,
        value,
        timestamp,
        exemplar: openMetrics && type === 'counter' ? exemplar : fc.constant(undefined),
      },
      { requiredKeys: ['labels', 'value'] },
    );
    return fc.record(
      {
        name: metricName,
        type: fc.constant(type),
        help: helpText,
        samples: fc.uniqueArray(sample, { maxLength: 5, selector: (s) => labelsKey(s.labels) }),
      },
      { requiredKeys: ['name', 'type', 'samples'] },
    );
  });
  return fc
    .uniqueArray(family, { maxLength: 6, selector: (f) => f.name })
    .filter(
      (fams) => !fams.some((f) => fams.some((g) => g.name === `${f.name}_total` || g.name === `${f.name}_created`)),
    )
    .map((fams) =>
      fams.map((f) => ({
        ...f,
        samples: f.samples.map((s) => (s.exemplar === undefined ? { ...s, exemplar: undefined } : s)),
      })),
    );
}

function write(fams: GenFamily[], openMetrics: boolean): string {
  const lines: string[] = [];
  for (const f of fams) {
    if (f.help !== undefined) lines.push(`# HELP ${f.name} ${openMetrics ? escapeLabel(f.help) : escapeHelp(f.help)}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    const sampleName = openMetrics && f.type === 'counter' ? `${f.name}_total` : f.name;
    for (const s of f.samples) {
      let line = `${sampleName}${writeLabels(s.labels)} ${writeNumber(s.value)}`;
      if (s.timestamp !== undefined) line += ` ${writeNumber(s.timestamp)}`;
      if (s.exemplar) {
        line += ` # {${Object.keys(s.exemplar.labels)
          .map((k) => `${k}="${escapeLabel(s.exemplar!.labels[k]!)}"`)
          .join(',')}} ${writeNumber(s.exemplar.value)}`;
        if (s.exemplar.timestamp !== undefined) line += ` ${writeNumber(s.exemplar.timestamp)}`;
      }
      lines.push(line);
    }
  }
  if (openMetrics) lines.push('# EOF');
  return lines.join('\n') + '\n';
}

function sameNumber(a: number | undefined, b: number | undefined): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function assertRoundTrip(fams: GenFamily[], openMetrics: boolean): void {
  const text = write(fams, openMetrics);
  const r = parseExposition(text, { strict: true });
  assert.equal(r.format, openMetrics ? 'openmetrics' : 'prometheus');
  assert.equal(r.families.length, fams.length, text);
  fams.forEach((f, i) => {
    const got = r.families[i]!;
    assert.equal(got.name, f.name);
    assert.equal(got.type, f.type);
    // Prometheus reads "# HELP name" with nothing after the name as no help at all.
    assert.equal(got.help, f.help === '' && !openMetrics ? undefined : f.help);
    assert.equal(got.samples.length, f.samples.length);
    f.samples.forEach((s, j) => {
      const g = got.samples[j]!;
      assert.deepEqual(g.labels, { ...s.labels });
      assert.ok(sameNumber(g.value, s.value), `${g.value} vs ${s.value}`);
      assert.ok(sameNumber(g.timestamp, s.timestamp), `timestamp ${g.timestamp} vs ${s.timestamp}`);
      assert.equal(g.exemplar === undefined, s.exemplar === undefined);
      if (g.exemplar && s.exemplar) {
        assert.deepEqual(g.exemplar.labels, { ...s.exemplar.labels });
        assert.ok(sameNumber(g.exemplar.value, s.exemplar.value));
        assert.ok(sameNumber(g.exemplar.timestamp, s.exemplar.timestamp));
      }
    });
  });
}

describe('parseExposition round trip (fast-check)', () => {
  it('generated Prometheus text families parse back to the same names, labels, values and timestamps', () => {
    fc.assert(
      fc.property(families(false), (fams) => assertRoundTrip(fams, false)),
      { numRuns: 200 },
    );
  });

  it('generated OpenMetrics families (with exemplars) parse back the same in strict mode', () => {
    fc.assert(
      fc.property(families(true), (fams) => assertRoundTrip(fams, true)),
      { numRuns: 200 },
    );
  });
});
