/**
 * The OTLP/HTTP receiver: POST /v1/traces and /v1/metrics on loopback, protobuf or JSON, gzip or
 * not. Every way a request can be wrong gets the status OTLP senders act on and a message saying
 * what was wrong: 400 unreadable (not retried), 413 too large, 415 wrong type or encoding, and
 * 503 with Retry-After when the span store is behind (senders retry later, nothing is lost).
 * Bodies are counted while they arrive and inflated with a cap on the inflated size, so neither a
 * huge body nor a gzip bomb is ever held whole.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodedBody } from '../util/decompress';
import { formatBytes } from '../../shared/format';
import { decodeTraces, type OtlpEncoding } from './decodeTraces';
import { DeltaAccumulator, decodeMetrics } from './otlpMetrics';
import { otlpType } from './otlpSchema';
import type { MetricFamily } from '../metrics/types';
import type { SpanRecord, TraceLimits } from './types';
import { DEFAULT_TRACE_LIMITS } from './types';

export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_INFLATED_BYTES = 32 * 1024 * 1024;
/** Requests read at once; more get 503 with Retry-After instead of piling up in memory. */
export const MAX_CONCURRENT_REQUESTS = 16;

/** Where received spans go. */
export interface SpanSink {
  /** Stores the spans; returns how many a cap refused and why. */
  ingest(spans: SpanRecord[]): { rejected: number; reason?: string };
  /** Seconds a sender should wait before sending more (0 when the sink keeps up). */
  retryAfterSeconds(): number;
}

export interface OtlpReceiverOptions {
  sink: SpanSink;
  onMetrics?(families: MetricFamily[]): void;
  /** The port to listen on; 0 picks a free one. Default: 4318, or a free one when 4318 is taken. */
  port?: number;
  maxBodyBytes?: number;
  maxInflatedBytes?: number;
  limits?: TraceLimits;
}

export interface OtlpReceiver {
  port: number;
  /** http://127.0.0.1:PORT, the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** Why the port is not the one asked for, when it is not. */
  portNote?: string;
  stats: { requests: number; spans: number; rejectedSpans: number; refused: number };
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function readBody(req: http.IncomingMessage, maxBody: number, maxInflated: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!['identity', 'gzip', 'x-gzip', 'deflate', ''].includes(enc)) {
      req.resume();
      reject(new HttpFailure(415, `Content-Encoding "${enc}" is not supported; send gzip or no encoding.`));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBody) {
      req.resume();
      reject(tooLarge(maxBody));
      return;
    }
    let raw = 0;
    req.on('data', (c: Buffer) => {
      raw += c.length;
      if (raw > maxBody) fail(tooLarge(maxBody));
    });
    const { stream } = decodedBody(req, enc);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      // The socket stays open for the answer: the rest of the body is read and dropped (the
      // answer closes the connection), and inflation ends here.
      if (stream !== req) {
        req.unpipe(stream as unknown as NodeJS.WritableStream);
        stream.destroy();
      }
      req.resume();
      reject(e);
    };
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxInflated)
        fail(
          new HttpFailure(
            413,
            `The ${enc} body decompresses to more than ${formatBytes(maxInflated)}, the limit (--max-inflated raises it); send smaller batches.`,
          ),
        );
      else chunks.push(c);
    });
    stream.on('error', (e) => fail(new HttpFailure(400, `The ${enc} body could not be decompressed (${e.message}).`)));
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('aborted', () => fail(new HttpFailure(400, 'The request was aborted before its body ended.')));
  });
}

function tooLarge(max: number): HttpFailure {
  return new HttpFailure(
    413,
    `The body is larger than ${formatBytes(max)}, the limit (--max-body raises it); send smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).`,
  );
}

function respond(
  res: http.ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  kind: 'traces' | 'metrics' | 'error',
  payload: { rejected?: number; message?: string },
  retryAfter?: number,
): void {
  const headers: http.OutgoingHttpHeaders = {};
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  let body: Uint8Array | string;
  if (kind === 'error') {
    const grpcCode = status === 503 || status === 429 ? 14 : status === 413 ? 8 : 3;
    const msg = { code: grpcCode, message: payload.message ?? '' };
    body = encoding === 'json' ? JSON.stringify(msg) : otlpType('RpcStatus').encode(msg).finish();
  } else {
    const partial = payload.rejected
      ? kind === 'traces'
        ? { rejectedSpans: payload.rejected, errorMessage: payload.message ?? '' }
        : { rejectedDataPoints: payload.rejected, errorMessage: payload.message ?? '' }
      : undefined;
    const msg = partial ? { partialSuccess: partial } : {};
    const type = kind === 'traces' ? 'ExportTraceServiceResponse' : 'ExportMetricsServiceResponse';
    body = encoding === 'json' ? JSON.stringify(msg) : otlpType(type).encode(msg).finish();
  }
  headers['content-type'] = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  // A refused body may still be arriving: closing the connection after the answer stops it.
  if (status === 413) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export async function startOtlpReceiver(opts: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxInflated = opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const limits = opts.limits ?? DEFAULT_TRACE_LIMITS;
  const stats = { requests: 0, spans: 0, rejectedSpans: 0, refused: 0 };
  const deltas = new DeltaAccumulator();
  let inFlight = 0;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests++;
    const path = (req.url ?? '/').split('?')[0];
    const encoding = encodingOf(req.headers['content-type']) ?? 'json';
    try {
      if (path !== '/v1/traces' && path !== '/v1/metrics')
        throw new HttpFailure(404, `No OTLP endpoint at ${path}; traces go to /v1/traces, metrics to /v1/metrics.`);
      if (req.method !== 'POST') throw new HttpFailure(405, `${path} takes POST, not ${req.method}.`);
      if (!encodingOf(req.headers['content-type']))
        throw new HttpFailure(
          415,
          `Content-Type "${req.headers['content-type'] ?? ''}" is not OTLP; send application/x-protobuf or application/json.`,
        );
      const wait = opts.sink.retryAfterSeconds();
      if (wait > 0 || inFlight >= MAX_CONCURRENT_REQUESTS)
        throw new HttpFailure(503, 'PerfLens is still storing earlier spans; retry after the given delay.', wait || 1);
      inFlight++;
      let body: Buffer;
      try {
        body = await readBody(req, maxBody, maxInflated);
      } finally {
        inFlight--;
      }
      if (path === '/v1/traces') {
        const decoded = decodeTraces(body, encoding, limits);
        if (!decoded.ok) throw new HttpFailure(400, `The trace export was refused: ${decoded.error.message}.`);
        const stored = opts.sink.ingest(decoded.value.spans);
        const rejected = decoded.value.rejected + stored.rejected;
        stats.spans += decoded.value.spans.length - stored.rejected;
        stats.rejectedSpans += rejected;
        const reasons = [decoded.value.rejectReason, stored.reason].filter(Boolean).join('; ');
        respond(res, 200, encoding, 'traces', { rejected, message: reasons });
      } else {
        const decoded = decodeMetrics(body, encoding, deltas);
        if (!decoded.ok) throw new HttpFailure(400, `The metrics export was refused: ${decoded.error.message}.`);
        opts.onMetrics?.(decoded.value.families);
        const message = decoded.value.rejectReason ?? '';
        respond(res, 200, encoding, 'metrics', { rejected: decoded.value.rejectedPoints, message });
      }
    } catch (e) {
      stats.refused++;
      const f = e instanceof HttpFailure ? e : new HttpFailure(500, `The export could not be stored (${String(e)}).`);
      if (!req.readableEnded) req.resume();
      if (!res.headersSent) respond(res, f.status, encoding, 'error', { message: f.message }, f.retryAfter);
    }
  };

  const server = http.createServer((req, res) => void handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  let port: number;
  let portNote: string | undefined;
  if (opts.port !== undefined) {
    try {
      port = await listen(server, opts.port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'EADDRINUSE'
          ? `Port ${opts.port} is in use; choose another with --port, or --port 0 for any free port.`
          : `Could not listen on 127.0.0.1:${opts.port} (${(e as Error).message}).`,
      );
    }
  } else {
    try {
      port = await listen(server, DEFAULT_OTLP_PORT);
    } catch {
      port = await listen(server, 0);
      portNote = `Port ${DEFAULT_OTLP_PORT} is in use, so the receiver listens on ${port}.`;
    }
  }
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    ...(portNote ? { portNote } : {}),
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
