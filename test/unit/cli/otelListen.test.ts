import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';
import { tracerProvider } from '../../helpers/otlp';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';

function listening(io: ReturnType<typeof capture>): Promise<string> {
  return new Promise<string>((resolve) => {
    const err = io.err.bind(io);
    io.err = (t: string) => {
      err(t);
      const m = /receiving OTLP at (http:\/\/127\.0\.0\.1:\d+)/.exec(t);
      if (m) resolve(m[1]!);
    };
  });
}

describe('perflens otel listen', function () {
  this.timeout(60_000);

  it('reports the routes and the N+1 of spans a real SDK exporter sent, ending on Ctrl-C', async () => {
    const io = capture();
    const endpoint = new Promise<string>((resolve) => {
      const err = io.err.bind(io);
      io.err = (t: string) => {
        err(t);
        const m = /receiving OTLP at (http:\/\/127\.0\.0\.1:\d+)/.exec(t);
        if (m) resolve(m[1]!);
      };
    });
    const done = runCli(['otel', 'listen', '--port', '0', '--duration', '10m', '--json', '--n-plus-one', '3'], io);
    const provider = tracerProvider(await endpoint, 'json', 'shop');
    const tracer = provider.getTracer('t');
    for (let r = 0; r < 2; r++) {
      const root = tracer.startSpan('GET /cart', {
        kind: SpanKind.SERVER,
        attributes: { 'http.method': 'GET', 'http.route': '/cart', 'http.status_code': 200 },
      });
      const ctx = trace.setSpan(context.active(), root);
      for (let i = 0; i < 4; i++)
        tracer
          .startSpan(
            'SELECT',
            {
              kind: SpanKind.CLIENT,
              attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM items WHERE id = ${i}` },
            },
            ctx,
          )
          .end();
      root.end();
    }
    await provider.forceFlush();
    await provider.shutdown();
    // Ctrl-C ends the window; the report covers what arrived.
    process.emit('SIGINT');
    const code = await done;
    assert.equal(code, 1, io.stderr);
    const report = JSON.parse(io.stdout);
    assert.equal(report.received.spans, 10);
    assert.equal(report.routes[0].route, 'GET /cart');
    assert.equal(report.routes[0].count, 2);
    const n1 = report.findings.find((f: { kind: string }) => f.kind === 'n-plus-one');
    assert.equal(n1.count, 4, 'literals are normalised, so the four statements are one');
    assert.equal(n1.route, 'GET /cart');
  });

  it('adds the summary perflens report prints of the metrics a real SDK exporter sent, per service', async () => {
    const io = capture();
    const endpoint = listening(io);
    const done = runCli(['otel', 'listen', '--port', '0', '--duration', '10m', '--json'], io);
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'billing' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${await endpoint}/v1/metrics` }),
          exportIntervalMillis: 3_600_000,
        }),
      ],
    });
    // The older convention: milliseconds, http.method and http.status_code.
    const duration = provider.getMeter('billing').createHistogram('http.server.duration', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: [10, 50, 100, 500] },
    });
    const record = (ms: number, status: number) =>
      duration.record(ms, { 'http.method': 'POST', 'http.route': '/invoices', 'http.status_code': status });
    record(5, 200);
    await provider.forceFlush();
    const second = [30, 30, 30, 30, 30, 30, 30, 30, 80, 300];
    const statuses = [200, 200, 200, 200, 200, 200, 200, 500, 200, 200];
    second.forEach((ms, i) => record(ms, statuses[i]!));
    await provider.forceFlush();
    await provider.shutdown();
    process.emit('SIGINT');
    assert.equal(await done, 0, io.stderr);
    const report = JSON.parse(io.stdout);
    assert.equal(report.metrics.length, 1);
    const m = report.metrics[0];
    assert.equal(m.target, 'otlp:billing');
    assert.ok(m.snapshots >= 2, 'one snapshot per export (shutdown exports once more)');
    assert.equal(m.http.requests, second.length, 'the requests between the two exports');
    // The error rate is errors/s over requests/s, both divided by the time between exports: equal
    // to 1 in 10 up to floating-point rounding, whatever that time was.
    const expectedErrorRate = statuses.filter((s) => s >= 500).length / second.length;
    assert.ok(Math.abs(m.http.errorRate - expectedErrorRate) < 1e-12, `error rate ${m.http.errorRate}`);
    // Nearest-rank p95 of the ten is 300 ms, in the bucket (100, 500]; 9.5 of 10 interpolates to 300.
    const sorted = [...second].sort((a, b) => a - b);
    assert.equal(sorted[Math.ceil(0.95 * sorted.length) - 1], 300);
    assert.equal(m.http.p95Ms, 100 + ((500 - 100) * (0.95 * 10 - 9)) / 1);
    assert.equal(m.http.routes[0].route, '/invoices');
    assert.match(m.presets.httpDuration, /http_server_duration_milliseconds/);
    assert.equal(typeof m.intervalMs, 'number');
    assert.equal(report.received.spans, 0);
  });

  it('prints no metrics part when none arrived', async () => {
    const io = capture();
    const endpoint = listening(io);
    const done = runCli(['otel', 'listen', '--port', '0', '--duration', '10m', '--json'], io);
    await endpoint;
    process.emit('SIGINT');
    assert.equal(await done, 0, io.stderr);
    assert.equal(JSON.parse(io.stdout).metrics, undefined);
  });

  it('refuses a missing --duration and a port in use, saying what to do', async () => {
    const io = capture();
    assert.equal(await runCli(['otel', 'listen', '--json'], io), 2);
    assert.match(io.stderr, /needs --duration/);
    const busy = http.createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as AddressInfo).port;
    try {
      const io2 = capture();
      assert.equal(await runCli(['otel', 'listen', '--port', String(port), '--duration', '1s'], io2), 2);
      assert.match(io2.stderr, new RegExp(`Port ${port} is in use; choose another with --port`));
    } finally {
      busy.close();
    }
  });
});
