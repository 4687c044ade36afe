/**
 * How the span store lays its rows out in sql.js. What a batch brings is written as one row per
 * table: its spans as one JSON array (with the batch's trace ids beside it, 16 bytes each, to find
 * a trace by), and its request summaries as another. Storing is then two inserts a batch instead of
 * an insert (and its index entries) per span and per request, and the text crosses into sql.js's
 * memory as bytes: a BLOB is copied in one call, where a TEXT parameter is encoded character by
 * character in JavaScript. Reading one trace scans the batches' id lists (at most maxStoredSpans /
 * batch size rows) and decodes only the batches that hold it.
 *
 * The tables are TEMP, in memory: the store is never persisted, and a temporary database lives in
 * sql.js's page cache alone, where a main one also copies every committed page into its in-memory
 * file (which grows by copying itself whole).
 */
import type { TraceSummary } from './traceSummary';
import type { SpanRecord } from './types';

export const SCHEMA = `
PRAGMA temp_store = MEMORY;
CREATE TEMP TABLE span_batches (oldest_ms REAL, newest_ms REAL, n INTEGER, trace_ids BLOB, spans BLOB);
CREATE INDEX span_batches_newest ON span_batches (newest_ms);
CREATE TEMP TABLE request_batches (oldest_ms REAL, newest_ms REAL, n INTEGER, requests BLOB);
CREATE INDEX request_batches_newest ON request_batches (newest_ms);
CREATE TEMP TABLE rollups (minute INTEGER, kind TEXT, key TEXT, text TEXT, system TEXT, count INTEGER, errors INTEGER,
  code_ms REAL, db_ms REAL, http_ms REAL, other_ms REAL, sketch TEXT, slowest_trace TEXT, slowest_ms REAL,
  error_trace TEXT, locations TEXT, PRIMARY KEY (minute, kind, key));
`;

type SpanTuple = [
  traceId: string,
  spanId: string,
  parentSpanId: string,
  name: string,
  kind: number,
  startMs: number,
  durationMs: number,
  statusCode: number,
  statusMessage: string,
  service: string,
  attributes: SpanRecord['attributes'],
];

/** The earliest and latest of the items' times, for a row's time range. */
export function timeRange<T>(items: readonly T[], time: (t: T) => number): [oldest: number, newest: number] {
  let oldest = Infinity;
  let newest = -Infinity;
  for (const it of items) {
    const t = time(it);
    if (t < oldest) oldest = t;
    if (t > newest) newest = t;
  }
  return [oldest, newest];
}

export const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const fromUtf8 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');

export function encodeSpans(spans: readonly SpanRecord[]): Uint8Array {
  const tuples = spans.map((s): SpanTuple => [
    s.traceId,
    s.spanId,
    s.parentSpanId ?? '',
    s.name,
    s.kind,
    s.startMs,
    s.durationMs,
    s.statusCode,
    s.statusMessage ?? '',
    s.service,
    s.attributes,
  ]);
  return utf8(JSON.stringify(tuples));
}

/** The spans of a batch row that belong to `traceId`. */
export function decodeSpans(bytes: Uint8Array, traceId: string): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (const t of JSON.parse(fromUtf8(bytes)) as SpanTuple[]) {
    if (t[0] !== traceId) continue;
    const span: SpanRecord = {
      traceId,
      spanId: t[1],
      name: t[3],
      kind: t[4],
      startMs: t[5],
      durationMs: t[6],
      statusCode: t[7],
      service: t[9],
      attributes: t[10],
    };
    if (t[2]) span.parentSpanId = t[2];
    if (t[8]) span.statusMessage = t[8];
    out.push(span);
  }
  return out;
}

/** The distinct trace ids of a batch, 16 bytes each, one after the other. */
export function traceIdBytes(spans: readonly SpanRecord[]): Uint8Array {
  const ids = new Set<string>();
  for (const s of spans) ids.add(s.traceId);
  return Buffer.from([...ids].join(''), 'hex');
}

export const traceIdKey = (traceId: string): Uint8Array => Buffer.from(traceId, 'hex');

export const encodeRequests = (requests: readonly TraceSummary[]): Uint8Array => utf8(JSON.stringify(requests));
export const decodeRequests = (bytes: Uint8Array): TraceSummary[] => JSON.parse(fromUtf8(bytes)) as TraceSummary[];
