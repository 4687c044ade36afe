/**
 * Readers for OTLP values that work on both encodings: a protobufjs message (ids as bytes, 64-bit
 * numbers as Long) and OTLP/JSON (ids as hex text, 64-bit numbers as strings or numbers). Only own
 * properties are read, so a protobuf default on a prototype never passes for a value that was sent.
 */
import type { AttributeValue } from './types';

export type Obj = Record<string, unknown>;

export function has(o: unknown, key: string): boolean {
  return typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, key);
}

export function field(o: unknown, key: string): unknown {
  return has(o, key) ? (o as Obj)[key] : undefined;
}

export function list(o: unknown, key: string): unknown[] {
  const v = field(o, key);
  return Array.isArray(v) ? v : [];
}

/** A 64-bit integer from a Long, a decimal string or a number; NaN when it is none of them. */
export function int64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean };
    const low = l.low >>> 0;
    return (l.unsigned ? l.high >>> 0 : l.high) * 4294967296 + low;
  }
  return NaN;
}

/** An id as lowercase hex: bytes from protobuf, hex text from JSON. Undefined when absent or empty. */
export function hexId(v: unknown): string | undefined {
  if (v instanceof Uint8Array)
    return v.length ? Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex') : undefined;
  if (typeof v === 'string') return v.length ? v.toLowerCase() : undefined;
  return undefined;
}

const MAX_VALUE_DEPTH = 8;

/** An attribute value as a scalar: arrays and key-value lists become their JSON text. */
export function anyValue(v: unknown, depth = 0): AttributeValue | undefined {
  const plain = anyValuePlain(v, depth);
  if (plain === undefined || plain === null) return undefined;
  if (typeof plain === 'string' || typeof plain === 'number' || typeof plain === 'boolean') return plain;
  return JSON.stringify(plain);
}

function anyValuePlain(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth > MAX_VALUE_DEPTH) return '[nested too deep]';
  if (has(v, 'stringValue')) return String(field(v, 'stringValue'));
  if (has(v, 'boolValue')) return field(v, 'boolValue') === true;
  if (has(v, 'intValue')) return int64(field(v, 'intValue'));
  if (has(v, 'doubleValue')) return Number(field(v, 'doubleValue'));
  if (has(v, 'bytesValue')) {
    const b = field(v, 'bytesValue');
    return b instanceof Uint8Array ? Buffer.from(b).toString('base64') : String(b);
  }
  if (has(v, 'arrayValue')) return list(field(v, 'arrayValue'), 'values').map((x) => anyValuePlain(x, depth + 1));
  if (has(v, 'kvlistValue')) {
    const out: Record<string, unknown> = {};
    for (const kv of list(field(v, 'kvlistValue'), 'values')) {
      const key = field(kv, 'key');
      if (typeof key === 'string') out[key] = anyValuePlain(field(kv, 'value'), depth + 1);
    }
    return out;
  }
  return undefined;
}

/** Key-value pairs as a record of scalars. */
export function attributes(kvs: unknown[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of kvs) {
    const key = field(kv, 'key');
    if (typeof key !== 'string' || !key) continue;
    const value = anyValue(field(kv, 'value'));
    if (value !== undefined) out[key] = value;
  }
  return out;
}
