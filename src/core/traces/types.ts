/** Spans as PerfLens keeps them: decoded from OTLP, attributes flattened to scalars, times in ms. */

/** OTLP span kinds: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export const SPAN_KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export type AttributeValue = string | number | boolean;

export interface SpanRecord {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  name: string;
  kind: number;
  /** Epoch milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage?: string;
  /** The resource's service.name, or "unknown_service". */
  service: string;
  /** Scalars only: arrays and maps are kept as their JSON text. */
  attributes: Record<string, AttributeValue>;
}

export interface TraceLimits {
  /** Bytes of attribute keys and values kept per span; the rest is dropped (largest values cut first). */
  maxAttributeBytesPerSpan: number;
  /** Characters of a span name kept. */
  maxNameChars: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxAttributeBytesPerSpan: 16 * 1024, maxNameChars: 1024 };
