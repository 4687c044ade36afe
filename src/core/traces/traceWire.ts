/**
 * OTLP/protobuf trace requests read straight off the wire into span fields, with protobufjs's own
 * Reader doing every varint, length, fixed-width number and strictly checked UTF-8 string. Reading
 * the tree of messages first (what `otlpType(...).decode` does) and then walking it costs a message
 * object per span, attribute and value plus a Long per timestamp; this walk reads the same fields
 * by the same rules and builds only what a span keeps.
 *
 * The rules are protobufjs's (the decoder it generates from otlpSchema.ts): a field sent with the
 * wrong wire type is skipped as unknown; a scalar at its default counts as absent and the last
 * occurrence wins; a message field sent twice is merged, and of a oneof (AnyValue) the member set last
 * is the one kept; repeated fields accumulate; nesting deeper
 * than Reader.recursionLimit is an error; a length that runs past its message is an error.
 */
import * as protobuf from 'protobufjs';
import type { AttributeValue } from './types';
import { int64 } from './otlpValues';

/** The fields of one span as sent; the caller applies the rules for what is kept. */
export interface WireSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind: number;
  start: number;
  end: number;
  statusCode: number;
  statusMessage?: string;
  attributes: Record<string, AttributeValue>;
}

/** Receives each span of a resource, then the resource's attributes once its message has ended. */
export interface WireVisitor {
  span(s: WireSpan): void;
  resourceEnd(resource: Record<string, AttributeValue>): void;
}

type Reader = protobuf.Reader;
const LIMIT = (protobuf.Reader as unknown as { recursionLimit?: number }).recursionLimit ?? 100;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const MAX_VALUE_DEPTH = 8;

/** An attribute value as sent, oneof members kept apart as protobufjs keeps them. */
interface AnyHolder {
  s?: string;
  b?: boolean;
  i?: unknown;
  d?: number;
  by?: Uint8Array;
  arr?: AnyHolder[];
  kv?: { key?: string; value?: AnyHolder }[];
}

/** Short ASCII strings (attribute keys, most short values) by a hash of their bytes; checked byte by byte. */
const SHORT = new Map<number, string>();
const SHORT_MAX_BYTES = 32;
const SHORT_MAX_ENTRIES = 4096;

/**
 * A string field, as `stringVerify` reads it: a short ASCII one that came before is returned
 * without building it again (keys and common values repeat in every span of a batch).
 */
function shortString(r: Reader): string {
  const at = r.pos;
  const l = r.size();
  const start = r.pos;
  const end = start + l;
  if (l === 0 || l > SHORT_MAX_BYTES || end > r.len) {
    r.pos = at;
    return r.stringVerify();
  }
  const buf = r.buf;
  let h = l;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b & 0x80) {
      r.pos = at;
      return r.stringVerify();
    }
    h = (Math.imul(h, 31) + b) | 0;
  }
  const known = SHORT.get(h);
  if (known !== undefined && known.length === l) {
    let same = true;
    for (let i = 0; i < l; i++)
      if (known.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    if (same) {
      r.pos = end;
      return known;
    }
  }
  r.pos = at;
  const text = r.stringVerify();
  if (SHORT.size >= SHORT_MAX_ENTRIES) SHORT.clear();
  SHORT.set(h, text);
  return text;
}

/** Enters a length-delimited message at depth `q`; returns the enclosing limit for `leave`. */
function enter(r: Reader, q: number): number {
  const l = r.size();
  if (q > LIMIT) throw Error('max depth exceeded');
  const c = r.pos + l;
  if (c > r.len) throw RangeError('index out of range');
  const outer = r.len;
  r.len = c;
  return outer;
}

function leave(r: Reader, outer: number): void {
  if (r.pos !== r.len) throw RangeError('index out of range');
  r.len = outer;
}

/** Bytes as lowercase hex, undefined when empty (a default value is an absent one). */
function hexBytes(r: Reader): string | undefined {
  const l = r.size();
  const start = r.pos;
  const end = start + l;
  if (end > r.len) throw RangeError(`index out of range: ${start} + ${l} > ${r.len}`);
  r.pos = end;
  if (!l) return undefined;
  const buf = r.buf;
  let out = '';
  for (let i = start; i < end; i++) out += HEX[buf[i]!];
  return out;
}

function fixed64(r: Reader): number {
  if (r.pos + 8 > r.len) throw RangeError(`index out of range: ${r.pos} + 8 > ${r.len}`);
  const low = r.fixed32();
  return r.fixed32() * 4294967296 + low;
}

/** Keeps only `member` of a oneof: setting one member of a protobufjs oneof clears the others. */
function only(h: AnyHolder, member: keyof AnyHolder): AnyHolder {
  for (const k of ['s', 'b', 'i', 'd', 'by', 'arr', 'kv'] as const) if (k !== member) delete h[k];
  return h;
}

function anyValue(r: Reader, q: number, h: AnyHolder): AnyHolder {
  const outer = enter(r, q);
  while (r.pos < r.len) {
    const t = r.tag();
    const f = t >>> 3;
    const u = t & 7;
    if (f === 1 && u === 2) only(h, 's').s = r.stringVerify();
    else if (f === 2 && u === 0) only(h, 'b').b = r.bool();
    else if (f === 3 && u === 0) only(h, 'i').i = r.int64();
    else if (f === 4 && u === 1) only(h, 'd').d = r.double();
    else if (f === 5 && u === 2) {
      const o = enter(r, q + 1);
      const arr = (only(h, 'arr').arr ??= []);
      while (r.pos < r.len) {
        const t2 = r.tag();
        if (t2 >>> 3 === 1 && (t2 & 7) === 2) arr.push(anyValue(r, q + 2, {}));
        else r.skipType(t2 & 7, q + 1, t2 >>> 3);
      }
      leave(r, o);
    } else if (f === 6 && u === 2) {
      const o = enter(r, q + 1);
      const kv = (only(h, 'kv').kv ??= []);
      while (r.pos < r.len) {
        const t2 = r.tag();
        if (t2 >>> 3 === 1 && (t2 & 7) === 2) kv.push(keyValue(r, q + 2));
        else r.skipType(t2 & 7, q + 1, t2 >>> 3);
      }
      leave(r, o);
    } else if (f === 7 && u === 2) only(h, 'by').by = r.bytes();
    else r.skipType(u, q, f);
  }
  leave(r, outer);
  return h;
}

function keyValue(r: Reader, q: number): { key?: string; value?: AnyHolder } {
  const outer = enter(r, q);
  let key: string | undefined;
  let value: AnyHolder | undefined;
  while (r.pos < r.len) {
    const t = r.tag();
    const f = t >>> 3;
    const u = t & 7;
    if (f === 1 && u === 2) key = r.stringVerify() || undefined;
    else if (f === 2 && u === 2) value = anyValue(r, q + 1, value ?? {});
    else r.skipType(u, q, f);
  }
  leave(r, outer);
  return { key, value };
}

function plain(h: AnyHolder | undefined, depth: number): unknown {
  if (h === undefined) return undefined;
  if (depth > MAX_VALUE_DEPTH) return '[nested too deep]';
  if (h.s !== undefined) return h.s;
  if (h.b !== undefined) return h.b;
  if (h.i !== undefined) return int64(h.i);
  if (h.d !== undefined) return h.d;
  if (h.by !== undefined) return Buffer.from(h.by).toString('base64');
  if (h.arr) return h.arr.map((x) => plain(x, depth + 1));
  if (h.kv) {
    const out: Record<string, unknown> = {};
    for (const { key, value } of h.kv) if (key !== undefined) out[key] = plain(value, depth + 1);
    return out;
  }
  return undefined;
}

type Scalar = { kind: 's' | 'b' | 'i' | 'd'; value: AttributeValue } | { kind: 'empty' };
const NOT_SCALAR = undefined;

/**
 * An AnyValue that is one string, bool, int or double (or nothing), read without building its
 * holder: what nearly every attribute is. NOT_SCALAR, with the reader where it was, for the rest.
 */
function scalarValue(r: Reader, q: number): Scalar | undefined {
  const at = r.pos;
  const outer = enter(r, q);
  let out: Scalar | undefined = NOT_SCALAR;
  if (r.pos === r.len) out = { kind: 'empty' };
  else {
    const t = r.tag();
    if (t === ((1 << 3) | 2)) out = { kind: 's', value: shortString(r) };
    else if (t === 2 << 3) out = { kind: 'b', value: r.bool() };
    else if (t === 3 << 3) out = { kind: 'i', value: int64(r.int64()) };
    else if (t === ((4 << 3) | 1)) out = { kind: 'd', value: r.double() };
    if (r.pos !== r.len) out = NOT_SCALAR;
  }
  if (out === NOT_SCALAR) {
    r.pos = at;
    r.len = outer;
  } else leave(r, outer);
  return out;
}

/** A KeyValue into `attrs` (arrays and key-value lists as their JSON text), as `attributes()` reads one. */
function attribute(r: Reader, q: number, attrs: Record<string, AttributeValue>): void {
  const outer = enter(r, q);
  let key: string | undefined;
  let scalar: Scalar | undefined;
  let value: AnyHolder | undefined;
  while (r.pos < r.len) {
    const t = r.tag();
    const f = t >>> 3;
    const u = t & 7;
    if (f === 1 && u === 2) key = shortString(r) || undefined;
    else if (f === 2 && u === 2) {
      if (!scalar && !value && (scalar = scalarValue(r, q + 1))) continue;
      // A second value is merged into the first, as protobufjs merges a message sent twice.
      if (scalar) value = scalar.kind === 'empty' ? {} : ({ [scalar.kind]: scalar.value } as AnyHolder);
      scalar = undefined;
      value = anyValue(r, q + 1, value ?? {});
    } else r.skipType(u, q, f);
  }
  leave(r, outer);
  if (key === undefined) return;
  if (scalar) {
    if (scalar.kind !== 'empty') attrs[key] = scalar.value;
    return;
  }
  const v = plain(value, 0);
  if (v === undefined || v === null) return;
  attrs[key] =
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : (JSON.stringify(v) as string);
}

/** A message of only KeyValues at field `field` (Resource, InstrumentationScope), other fields checked and dropped. */
function attributesMessage(r: Reader, q: number, field: number, attrs: Record<string, AttributeValue>): void {
  const outer = enter(r, q);
  while (r.pos < r.len) {
    const t = r.tag();
    const f = t >>> 3;
    const u = t & 7;
    if (f === field && u === 2) attribute(r, q + 1, attrs);
    // InstrumentationScope's name and version are strings: checked as protobufjs checks them.
    else if (field === 3 && (f === 1 || f === 2) && u === 2) r.stringVerify();
    else r.skipType(u, q, f);
  }
  leave(r, outer);
}

function span(r: Reader, q: number): WireSpan {
  const outer = enter(r, q);
  const s: WireSpan = { kind: 0, start: NaN, end: NaN, statusCode: 0, attributes: {} };
  while (r.pos < r.len) {
    const t = r.tag();
    const f = t >>> 3;
    const u = t & 7;
    if (u === 2 && f === 1) s.traceId = hexBytes(r);
    else if (u === 2 && f === 2) s.spanId = hexBytes(r);
    else if (u === 2 && f === 3) r.stringVerify();
    else if (u === 2 && f === 4) s.parentSpanId = hexBytes(r);
    else if (u === 2 && f === 5) s.name = r.stringVerify() || undefined;
    else if (u === 0 && f === 6) s.kind = r.int32();
    else if (u === 1 && f === 7) s.start = fixed64(r) || NaN;
    else if (u === 1 && f === 8) s.end = fixed64(r) || NaN;
    else if (u === 2 && f === 9) attribute(r, q + 1, s.attributes);
    else if (u === 2 && f === 15) {
      const o = enter(r, q + 1);
      while (r.pos < r.len) {
        const t2 = r.tag();
        if (t2 === ((2 << 3) | 2)) s.statusMessage = r.stringVerify() || undefined;
        else if (t2 === 3 << 3) s.statusCode = r.int32();
        else r.skipType(t2 & 7, q + 1, t2 >>> 3);
      }
      leave(r, o);
    } else r.skipType(u, q, f);
  }
  leave(r, outer);
  return s;
}

/** Reads an ExportTraceServiceRequest; throws what protobufjs throws on a body it cannot read. */
export function walkTraceRequest(body: Uint8Array, visit: WireVisitor): void {
  const r = protobuf.Reader.create(body);
  while (r.pos < r.len) {
    const t = r.tag();
    if (t >>> 3 !== 1 || (t & 7) !== 2) {
      r.skipType(t & 7, 0, t >>> 3);
      continue;
    }
    // ResourceSpans
    const outer = enter(r, 1);
    const resource: Record<string, AttributeValue> = {};
    while (r.pos < r.len) {
      const t1 = r.tag();
      const f = t1 >>> 3;
      const u = t1 & 7;
      if (f === 1 && u === 2) attributesMessage(r, 2, 1, resource);
      else if (f === 2 && u === 2) {
        // ScopeSpans
        const o = enter(r, 2);
        while (r.pos < r.len) {
          const t2 = r.tag();
          const f2 = t2 >>> 3;
          if (f2 === 2 && (t2 & 7) === 2) visit.span(span(r, 3));
          else if (f2 === 1 && (t2 & 7) === 2) attributesMessage(r, 3, 3, {});
          else r.skipType(t2 & 7, 2, f2);
        }
        leave(r, o);
      } else r.skipType(u, 1, f);
    }
    leave(r, outer);
    visit.resourceEnd(resource);
  }
}
