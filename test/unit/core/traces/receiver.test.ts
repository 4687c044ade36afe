import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { startOtlpReceiver, type OtlpReceiver, type SpanSink } from '../../../../src/core/traces/receiver';
import type { SpanRecord } from '../../../../src/core/traces/types';
import type { MetricFamily } from '../../../../src/core/metrics/types';
import { OtlpMetricsFeed } from '../../../../src/core/traces/metricsFeed';
import { postRaw, tracerProvider } from '../../../helpers/otlp';
import { gzipBomb } from '../../../helpers/bombs';

class MemorySink implements SpanSink {
  spans: SpanRecord[] = [];
  behind = 0;
  ingest(spans: SpanRecord[]) {
    this.spans.push(...spans);
    return { rejected: 0 };
  }
  retryAfterSeconds() {
    return this.behind;
  }
}

function spanJson(overrides: Record<string, unknown> = {}) {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    name: 'GET /x',
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    ...overrides,
  };
}
const request = (...spans: unknown[]) =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });

describe('OTLP receiver', () => {
  let receiver: OtlpReceiver;
  let sink: MemorySink;
  let metrics: MetricFamily[][];

  beforeEach(async () => {
    sink = new MemorySink();
    metrics = [];
    receiver = await startOtlpReceiver({
      sink,
      port: 0,
      maxBodyBytes: 256 * 1024,
      maxInflatedBytes: 1024 * 1024,
      onMetrics: (f) => metrics.push(f),
    });
  });
  afterEach(() => receiver.close());

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`receives spans from the OpenTelemetry SDK's ${encoding} exporter, with kinds, parents, status and attributes`, async () => {
      const provider = tracerProvider(receiver.endpoint, encoding, 'orders');
      const tracer = provider.getTracer('test');
      const root = tracer.startSpan('GET /orders', {
        kind: SpanKind.SERVER,
        attributes: { 'http.route': '/orders', 'http.request.method': 'GET' },
      });
      const { trace, context } = await import('@opentelemetry/api');
      const child = tracer.startSpan(
        'SELECT orders',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT * FROM t WHERE id = ?', rows: 3 },
        },
        trace.setSpan(context.active(), root),
      );
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      child.end();
      root.end();
      await provider.forceFlush();
      await provider.shutdown();
      assert.equal(sink.spans.length, 2);
      const server = sink.spans.find((s) => s.kind === 2)!;
      const db = sink.spans.find((s) => s.kind === 3)!;
      assert.equal(server.service, 'orders');
      assert.equal(server.attributes['http.route'], '/orders');
      assert.equal(db.parentSpanId, server.spanId);
      assert.equal(db.traceId, server.traceId);
      assert.match(db.traceId, /^[0-9a-f]{32}$/);
      assert.equal(db.statusCode, 2);
      assert.equal(db.statusMessage, 'boom');
      assert.equal(db.attributes['db.query.text'], 'SELECT * FROM t WHERE id = ?');
      assert.equal(db.attributes.rows, 3);
      assert.ok(server.durationMs >= db.durationMs && server.startMs > 1.6e12);
    });
  }

  it('receives metrics from the SDK protobuf exporter and derives the snapshot a scrape would give', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.endpoint}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ readers: [reader] });
    const hist = provider.getMeter('m').createHistogram('http.server.request.duration', { unit: 's' });
    const feed = new OtlpMetricsFeed('otlp');
    hist.record(0.1, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 });
    await provider.forceFlush();
    feed.push(metrics.at(-1)!, 1_000);
    for (let i = 0; i < 9; i++)
      hist.record(0.2, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 });
    hist.record(0.2, { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 500 });
    await provider.forceFlush();
    const snap = feed.push(metrics.at(-1)!, 11_000);
    await provider.shutdown();
    const family = metrics.at(-1)!.find((f) => f.name === 'http_server_request_duration_seconds');
    assert.ok(family, 'histogram named as the Prometheus exporter names it');
    assert.ok(snap.http, 'http stats derived from two exports');
    assert.equal(snap.http.requestRate, 1); // 10 requests in 10 s
    assert.equal(snap.http.errorRate, 0.1);
    assert.ok(snap.http.routes?.some((r) => r.route === '/a'));
  });

  it('refuses a body that is not OTLP with 400 and the reason, for both encodings', async () => {
    const proto = await postRaw(`${receiver.endpoint}/v1/traces`, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(proto.status, 400);
    const json = await postRaw(`${receiver.endpoint}/v1/traces`, '{"resourceSpans": 3}', {
      'content-type': 'application/json',
    });
    assert.equal(json.status, 400);
    assert.match(JSON.parse(json.body.toString()).message, /"resourceSpans" must be a list/);
    const notJson = await postRaw(`${receiver.endpoint}/v1/traces`, '<html>', { 'content-type': 'application/json' });
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.body.toString()).message, /not JSON/);
    const type = await postRaw(`${receiver.endpoint}/v1/traces`, 'x', { 'content-type': 'text/plain' });
    assert.equal(type.status, 415);
  });

  it('rejects invalid spans one by one through partial_success and keeps the valid ones', async () => {
    const res = await postRaw(
      `${receiver.endpoint}/v1/traces`,
      request(spanJson(), spanJson({ traceId: 'abc' }), spanJson({ spanId: '' })),
      { 'content-type': 'application/json' },
    );
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body.toString());
    assert.equal(Number(body.partialSuccess.rejectedSpans), 2);
    assert.match(body.partialSuccess.errorMessage, /traceId/);
    assert.equal(sink.spans.length, 1);
  });

  it('refuses an oversized body with 413 naming the limit and the flag', async () => {
    const big = request(spanJson({ name: 'x'.repeat(300 * 1024) }));
    const res = await postRaw(`${receiver.endpoint}/v1/traces`, big, { 'content-type': 'application/json' });
    assert.equal(res.status, 413);
    assert.match(JSON.parse(res.body.toString()).message, /256 KB.*--max-body/);
  });

  it('stops inflating a gzip bomb at the inflated cap and answers 413', async () => {
    const bomb = gzipBomb(64, '{"resourceSpans":[', ']}');
    assert.ok(bomb.length < 256 * 1024);
    const res = await postRaw(`${receiver.endpoint}/v1/traces`, bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 413);
    assert.match(JSON.parse(res.body.toString()).message, /decompresses to more than 1 MB.*--max-inflated/);
    assert.equal(sink.spans.length, 0);
  });

  it('accepts gzip bodies within the caps', async () => {
    const res = await postRaw(`${receiver.endpoint}/v1/traces`, zlib.gzipSync(request(spanJson())), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    assert.equal(sink.spans.length, 1);
  });

  it('keeps HTML in span names and attributes as the text it is', async () => {
    const html = '<img src=x onerror=alert(1)><script>x</script>';
    const res = await postRaw(
      `${receiver.endpoint}/v1/traces`,
      request(spanJson({ name: html, attributes: [{ key: 'db.query.text', value: { stringValue: html } }] })),
      { 'content-type': 'application/json' },
    );
    assert.equal(res.status, 200);
    assert.equal(sink.spans[0]!.name, html);
    assert.equal(sink.spans[0]!.attributes['db.query.text'], html);
  });

  it('answers 503 with Retry-After while the store is behind', async () => {
    sink.behind = 3;
    const res = await postRaw(`${receiver.endpoint}/v1/traces`, request(spanJson()), {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '3');
    assert.equal(sink.spans.length, 0);
  });

  it('answers unknown paths and methods with what to send instead', async () => {
    const res = await postRaw(`${receiver.endpoint}/v1/logs`, '{}', { 'content-type': 'application/json' });
    assert.equal(res.status, 404);
    assert.match(JSON.parse(res.body.toString()).message, /\/v1\/traces/);
  });
});
