/**
 * Real OpenTelemetry SDK senders for tests: a tracer provider whose exporter (protobuf or JSON over
 * HTTP) sends to a given OTLP endpoint, and a raw POST for payloads no SDK would produce.
 */
import * as http from 'node:http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

export function tracerProvider(endpoint: string, encoding: 'protobuf' | 'json', service = 'test-service') {
  const url = `${endpoint}/v1/traces`;
  const exporter = encoding === 'protobuf' ? new ProtoTraceExporter({ url }) : new JsonTraceExporter({ url });
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function postRaw(url: string, body: Buffer | string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    // The server may answer and close before the whole body is written (413): that is an answer.
    req.on('error', reject);
    req.end(body);
  });
}
