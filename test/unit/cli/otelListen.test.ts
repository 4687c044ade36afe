import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';
import { tracerProvider } from '../../helpers/otlp';

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
