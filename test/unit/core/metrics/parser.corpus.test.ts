/**
 * The real-exposition corpus (test/fixtures/exposition/, captured unchanged from Prometheus,
 * node_exporter, Python's prometheus_client, prom-client and OpenTelemetry JS's exporter; see
 * test/fixtures/NOTICE.md) and a generated high-cardinality scrape: each is read without a problem,
 * strictly in its own format, and agrees with `parse-prometheus-text-format` (the bench's anchor):
 * the same families, and the same samples with the same values.
 *
 * The reference parser merges the label sets of a histogram or summary into one, so samples are
 * compared on what it reads from the sample lines alone (comments dropped): one family per sample
 * name, every line kept as written.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { highCardinalityScrape } from '../../../../bench/highCardinalityScrape';
import { parseExposition } from '../../../../src/core/metrics/parser';
import type { MetricFamily } from '../../../../src/core/metrics/types';

interface ReferenceFamily {
  name: string;
  help: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string }[];
}
// The reference ships no types; it is called as parse(text) → families.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const reference = require('parse-prometheus-text-format') as (text: string) => ReferenceFamily[];

const CORPUS = path.join(__dirname, '../../../fixtures/exposition');
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'));

/** A value as the reference keeps it (the text as written) read as a number. */
function referenceValue(text: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  return Number(text);
}

type Row = [name: string, labels: Record<string, string>, value: number];

/** What the reference reads from each sample line, in the order of the lines. */
function referenceSamples(text: string): Row[] {
  const sampleLines = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
  return reference(sampleLines).flatMap((f) =>
    f.metrics.map((m): Row => [f.name, m.labels ?? {}, referenceValue(m.value!)]),
  );
}

function ourSamples(families: MetricFamily[]): Row[] {
  return families.flatMap((f) => f.samples.map((s): Row => [s.name, { ...s.labels }, s.value]));
}

function assertAgrees(text: string, families: MetricFamily[]): void {
  const expected = referenceSamples(text);
  const actual = ourSamples(families);
  assert.equal(actual.length, expected.length, 'sample count');
  for (let i = 0; i < expected.length; i++) assert.deepEqual(actual[i], expected[i], `sample ${i + 1}`);
}

describe('parseExposition on the real-exposition corpus', () => {
  it('holds Prometheus text from client_golang, Python, prom-client and OpenTelemetry, and OpenMetrics', () => {
    for (const prefix of ['prometheus-', 'node-exporter-', 'python-', 'prom-client-', 'opentelemetry-'])
      assert.ok(
        files.some((f) => f.startsWith(prefix) && f.endsWith('.prom')),
        `a ${prefix}* text-format scrape`,
      );
    assert.ok(files.filter((f) => f.endsWith('.om.txt')).length >= 2, 'OpenMetrics scrapes');
  });

  for (const file of files) {
    const openMetrics = file.endsWith('.om.txt');
    it(`${file}: read strictly as ${openMetrics ? 'OpenMetrics' : 'Prometheus text'}, the same samples and values as the reference`, () => {
      const bytes = fs.readFileSync(path.join(CORPUS, file));
      const text = bytes.toString('utf8');
      const strict = parseExposition(bytes, { format: openMetrics ? 'openmetrics' : 'prometheus', strict: true });
      const scraped = parseExposition(bytes, {
        contentType: openMetrics ? 'application/openmetrics-text; version=1.0.0' : 'text/plain; version=0.0.4',
      });
      assert.deepEqual(scraped.problems, []);
      assert.deepEqual(scraped.families, strict.families);
      assert.ok(strict.families.length > 0);
      assertAgrees(text, strict.families);
      if (!openMetrics) {
        // Families: the reference's names, types and HELP (it reads no OpenMetrics metadata rules).
        const expected = reference(text).map((f) => [f.name, f.type, f.help]);
        const actual = strict.families.map((f) => [f.name, f.type.toUpperCase(), f.help ?? '']);
        assert.deepEqual(actual, expected);
      }
    });
  }

  for (const format of ['prometheus', 'openmetrics'] as const) {
    it(`a generated high-cardinality scrape (${format}): read strictly, the same samples and values as the reference`, () => {
      const { text, samples } = highCardinalityScrape(5000, format);
      const r = parseExposition(text, { format, strict: true });
      assert.equal(
        r.families.reduce((n, f) => n + f.samples.length, 0),
        samples,
      );
      assertAgrees(text, r.families);
    });
  }
});
