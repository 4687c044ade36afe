import * as assert from 'node:assert/strict';
import type { Concept, ResolvedMapping } from '../../../../src/core/metrics/presets';
import { PRESETS } from '../../../../src/core/metrics/presets';
import { candidateNames, counterName, detectionQuery } from '../../../../src/core/prometheus/detect';
import { buildQueryPlan, msScale } from '../../../../src/core/prometheus/plan';
import type { LabelMatcher } from '../../../../src/core/prometheus/selector';

/** Every concept of a preset resolved to its first mapping, as detection would on a full exporter. */
function resolvedFor(presetId: string): Map<Concept, ResolvedMapping> {
  const preset = PRESETS.find((p) => p.id === presetId)!;
  const out = new Map<Concept, ResolvedMapping>();
  for (const [concept, list] of Object.entries(preset.mappings)) {
    out.set(concept as Concept, {
      concept: concept as Concept,
      mapping: list![0]!,
      presetId: preset.id,
      presetTitle: preset.title,
    });
  }
  return out;
}

const JOB: LabelMatcher[] = [{ name: 'job', op: '=', value: 'demo' }];

function plan(presetId: string, matchers = JOB, names: string[] = []): Map<string, string> {
  return new Map(
    buildQueryPlan({ matchers, resolved: resolvedFor(presetId), names: new Set(names), windowMs: 60_000 }).map((q) => [
      q.key,
      q.expr,
    ]),
  );
}

describe('prometheus PromQL plan', () => {
  it("builds the issue's queries for the demo preset: rate by instance, 5xx ratio, histogram_quantile by route", () => {
    const q = plan('demo', JOB, ['http_requests_total', 'db_pool_acquires_total', 'process_cpu_seconds_total']);
    assert.equal(q.get('up'), 'max by (instance, job) (up{job="demo"})');
    assert.equal(q.get('http.rate'), 'sum by (instance, route, method) (rate(http_requests_total{job="demo"}[60s]))');
    assert.equal(
      q.get('http.errors'),
      'sum by (instance, route, method) (rate(http_requests_total{job="demo", status=~"5.."}[60s]))',
    );
    assert.equal(
      q.get('http.p95Ms.r'),
      'histogram_quantile(0.95, sum by (le, route, method) (rate(http_request_duration_seconds_bucket{job="demo"}[60s])))',
    );
    assert.equal(
      q.get('http.p95Ms.ir'),
      'histogram_quantile(0.95, sum by (le, instance, route, method) (rate(http_request_duration_seconds_bucket{job="demo"}[60s])))',
    );
    assert.equal(
      q.get('http.p99Ms.all'),
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="demo"}[60s])))',
    );
    assert.equal(
      q.get('http.sum'),
      'sum by (instance, route, method) (rate(http_request_duration_seconds_sum{job="demo"}[60s]))',
    );
    assert.equal(q.get('pool.size'), 'sum by (instance) (db_pool_size{job="demo"})');
    assert.equal(
      q.get('pool.waitP95'),
      'histogram_quantile(0.95, sum by (le, instance) (rate(db_pool_acquire_wait_seconds_bucket{job="demo"}[60s])))',
    );
    assert.equal(q.get('cache.hits'), 'sum by (instance, cache) (rate(cache_hits_total{job="demo"}[60s]))');
    assert.equal(q.get('cache.size'), 'sum by (instance, cache) (cache_size{job="demo"})');
    assert.equal(
      q.get('query.p95Ms'),
      'histogram_quantile(0.95, sum by (le, statement, sql) (rate(db_query_duration_seconds_bucket{job="demo"}[60s])))',
    );
    assert.equal(q.get('proc.cpu'), '100 * sum by (instance) (rate(process_cpu_seconds_total{job="demo"}[60s]))');
    assert.equal(q.get('proc.rss'), 'sum by (instance) (process_resident_memory_bytes{job="demo"})');
  });

  it('escapes selector values inside every query', () => {
    const q = plan('demo', [
      { name: 'job', op: '=', value: 'de"mo\\x' },
      { name: 'instance', op: '=~', value: '10\\.0\\..*' },
    ]);
    assert.equal(q.get('up'), 'max by (instance, job) (up{job="de\\"mo\\\\x", instance=~"10\\\\.0\\\\..*"})');
    for (const expr of q.values()) assert.ok(expr.includes('{job="de\\"mo\\\\x", instance=~"10\\\\.0\\\\..*"'), expr);
  });

  it("follows each exporter's names: Micrometer's uri/status and match labels, Go's wait counters, OTel's route", () => {
    const m = plan('micrometer', JOB, ['http_server_requests_seconds_count']);
    assert.equal(
      m.get('http.rate'),
      'sum by (instance, uri, method) (rate(http_server_requests_seconds_count{job="demo"}[60s]))',
    );
    assert.equal(
      m.get('http.errors'),
      'sum by (instance, uri, method) (rate(http_server_requests_seconds_count{job="demo", status=~"5.."}[60s]))',
    );
    assert.equal(
      m.get('cache.hits'),
      'sum by (instance, cache) (rate(cache_gets_total{job="demo", result="hit"}[60s]))',
    );
    assert.equal(m.get('pool.active'), 'sum by (instance, pool) (hikaricp_connections_active{job="demo"})');
    assert.equal(m.get('proc.cpu'), '100 * sum by (instance) (process_cpu_usage{job="demo"})');
    const go = plan('go', JOB, ['go_sql_wait_count_total']);
    assert.equal(
      go.get('pool.waitCount'),
      'sum by (instance, db_name) (rate(go_sql_wait_count_total{job="demo"}[60s]))',
    );
    assert.equal(
      go.get('pool.waitSum'),
      'sum by (instance, db_name) (rate(go_sql_wait_duration_seconds_total{job="demo"}[60s]))',
    );
    const otel = plan('opentelemetry');
    assert.equal(
      otel.get('http.errors'),
      'sum by (instance, http_route, http_request_method) (rate(http_server_request_duration_seconds_count{job="demo", http_response_status_code=~"5.."}[60s]))',
    );
  });

  it("reads a summary's own quantile series (max across instances) instead of histogram_quantile", () => {
    const resolved = resolvedFor('micrometer');
    const summary = PRESETS.find((p) => p.id === 'micrometer')!.mappings.httpDuration!.find(
      (x) => x.shape === 'summary',
    )!;
    resolved.set('httpDuration', {
      concept: 'httpDuration',
      mapping: summary,
      presetId: 'micrometer',
      presetTitle: '',
    });
    const q = new Map(
      buildQueryPlan({ matchers: JOB, resolved, names: new Set(), windowMs: 30_000 }).map((x) => [x.key, x.expr]),
    );
    assert.equal(
      q.get('http.p95Ms.r'),
      'max by (uri, method) (http_server_requests_seconds{job="demo", quantile="0.95"})',
    );
  });

  it('uses the counter spelling the server holds (with or without _total)', () => {
    const m = { metric: 'jobs_processed_total', shape: 'counter' as const };
    assert.deepEqual(candidateNames(m), ['jobs_processed_total', 'jobs_processed']);
    assert.equal(counterName(m, new Set(['jobs_processed'])), 'jobs_processed');
    assert.equal(counterName(m, new Set()), 'jobs_processed_total');
    assert.deepEqual(candidateNames({ metric: 'x_seconds', shape: 'histogram' }), [
      'x_seconds_bucket',
      'x_seconds_count',
      'x_seconds_sum',
    ]);
  });

  it('asks for the candidate names and role labels in one group-by query', () => {
    const q = detectionQuery(JOB);
    assert.match(q, /^group by \(__name__, (\w+, )*route, (\w+, )*status(, \w+)*\) \(\{job="demo", __name__=~"/);
    assert.ok(q.includes('http_requests_total|'));
    assert.ok(q.includes('hikaricp_connections_acquire_seconds_bucket'));
    assert.ok(!q.includes('..'), 'regex metacharacters in names are escaped');
  });

  it('converts durations to milliseconds by the unit in the name', () => {
    assert.equal(msScale({ metric: 'http_request_duration_seconds', shape: 'histogram' }), 1000);
    assert.equal(msScale({ metric: 'request_latency_ms', shape: 'histogram' }), 1);
    assert.equal(msScale({ metric: 'latency', shape: 'histogram', unit: 'seconds' }), 1000);
  });
});
