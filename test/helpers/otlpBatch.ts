/**
 * OTLP trace export bodies as the OpenTelemetry Node SDK sends them: spans made by the SDK's own
 * tracer (HTTP server requests, each with an Express-style handler span and pg query spans under
 * it, attributes named as the SDK's auto-instrumentations name them), serialized by the SDK's own
 * protobuf serializer (@opentelemetry/otlp-transformer, what exporter-trace-otlp-proto posts).
 */
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const ROUTES = ['/api/orders/:id', '/api/users', '/api/products/:id/reviews', '/api/cart', '/health'];
const STATEMENTS = [
  'SELECT id, user_id, total, status, created_at FROM orders WHERE id = $1',
  'SELECT id, name, email FROM users ORDER BY created_at DESC LIMIT $1',
  'SELECT r.id, r.body, r.stars, u.name FROM reviews r JOIN users u ON u.id = r.user_id WHERE r.product_id = $1',
  'UPDATE carts SET updated_at = now() WHERE id = $1',
  'INSERT INTO audit_log (actor, action, at) VALUES ($1, $2, $3)',
];

export interface BatchMaker {
  /** One export body of `spans` spans (a multiple of 5) whose requests start from `startMs`. */
  body(startMs: number): Uint8Array;
  readonly spansPerBody: number;
  shutdown(): Promise<void>;
}

/** A request is 5 spans: the server span, the handler, and 3 queries (the SDK ends children first). */
export function otlpBatchMaker(spansPerBody = 500): BatchMaker {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders-api',
      'service.version': '1.4.2',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '2.12.0',
      'process.pid': 41237,
      'process.executable.name': 'node',
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '22.11.0',
      'host.name': 'dev-laptop',
      'host.arch': 'amd64',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 128 },
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  const pg = provider.getTracer('@opentelemetry/instrumentation-pg', '0.50.0');
  let n = 0;
  const request = (t: number) => {
    const i = n++;
    const route = ROUTES[i % ROUTES.length]!;
    const path = route.replace(':id', String(1000 + (i % 977)));
    const server = tracer.startSpan(
      `GET ${route}`,
      {
        kind: SpanKind.SERVER,
        startTime: t,
        attributes: {
          'http.request.method': 'GET',
          'url.path': path,
          'url.scheme': 'http',
          'http.route': route,
          'server.address': 'localhost',
          'server.port': 3000,
          'network.protocol.version': '1.1',
          'client.address': '127.0.0.1',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
          'http.response.status_code': i % 97 === 0 ? 500 : 200,
        },
      },
      context.active(),
    );
    const ctx = trace.setSpan(context.active(), server);
    const handler = tracer.startSpan(
      `request handler - ${route}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: t + 0.2,
        attributes: { 'http.route': route, 'express.name': route, 'express.type': 'request_handler' },
      },
      ctx,
    );
    const hctx = trace.setSpan(ctx, handler);
    for (let q = 0; q < 3; q++) {
      const sql = STATEMENTS[(i + q) % STATEMENTS.length]!;
      const db = pg.startSpan(
        `pg.query:${sql.split(' ')[0]} shop`,
        {
          kind: SpanKind.CLIENT,
          startTime: t + 0.5 + q * 2,
          attributes: {
            'db.system.name': 'postgresql',
            'db.namespace': 'shop',
            'db.query.text': sql,
            'db.operation.name': sql.split(' ')[0]!,
            'server.address': 'localhost',
            'server.port': 5432,
            'db.user': 'shop',
          },
        },
        hctx,
      );
      db.end(t + 0.5 + q * 2 + 1.5 + (i % 7) * 0.1);
    }
    handler.end(t + 7.5);
    if (i % 97 === 0) server.setStatus({ code: SpanStatusCode.ERROR, message: 'Internal Server Error' });
    server.end(t + 8 + (i % 11));
  };
  return {
    spansPerBody,
    body(startMs) {
      exporter.reset();
      for (let k = 0; k < spansPerBody / 5; k++) request(startMs + k * 2);
      const out = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans() as never);
      if (!out) throw new Error('the OpenTelemetry serializer returned nothing');
      return out;
    },
    shutdown: () => provider.shutdown(),
  };
}
