/**
 * The route's handler location, from the code.* attributes the OpenTelemetry SDK sends on the
 * server span or on its direct children, under the older names (code.function, code.namespace,
 * code.filepath, code.lineno) and the current ones (code.function.name, code.file.path,
 * code.line.number): real exporters, the real receiver and span store, then the analysis.
 */
import * as assert from 'node:assert/strict';
import { SpanKind, context, trace, type Attributes } from '@opentelemetry/api';
import { startOtlpReceiver, type OtlpReceiver } from '../../../../src/core/traces/receiver';
import { SpanStore } from '../../../../src/core/traces/spanStore';
import { analyzeTraces } from '../../../../src/core/traces/analyze';
import {
  MAX_LOCATIONS_PER_ROLLUP,
  commonestLocation,
  emptyRollup,
  mergeRollup,
  noteLocation,
  type Rollup,
} from '../../../../src/core/traces/rollup';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

const OLD_NAMES = (fn: string, file: string, line: number): Attributes => ({
  'code.function': fn,
  'code.namespace': 'OrdersController',
  'code.filepath': file,
  'code.lineno': line,
});
const NEW_NAMES = (fn: string, file: string, line: number): Attributes => ({
  'code.function.name': `OrdersController.${fn}`,
  'code.file.path': file,
  'code.line.number': line,
});

interface Request {
  route: string;
  /** code.* attributes on the server span itself. */
  server?: Attributes;
  /** Direct children of the server span, each with its attributes and duration (ms). */
  children?: { attrs: Attributes; ms: number }[];
}

describe('route handler location from code.* attributes', () => {
  let receiver: OtlpReceiver;
  let store: SpanStore;
  beforeEach(async () => {
    store = await SpanStore.open();
    receiver = await startOtlpReceiver({ sink: store, port: 0 });
  });
  afterEach(async () => {
    await receiver.close();
    store.close();
  });

  async function send(encoding: 'protobuf' | 'json', requests: Request[]) {
    // One batch, so a request's spans arrive together, as a service's batching exporter sends them.
    const url = `${receiver.endpoint}/v1/traces`;
    const exporter = encoding === 'protobuf' ? new ProtoTraceExporter({ url }) : new JsonTraceExporter({ url });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 3_600_000 })],
    });
    const tracer = provider.getTracer('test');
    const t0 = Date.now();
    for (const [i, r] of requests.entries()) {
      const start = t0 + i * 100;
      const root = tracer.startSpan(`GET ${r.route}`, {
        kind: SpanKind.SERVER,
        startTime: start,
        attributes: { 'http.request.method': 'GET', 'http.route': r.route, ...r.server },
      });
      let at = start + 1;
      for (const c of r.children ?? []) {
        const child = tracer.startSpan(
          'request handler',
          { kind: SpanKind.INTERNAL, startTime: at, attributes: c.attrs },
          trace.setSpan(context.active(), root),
        );
        child.end(at + c.ms);
        at += c.ms;
      }
      root.end(at + 1);
    }
    await provider.forceFlush();
    await provider.shutdown();
    await store.idle();
    return analyzeTraces(store, { from: t0 - 60_000, to: t0 + 600_000 });
  }

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`takes the handler location from direct children under the older names (${encoding}), the most common winning`, async () => {
      const handler = { attrs: OLD_NAMES('list', 'src/orders.ts', 12), ms: 20 };
      const middleware = { attrs: OLD_NAMES('auth', 'src/auth.ts', 3), ms: 2 };
      const report = await send(encoding, [
        { route: '/orders', children: [middleware, handler] },
        { route: '/orders', children: [middleware, handler] },
        { route: '/orders', children: [{ attrs: OLD_NAMES('list', 'src/orders.ts', 40), ms: 20 }] },
        { route: '/health' },
      ]);
      const orders = report.routes.find((r) => r.route === 'GET /orders')!;
      assert.deepEqual(orders.location, { file: 'src/orders.ts', line: 12, function: 'OrdersController.list' });
      assert.equal(report.routes.find((r) => r.route === 'GET /health')!.location, undefined);
    });

    it(`takes the handler location from the server span under the current names (${encoding})`, async () => {
      const file = '/srv/shop/app/views.py';
      const report = await send(encoding, [
        { route: '/cart', server: NEW_NAMES('cart', file, 88) },
        { route: '/cart', server: NEW_NAMES('cart', file, 88), children: [{ attrs: {}, ms: 5 }] },
      ]);
      const cart = report.routes.find((r) => r.route === 'GET /cart')!;
      assert.deepEqual(cart.location, { file, line: 88, function: 'OrdersController.cart' });
    });
  }

  it('keeps a route with code.function but no file without a location', async () => {
    const report = await send('protobuf', [
      { route: '/java', children: [{ attrs: { 'code.function': 'get', 'code.namespace': 'a.B' }, ms: 3 }] },
    ]);
    assert.equal(report.routes.find((r) => r.route === 'GET /java')!.location, undefined);
  });

  it('counts a bounded number of distinct locations per route, across merged minutes', () => {
    const rollup = (): Rollup => emptyRollup('GET /x', 'GET /x');
    const a = rollup();
    for (let i = 0; i < MAX_LOCATIONS_PER_ROLLUP + 50; i++) noteLocation(a, { file: `gen/f${i}.ts`, line: 1 });
    assert.equal(Object.keys(a.locations!).length, MAX_LOCATIONS_PER_ROLLUP);
    const b = rollup();
    noteLocation(b, { file: 'src/x.ts', line: 7 });
    noteLocation(b, { file: 'src/x.ts', line: 7 });
    mergeRollup(b, a);
    assert.equal(Object.keys(b.locations!).length, MAX_LOCATIONS_PER_ROLLUP);
    assert.deepEqual(commonestLocation(b), { file: 'src/x.ts', line: 7 });
  });
});
