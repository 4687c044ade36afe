/**
 * Presets against bodies captured from real exporters (test/fixtures/exporters/README.md says
 * what each served and which requests came between its two scrapes).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deriveMetrics } from '../../../../src/core/metrics/derived';
import { parseExposition } from '../../../../src/core/metrics/parser';
import { describePresetMatches, detectPresets, indexSamples } from '../../../../src/core/metrics/presets';

const DIR = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'exporters');

/** The two scrapes of a fixture, parsed as a scrape of a text/plain body is, 10 s apart. */
function scrapes(name: string) {
  const read = (n: number) => {
    const parsed = parseExposition(fs.readFileSync(path.join(DIR, `${name}-${n}.txt`)), {
      contentType: 'text/plain; version=0.0.4',
    });
    assert.deepEqual(parsed.problems, [], `${name}-${n}.txt parses cleanly`);
    return { time: n * 10_000, index: indexSamples(parsed.families) };
  };
  const prev = read(1);
  const cur = read(2);
  const resolved = detectPresets(cur.index);
  return { prev, cur, resolved, presets: describePresetMatches(resolved), derived: deriveMetrics(prev, cur, resolved) };
}

const close = (actual: number | undefined, expected: number) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

describe('presets: real exporter bodies', () => {
  it('reads OpenTelemetry JS with the stable HTTP conventions (http_server_request_duration in s, no route label)', () => {
    const { presets, derived } = scrapes('otel-js-stable');
    assert.equal(presets.httpDuration, 'http_server_request_duration (opentelemetry)');
    const http = derived.http!;
    assert.ok(http, 'request metrics are recognised');
    close(http.requestRate, 11 / 10);
    close(http.errorRate, 1 / 11);
    // Two of the eleven took ≥ 120 ms, in the (0.1 s, 0.25 s] bucket: p95 lies there, in ms.
    assert.ok(http.p95Ms! > 100 && http.p95Ms! <= 250, `p95 ${http.p95Ms} ms`);
    assert.ok(http.p50Ms! < 100, `p50 ${http.p50Ms} ms`);
    assert.deepEqual(http.routes.map((r) => [r.method, r.route]).sort(), [['GET', '(all)']]);
  });

  it('reads OpenTelemetry JS with the older HTTP conventions (http_server_duration in ms, http_method, http_status_code, http_route)', () => {
    const { presets, derived } = scrapes('otel-js-old');
    assert.equal(presets.httpDuration, 'http_server_duration (opentelemetry)');
    const http = derived.http!;
    assert.ok(http, 'request metrics are recognised');
    close(http.requestRate, 11 / 10);
    close(http.errorRate, 1 / 11);
    assert.ok(http.p95Ms! > 100 && http.p95Ms! <= 250, `p95 ${http.p95Ms} ms, not scaled by 1000`);
    const byRoute = new Map(http.routes.map((r) => [r.route, r]));
    close(byRoute.get('/')?.requestRate, 0.8);
    close(byRoute.get('/slow')?.requestRate, 0.2);
    close(byRoute.get('/fail')?.errorRate, 1);
    assert.equal(byRoute.get('/')?.method, 'GET');
  });

  it("reads Prometheus's own prometheus_http_requests_total and request duration by handler", () => {
    const { presets, derived } = scrapes('prometheus-server');
    assert.equal(presets.httpRequests, 'prometheus_http_requests_total (prometheus-server)');
    assert.equal(presets.httpDuration, 'prometheus_http_request_duration_seconds (prometheus-server)');
    const byRoute = new Map(derived.http!.routes.map((r) => [r.route, r]));
    close(byRoute.get('/api/v1/query')?.requestRate, 2);
    close(byRoute.get('/-/healthy')?.requestRate, 0.1);
    assert.ok(byRoute.get('/api/v1/query')?.p95Ms !== undefined, 'per-handler percentiles');
    assert.ok(derived.processRssBytes! > 0 && derived.heapUsedBytes! > 0);
  });

  it("reads promhttp's metric-handler counter on an exporter that serves nothing else (node_exporter)", () => {
    const body = (ok: number, failed: number) =>
      `# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n# TYPE promhttp_metric_handler_requests_total counter\npromhttp_metric_handler_requests_total{code="200"} ${ok}\npromhttp_metric_handler_requests_total{code="500"} ${failed}\npromhttp_metric_handler_requests_total{code="503"} 0\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n`;
    const prev = { time: 0, index: indexSamples(parseExposition(body(10, 0)).families) };
    const cur = { time: 5_000, index: indexSamples(parseExposition(body(19, 1)).families) };
    const resolved = detectPresets(cur.index);
    assert.equal(describePresetMatches(resolved).httpRequests, 'promhttp_metric_handler_requests_total (go)');
    const http = deriveMetrics(prev, cur, resolved).http!;
    close(http.requestRate, 2);
    close(http.errorRate, 0.1);
  });

  it("reads client_golang's common http_requests_total and http_request_duration_seconds with handler, code and method, or some of them", () => {
    const counter = (labels: string[], n: number) =>
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{${labels.join(',')}${labels.length ? ',' : ''}code="200"} ${n}`,
        `http_requests_total{${labels.join(',')}${labels.length ? ',' : ''}code="500"} ${n / 4}`,
        '',
      ].join('\n');
    const duration = (labels: string[], n: number) =>
      [
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{${[...labels, 'le="0.1"'].join(',')}} ${n}`,
        `http_request_duration_seconds_bucket{${[...labels, 'le="+Inf"'].join(',')}} ${n * 1.25}`,
        `http_request_duration_seconds_sum{${labels.join(',')}} ${n * 0.1}`,
        `http_request_duration_seconds_count{${labels.join(',')}} ${n * 1.25}`,
        '',
      ].join('\n');
    // All three labels; promhttp's InstrumentHandlerCounter with code and method only; a handler and code only.
    for (const labels of [['handler="/api/items"', 'method="get"'], ['method="get"'], ['handler="/api/items"']]) {
      const body = (n: number) => counter(labels, n) + duration(labels, n);
      const prev = { time: 0, index: indexSamples(parseExposition(body(40)).families) };
      const cur = { time: 10_000, index: indexSamples(parseExposition(body(80)).families) };
      const resolved = detectPresets(cur.index);
      assert.equal(describePresetMatches(resolved).httpRequests, 'http_requests_total (go)', labels.join(','));
      const http = deriveMetrics(prev, cur, resolved).http!;
      close(http.requestRate, 5);
      close(http.errorRate, 0.2);
      close(http.avgMs, 80);
      const route = labels.some((l) => l.startsWith('handler')) ? '/api/items' : '(all)';
      const method = labels.some((l) => l.startsWith('method')) ? 'get' : undefined;
      assert.deepEqual(
        http.routes.map((r) => [r.method, r.route]),
        [[method, route]],
      );
    }
  });
});
