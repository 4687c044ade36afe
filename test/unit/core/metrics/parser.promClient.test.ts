import * as assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { parseExposition } from '../../../../src/core/metrics/parser';
import type { MetricFamily } from '../../../../src/core/metrics/types';

/** A real prom-client registry (the Node client the demo service uses), rendered in both formats. */
async function render(openMetrics: boolean): Promise<{ text: string; contentType: string }> {
  const register = openMetrics ? new Registry<OpenMetricsContentType>() : new Registry();
  if (openMetrics) (register as Registry<OpenMetricsContentType>).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  collectDefaultMetrics({ register });
  const labelNames = ['method', 'route', 'code'];
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency in seconds',
    labelNames,
    buckets: [0.01, 0.1, 1],
    registers: [register],
    enableExemplars: openMetrics,
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests "served"\nby route',
    labelNames,
    registers: [register],
  });
  const pool = new Gauge({
    name: 'db_pool_connections',
    help: 'Connections',
    labelNames: ['state'],
    registers: [register],
  });
  const query = new Summary({
    name: 'db_query_duration_seconds',
    help: 'Query time',
    percentiles: [0.5, 0.99],
    registers: [register],
  });
  for (const [route, seconds] of [
    ['/a', 0.005],
    ['/a', 0.05],
    ['/b\\"c', 0.5],
    ['/b\\"c', 2],
  ] as const) {
    const labels = { method: 'GET', route, code: '200' };
    if (openMetrics) latency.observe({ labels, value: seconds, exemplarLabels: { traceId: `t-${route}` } });
    else latency.observe(labels, seconds);
    requests.inc(labels);
    query.observe(seconds / 10);
  }
  pool.set({ state: 'idle' }, 4);
  pool.set({ state: 'active' }, 1);
  return { text: await register.metrics(), contentType: register.contentType };
}

function find(families: MetricFamily[], name: string): MetricFamily {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `family ${name}`);
  return f;
}

describe('parseExposition on real prom-client output', () => {
  it('reads the Prometheus text rendering strictly, histogram and summary parts grouped', async () => {
    const { text, contentType } = await render(false);
    const r = parseExposition(text, { contentType, strict: true });
    assert.equal(r.format, 'prometheus');
    assert.ok(r.families.length >= 20, `${r.families.length} families`);
    const latency = find(r.families, 'http_request_duration_seconds');
    assert.equal(latency.type, 'histogram');
    const b = latency.samples.filter(
      (s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.route === '/b\\"c',
    );
    assert.deepEqual(
      b.map((s) => [s.labels.le, s.value]),
      [
        ['0.01', 0],
        ['0.1', 0],
        ['1', 1],
        ['+Inf', 2],
      ],
    );
    const requests = find(r.families, 'http_requests_total');
    assert.equal(requests.help, 'Requests "served"\nby route');
    assert.deepEqual(requests.samples.map((s) => [s.labels.route, s.value]).sort(), [
      ['/a', 2],
      ['/b\\"c', 2],
    ]);
    const query = find(r.families, 'db_query_duration_seconds');
    assert.deepEqual(
      query.samples.map((s) => s.name),
      [
        'db_query_duration_seconds',
        'db_query_duration_seconds',
        'db_query_duration_seconds_sum',
        'db_query_duration_seconds_count',
      ],
    );
  });

  it('reads the OpenMetrics rendering strictly, with exemplars on buckets and counters named without _total', async () => {
    const { text, contentType } = await render(true);
    const r = parseExposition(text, { contentType, strict: true });
    assert.equal(r.format, 'openmetrics');
    const latency = find(r.families, 'http_request_duration_seconds');
    const withExemplar = latency.samples.filter((s) => s.exemplar);
    assert.equal(withExemplar.length, 4);
    assert.ok(withExemplar.every((s) => s.name.endsWith('_bucket') && s.exemplar!.labels.traceId!.startsWith('t-')));
    const requests = find(r.families, 'http_requests');
    assert.equal(requests.type, 'counter');
    assert.ok(requests.samples.every((s) => s.name === 'http_requests_total'));
  });
});
