/**
 * OTLP trace requests (protobuf or JSON) to SpanRecords. A request that cannot be read at all is a
 * failure with the reason; spans inside a readable request that break the rules (ids of the wrong
 * length, no name, end before start) are rejected one by one and counted, as OTLP's
 * partial_success reports them.
 */
import { otlpType } from './otlpSchema';
import { attributes, field, has, hexId, int64, list } from './otlpValues';
import type { AttributeValue, SpanRecord, TraceLimits } from './types';
import { walkTraceRequest } from './traceWire';
import { DEFAULT_TRACE_LIMITS } from './types';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';

export type OtlpEncoding = 'protobuf' | 'json';

export interface DecodedTraces {
  spans: SpanRecord[];
  /** Spans refused, and why the first of them was. */
  rejected: number;
  rejectReason?: string;
  /** Spans whose attributes were cut to the byte limit. */
  truncatedSpans: number;
}

/** Parses a request body into its message tree; the reason says what is wrong with it. */
export function parseOtlpBody(
  body: Uint8Array,
  encoding: OtlpEncoding,
  message: 'ExportTraceServiceRequest' | 'ExportMetricsServiceRequest',
): Result<unknown, 'malformed'> {
  if (encoding === 'protobuf') {
    try {
      return ok(otlpType(message).decode(body));
    } catch (e) {
      return fail('malformed', `the body is not an OTLP protobuf ${message} (${errorMessage(e)})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (e) {
    return fail('malformed', `the body is not JSON (${errorMessage(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return fail('malformed', `the body is JSON but not an OTLP ${message} object`);
  const top = message === 'ExportTraceServiceRequest' ? 'resourceSpans' : 'resourceMetrics';
  if (has(parsed, top) && !Array.isArray(field(parsed, top))) return fail('malformed', `"${top}" must be a list`);
  return ok(parsed);
}

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function enumValue(v: unknown, names: Record<string, number>, max: number): number {
  const n = typeof v === 'string' ? (names[v] ?? Number(v)) : int64(v);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : 0;
}

/** Attribute keys PerfLens reads are kept first when a span's attributes are over the byte limit. */
const KEPT_FIRST = /^(db\.|http\.|url\.|server\.|code\.|rpc\.|error\.|exception\.|messaging\.)/;

function capAttributes(
  attrs: Record<string, AttributeValue>,
  maxBytes: number,
): { attrs: Record<string, AttributeValue>; cut: boolean } {
  let total = 0;
  for (const k in attrs) {
    const v = attrs[k]!;
    total += k.length + (typeof v === 'string' ? v.length : String(v).length);
  }
  if (total <= maxBytes) return { attrs, cut: false };
  const keys = Object.keys(attrs);
  const ordered = [...keys.filter((k) => KEPT_FIRST.test(k)), ...keys.filter((k) => !KEPT_FIRST.test(k))];
  const out: Record<string, AttributeValue> = {};
  let left = maxBytes;
  for (const k of ordered) {
    const v = attrs[k]!;
    const size = k.length + String(v).length;
    if (size <= left) {
      out[k] = v;
      left -= size;
    } else if (typeof v === 'string' && left - k.length > 64) {
      out[k] = `${v.slice(0, left - k.length - 1)}…`;
      left = 0;
    }
  }
  return { attrs: out, cut: true };
}

const nsToMs = (ns: number) => ns / 1e6;

/** A span's fields as sent, from either encoding; `toRecord` applies the rules. */
interface SpanFields {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: unknown;
  kind: unknown;
  start: number;
  end: number;
  statusCode: unknown;
  statusMessage?: unknown;
  attributes: Record<string, AttributeValue>;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

/** The span as kept, or undefined after counting why it was refused. The service is set by the caller. */
function reject(out: DecodedTraces, why: string): undefined {
  out.rejected++;
  out.rejectReason ??= why;
  return undefined;
}

function toRecord(s: SpanFields, limits: TraceLimits, out: DecodedTraces): SpanRecord | undefined {
  const { traceId, spanId, parentSpanId: parent, start, end } = s;
  if (!traceId || !TRACE_ID.test(traceId) || ALL_ZERO.test(traceId))
    return reject(out, 'a span has no valid traceId (16 bytes, not all zero)');
  if (!spanId || !SPAN_ID.test(spanId) || ALL_ZERO.test(spanId))
    return reject(out, 'a span has no valid spanId (8 bytes, not all zero)');
  if (parent !== undefined && !SPAN_ID.test(parent))
    return reject(out, 'a span has a parentSpanId that is not 8 bytes');
  if (!Number.isFinite(start) || !Number.isFinite(end) || start <= 0 || end < start)
    return reject(out, 'a span has no valid start and end time (end before start, or missing)');
  const rawName = s.name;
  const name = typeof rawName === 'string' && rawName ? rawName.slice(0, limits.maxNameChars) : '(unnamed)';
  const capped = capAttributes(s.attributes, limits.maxAttributeBytesPerSpan);
  if (capped.cut) out.truncatedSpans++;
  const span: SpanRecord = {
    traceId,
    spanId,
    name,
    kind: enumValue(s.kind, KIND_NAMES, 5),
    startMs: nsToMs(start),
    durationMs: nsToMs(end - start),
    statusCode: enumValue(s.statusCode, STATUS_NAMES, 2),
    service: '',
    attributes: capped.attrs,
  };
  if (parent && !ALL_ZERO.test(parent)) span.parentSpanId = parent;
  const statusMessage = s.statusMessage;
  if (typeof statusMessage === 'string' && statusMessage)
    span.statusMessage = statusMessage.slice(0, limits.maxNameChars);
  return span;
}

function serviceOf(resource: Record<string, AttributeValue>, limits: TraceLimits): string {
  const name = resource['service.name'];
  return (typeof name === 'string' ? name : 'unknown_service').slice(0, limits.maxNameChars);
}

/** OTLP/protobuf, read off the wire (traceWire.ts) with the same rules as the JSON tree below. */
function decodeProtobuf(body: Uint8Array, limits: TraceLimits): Result<DecodedTraces, 'malformed'> {
  const out: DecodedTraces = { spans: [], rejected: 0, truncatedSpans: 0 };
  let resourceStart = 0;
  try {
    walkTraceRequest(body, {
      span: (s) => {
        const span = toRecord(s, limits, out);
        if (span) out.spans.push(span);
      },
      resourceEnd: (resource) => {
        const service = serviceOf(resource, limits);
        for (let i = resourceStart; i < out.spans.length; i++) out.spans[i]!.service = service;
        resourceStart = out.spans.length;
      },
    });
  } catch (e) {
    return fail('malformed', `the body is not an OTLP protobuf ExportTraceServiceRequest (${errorMessage(e)})`);
  }
  return ok(out);
}

export function decodeTraces(
  body: Uint8Array,
  encoding: OtlpEncoding,
  limits: TraceLimits = DEFAULT_TRACE_LIMITS,
): Result<DecodedTraces, 'malformed'> {
  if (encoding === 'protobuf') return decodeProtobuf(body, limits);
  const parsed = parseOtlpBody(body, encoding, 'ExportTraceServiceRequest');
  return parsed.ok ? ok(decodeTraceTree(parsed.value, limits)) : parsed;
}

/**
 * The spans of a request already parsed into its message tree: OTLP/JSON, or the object tree
 * protobufjs decodes a protobuf body into (ids as bytes, times as Long), read by the same rules.
 */
export function decodeTraceTree(tree: unknown, limits: TraceLimits = DEFAULT_TRACE_LIMITS): DecodedTraces {
  const out: DecodedTraces = { spans: [], rejected: 0, truncatedSpans: 0 };
  for (const rs of list(tree, 'resourceSpans')) {
    const service = serviceOf(attributes(list(field(rs, 'resource'), 'attributes')), limits);
    for (const ss of list(rs, 'scopeSpans')) {
      for (const s of list(ss, 'spans')) {
        const status = field(s, 'status');
        const span = toRecord(
          {
            traceId: hexId(field(s, 'traceId')),
            spanId: hexId(field(s, 'spanId')),
            parentSpanId: hexId(field(s, 'parentSpanId')),
            name: field(s, 'name'),
            kind: field(s, 'kind'),
            start: int64(field(s, 'startTimeUnixNano')),
            end: int64(field(s, 'endTimeUnixNano')),
            statusCode: field(status, 'code'),
            statusMessage: field(status, 'message'),
            attributes: attributes(list(s, 'attributes')),
          },
          limits,
          out,
        );
        if (span) {
          span.service = service;
          out.spans.push(span);
        }
      }
    }
  }
  return out;
}
