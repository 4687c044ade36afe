import * as assert from 'node:assert/strict';
import { deriveMetrics } from '../../../../src/core/metrics/derived';
import { describePresetMatches, detectPresets, indexSamples } from '../../../../src/core/metrics/presets';
import type { MetricFamily, Sample } from '../../../../src/core/metrics/types';

const s = (name: string, labels: Record<string, string>, value: number): Sample => ({ name, labels, value });
const fam = (name: string, samples: Sample[]): MetricFamily => ({ name, type: 'unknown', samples });

/** A histogram with all observations in the bucket ending at `le` seconds. */
function hist(name: string, labels: Record<string, string>, le: string, count: number, sum: number): Sample[] {
  return [
    s(`${name}_bucket`, { ...labels, le }, count),
    s(`${name}_bucket`, { ...labels, le: '+Inf' }, count),
    s(`${name}_sum`, labels, sum),
    s(`${name}_count`, labels, count),
  ];
}

function detect(fams: MetricFamily[], overrides = {}) {
  return describePresetMatches(detectPresets(indexSamples(fams), overrides));
}

describe('presets', () => {
  it('recognises Micrometer / Spring Boot with HikariCP', () => {
    const scrape = (n: number): MetricFamily[] => [
      fam('http_server_requests_seconds', [
        s(
          'http_server_requests_seconds_count',
          { method: 'GET', uri: '/owners', status: '200', outcome: 'SUCCESS' },
          n,
        ),
        s(
          'http_server_requests_seconds_sum',
          { method: 'GET', uri: '/owners', status: '200', outcome: 'SUCCESS' },
          n * 0.02,
        ),
        s(
          'http_server_requests_seconds_count',
          { method: 'GET', uri: '/owners', status: '503', outcome: 'SERVER_ERROR' },
          n / 10,
        ),
        s(
          'http_server_requests_seconds_sum',
          { method: 'GET', uri: '/owners', status: '503', outcome: 'SERVER_ERROR' },
          n * 0.001,
        ),
      ]),
      fam('hikaricp_connections', [s('hikaricp_connections', { pool: 'HikariPool-1' }, 10)]),
      fam('hikaricp_connections_max', [s('hikaricp_connections_max', { pool: 'HikariPool-1' }, 20)]),
      fam('hikaricp_connections_active', [s('hikaricp_connections_active', { pool: 'HikariPool-1' }, 7)]),
      fam('hikaricp_connections_idle', [s('hikaricp_connections_idle', { pool: 'HikariPool-1' }, 3)]),
      fam('hikaricp_connections_pending', [s('hikaricp_connections_pending', { pool: 'HikariPool-1' }, 5)]),
      fam('hikaricp_connections_acquire_seconds', [
        s('hikaricp_connections_acquire_seconds_count', { pool: 'HikariPool-1' }, n),
        s('hikaricp_connections_acquire_seconds_sum', { pool: 'HikariPool-1' }, n * 0.003),
      ]),
      fam('process_cpu_usage', [s('process_cpu_usage', {}, 0.25)]),
      fam('jvm_memory_used_bytes', [
        s('jvm_memory_used_bytes', { area: 'heap', id: 'G1 Eden Space' }, 3e6),
        s('jvm_memory_used_bytes', { area: 'heap', id: 'G1 Old Gen' }, 7e6),
        s('jvm_memory_used_bytes', { area: 'nonheap', id: 'Metaspace' }, 5e6),
      ]),
    ];
    const report = detect(scrape(100));
    assert.equal(report.httpRequests, 'http_server_requests_seconds_count (micrometer)');
    assert.equal(report.httpDuration, 'http_server_requests_seconds (micrometer)');
    assert.equal(report.poolPending, 'hikaricp_connections_pending (micrometer)');
    const cur = { time: 10_000, index: indexSamples(scrape(200)) };
    const d = deriveMetrics({ time: 0, index: indexSamples(scrape(100)) }, cur, detectPresets(cur.index));
    assert.ok(Math.abs(d.http!.requestRate - 11) < 1e-9); // (100 + 10) / 10 s
    assert.ok(Math.abs(d.http!.errorRate - 1 / 11) < 1e-9);
    assert.equal(d.http!.p95Ms, undefined, 'a summary without buckets has no percentiles');
    const pool = d.pools![0]!;
    assert.deepEqual([pool.name, pool.size, pool.max, pool.active, pool.pending], ['HikariPool-1', 10, 20, 7, 5]);
    assert.ok(Math.abs(pool.acquireWaitAvgMs! - 3) < 1e-9);
    assert.equal(d.processCpuPercent, 25);
    assert.equal(d.heapUsedBytes, 10e6);
  });

  it('recognises prometheus-fastapi-instrumentator by its handler label and 2xx/5xx status groups', () => {
    const scrape = (ok: number, bad: number): MetricFamily[] => [
      fam('http_requests_total', [
        s('http_requests_total', { handler: '/items/{id}', method: 'GET', status: '2xx' }, ok),
        s('http_requests_total', { handler: '/items/{id}', method: 'GET', status: '5xx' }, bad),
      ]),
      fam(
        'http_request_duration_seconds',
        hist(
          'http_request_duration_seconds',
          { handler: '/items/{id}', method: 'GET' },
          '0.1',
          ok + bad,
          (ok + bad) * 0.05,
        ),
      ),
    ];
    assert.equal(detect(scrape(1, 1)).httpRequests, 'http_requests_total (python-fastapi)');
    const cur = { time: 5000, index: indexSamples(scrape(90, 10)) };
    const d = deriveMetrics({ time: 0, index: indexSamples(scrape(0, 0)) }, cur, detectPresets(cur.index));
    assert.equal(d.http!.routes[0]!.route, '/items/{id}');
    assert.equal(d.http!.routes[0]!.avgMs, 50);
    // The route's latency is shipped for the history under the route alone.
    assert.deepEqual(
      d.histograms!.filter((h) => h.series === 'http.route.duration').map((h) => h.labels),
      [{ route: '/items/{id}', method: 'GET' }],
    );
    assert.equal(d.http!.errorRate, 0.1);
    assert.equal(d.http!.requestRate, 20);
  });

  it('recognises Go database/sql stats and derives the average wait', () => {
    const scrape = (waits: number, waitSeconds: number): MetricFamily[] => [
      fam('go_sql_open_connections', [s('go_sql_open_connections', { db_name: 'orders' }, 8)]),
      fam('go_sql_in_use_connections', [s('go_sql_in_use_connections', { db_name: 'orders' }, 8)]),
      fam('go_sql_idle_connections', [s('go_sql_idle_connections', { db_name: 'orders' }, 0)]),
      fam('go_sql_max_open_connections', [s('go_sql_max_open_connections', { db_name: 'orders' }, 8)]),
      fam('go_sql_wait_count_total', [s('go_sql_wait_count_total', { db_name: 'orders' }, waits)]),
      fam('go_sql_wait_duration_seconds_total', [
        s('go_sql_wait_duration_seconds_total', { db_name: 'orders' }, waitSeconds),
      ]),
      fam('go_memstats_heap_alloc_bytes', [s('go_memstats_heap_alloc_bytes', {}, 4e6)]),
    ];
    const cur = { time: 10_000, index: indexSamples(scrape(60, 3)) };
    const d = deriveMetrics({ time: 0, index: indexSamples(scrape(10, 0.5)) }, cur, detectPresets(cur.index));
    const pool = d.pools![0]!;
    assert.deepEqual([pool.name, pool.size, pool.max, pool.active, pool.idle], ['orders', 8, 8, 8, 0]);
    assert.equal(pool.acquireWaitAvgMs, 50); // 2.5 s over 50 waits
    assert.equal(d.heapUsedBytes, 4e6);
    assert.equal(detect(scrape(1, 1)).poolSize, 'go_sql_open_connections (go)');
  });

  it('recognises redis_exporter and sums keys over databases', () => {
    const scrape = (hits: number, misses: number): MetricFamily[] => [
      fam('redis_keyspace_hits_total', [s('redis_keyspace_hits_total', {}, hits)]),
      fam('redis_keyspace_misses_total', [s('redis_keyspace_misses_total', {}, misses)]),
      fam('redis_evicted_keys_total', [s('redis_evicted_keys_total', {}, 0)]),
      fam('redis_db_keys', [s('redis_db_keys', { db: 'db0' }, 100), s('redis_db_keys', { db: 'db1' }, 20)]),
      fam('redis_memory_used_bytes', [s('redis_memory_used_bytes', {}, 1e6)]),
      fam('redis_memory_max_bytes', [s('redis_memory_max_bytes', {}, 4e6)]),
    ];
    const cur = { time: 10_000, index: indexSamples(scrape(300, 100)) };
    const d = deriveMetrics({ time: 0, index: indexSamples(scrape(0, 0)) }, cur, detectPresets(cur.index));
    assert.deepEqual(d.caches, [
      {
        name: 'redis',
        hitRate: 0.75,
        hitsPerSec: 30,
        missesPerSec: 10,
        evictionsPerSec: 0,
        size: 120,
        memoryBytes: 1e6,
        memoryLimitBytes: 4e6,
      },
    ]);
  });

  it('recognises the OpenTelemetry exporter names and labels', () => {
    const labels = { http_route: '/api/users', http_request_method: 'GET', http_response_status_code: '500' };
    const fams = [
      fam('http_server_request_duration_seconds', hist('http_server_request_duration_seconds', labels, '0.25', 4, 0.6)),
    ];
    const report = detect(fams);
    assert.equal(report.httpRequests, 'http_server_request_duration_seconds_count (opentelemetry)');
    const cur = { time: 2000, index: indexSamples(fams) };
    const d = deriveMetrics({ time: 0, index: indexSamples([]) }, cur, detectPresets(cur.index));
    assert.equal(d.http!.errorRate, 1);
    assert.equal(d.http!.routes[0]!.route, '/api/users');
  });

  it('lets settings override a concept with any metric name', () => {
    const fams = [
      fam('api_calls_total', [s('api_calls_total', { route: '/x', status: '200' }, 5)]),
      fam('http_requests_total', [s('http_requests_total', { route: '/y', method: 'GET', status: '200' }, 5)]),
    ];
    assert.equal(detect(fams).httpRequests, 'http_requests_total (demo)');
    assert.equal(detect(fams, { httpRequests: 'api_calls_total' }).httpRequests, 'api_calls_total (override)');
    // An override that names a missing metric falls back to detection instead of reading nothing.
    assert.equal(detect(fams, { httpRequests: 'nope_total' }).httpRequests, 'http_requests_total (demo)');
  });
});

describe('presets: durations without a method label', () => {
  it('give every method of the route the route latency, shipped once per route', () => {
    const scrape = (n: number): MetricFamily[] => [
      fam('http_requests_total', [
        s('http_requests_total', { method: 'GET', route: '/x', status: '200' }, n),
        s('http_requests_total', { method: 'POST', route: '/x', status: '200' }, n),
      ]),
      fam(
        'http_request_duration_seconds',
        hist('http_request_duration_seconds', { route: '/x' }, '0.1', 2 * n, 2 * n * 0.02),
      ),
    ];
    const overrides = { httpDuration: 'http_request_duration_seconds' };
    const cur = { time: 10_000, index: indexSamples(scrape(50)) };
    const d = deriveMetrics({ time: 0, index: indexSamples(scrape(0)) }, cur, detectPresets(cur.index, overrides));
    assert.deepEqual(
      d.http!.routes.map((r) => [r.method, r.route, r.requestRate, r.avgMs]),
      [
        ['GET', '/x', 5, 20],
        ['POST', '/x', 5, 20],
      ],
    );
    assert.deepEqual(
      d.histograms!.filter((h) => h.series === 'http.route.duration').map((h) => h.labels),
      [{ route: '/x' }],
    );
  });
});
