import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExpositionError, parseExposition } from '../../../../src/core/metrics/parser';
import type { MetricFamily } from '../../../../src/core/metrics/types';

/** Real-world expositions copied unchanged (see test/fixtures/NOTICE.md). */
const FIX = path.join(__dirname, '../../../fixtures/prometheus');
const serverScrape = fs.readFileSync(path.join(FIX, 'prometheus-server-scrape.prom'));
const allTypes = fs.readFileSync(path.join(FIX, 'alltypes-5-families.om.txt'));

function countTypes(families: MetricFamily[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of families) out[f.type] = (out[f.type] ?? 0) + 1;
  return out;
}

function sampleCount(families: MetricFamily[]): number {
  return families.reduce((n, f) => n + f.samples.length, 0);
}

describe('parseExposition on a real Prometheus server scrape (text 0.0.4)', () => {
  for (const strict of [false, true]) {
    it(`gives 37 families (9 counter, 18 gauge, 10 summary) and 248 samples${strict ? ' in strict mode' : ''}`, () => {
      const r = parseExposition(serverScrape, { strict });
      assert.equal(r.format, 'prometheus');
      assert.equal(r.families.length, 37);
      assert.deepEqual(countTypes(r.families), { counter: 9, gauge: 18, summary: 10 });
      assert.equal(sampleCount(r.families), 248);
      assert.equal(r.skippedLines, 0);
      assert.deepEqual(r.problems, []);
    });
  }

  it('groups each summary with its _sum and _count, with the quoted values', () => {
    const r = parseExposition(serverScrape);
    const fam = r.families.find((f) => f.name === 'http_request_duration_microseconds')!;
    assert.equal(fam.type, 'summary');
    assert.equal(fam.help, 'The HTTP request latencies in microseconds.');
    const rows = fam.samples
      .filter((s) => s.labels.handler === 'prometheus')
      .map((s) => [s.name, s.labels.quantile, s.value]);
    assert.deepEqual(rows, [
      ['http_request_duration_microseconds', '0.5', 1307.275],
      ['http_request_duration_microseconds', '0.9', 1858.632],
      ['http_request_duration_microseconds', '0.99', 3087.384],
      ['http_request_duration_microseconds_sum', undefined, 179886.5000000001],
      ['http_request_duration_microseconds_count', undefined, 119],
    ]);
    // Every summary sample landed in a summary family, none in a family of its own.
    assert.ok(!r.families.some((f) => /_(sum|count)$/.test(f.name) && f.type !== 'counter'));
  });

  it('parses the same from a string and from bytes', () => {
    assert.deepEqual(parseExposition(serverScrape.toString('utf8')), parseExposition(serverScrape));
  });
});

describe('parseExposition on Prometheus OpenMetrics output with all types (alltypes.5mfs)', () => {
  it('gives 5 families (gauge, 2 counters, histogram, summary), 53 samples and 6 exemplars', () => {
    const r = parseExposition(allTypes);
    assert.equal(r.format, 'openmetrics');
    assert.deepEqual(
      r.families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['go_build_info', 'gauge', 1],
        ['promhttp_metric_handler_errors', 'counter', 4],
        ['rpc_durations_histogram_seconds', 'histogram', 24],
        ['rpc_durations_seconds', 'summary', 18],
        ['rpc_requests', 'counter', 6],
      ],
    );
    assert.equal(sampleCount(r.families), 53);
    const exemplars = r.families.flatMap((f) => f.samples.filter((s) => s.exemplar));
    assert.equal(exemplars.length, 6);
    assert.ok(exemplars.every((s) => s.name === 'rpc_durations_histogram_seconds_bucket'));
    assert.deepEqual(exemplars[0]!.exemplar, {
      labels: { dummyID: '17783' },
      value: -0.0003825067330956884,
      timestamp: 1.7268398142239082e9,
    });
    assert.equal(r.skippedLines, 0);
  });

  it('attaches _created, _sum, _count and negative-le buckets to their families', () => {
    const r = parseExposition(allTypes);
    const hist = r.families.find((f) => f.name === 'rpc_durations_histogram_seconds')!;
    assert.equal(hist.samples.filter((s) => s.name.endsWith('_bucket')).length, 21);
    assert.equal(hist.samples[0]!.labels.le, '-0.00099');
    assert.deepEqual(
      hist.samples.slice(-3).map((s) => [s.name, s.value]),
      [
        ['rpc_durations_histogram_seconds_sum', -8.452185437166741e-5],
        ['rpc_durations_histogram_seconds_count', 15],
        ['rpc_durations_histogram_seconds_created', 1.726839813016302e9],
      ],
    );
    const counter = r.families.find((f) => f.name === 'promhttp_metric_handler_errors')!;
    assert.deepEqual(
      counter.samples.map((s) => s.name),
      [
        'promhttp_metric_handler_errors_total',
        'promhttp_metric_handler_errors_created',
        'promhttp_metric_handler_errors_total',
        'promhttp_metric_handler_errors_created',
      ],
    );
    assert.equal(counter.help, 'Total number of internal errors encountered by the promhttp metric handler.');
  });

  it('keeps the data but reports its OpenMetrics rule breaks (a _sum with negative buckets, negative summary values)', () => {
    const r = parseExposition(allTypes);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [12, 33, 44, 47],
    );
    assert.match(r.problems[0]!.reason, /negative buckets, so it must not have a _sum/);
    assert.match(r.problems[2]!.reason, /quantile value must not be negative/);
  });

  it('is rejected in strict mode at the first rule break, with the line', () => {
    assert.throws(
      () => parseExposition(allTypes, { strict: true }),
      (e: unknown) =>
        e instanceof ExpositionError &&
        e.line === 33 &&
        /rpc_durations_histogram_seconds_sum.*must not be NaN or negative/.test(e.reason),
    );
  });
});
