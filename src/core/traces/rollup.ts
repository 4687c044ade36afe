/** One minute of one route or statement: counts, a latency sketch, time by kind, and evidence traces. */
import { LatencySketch } from './sketch';
import type { SourceLocation } from './semconv';

/** Distinct handler locations counted per route rollup; a route that names more keeps its first ones. */
export const MAX_LOCATIONS_PER_ROLLUP = 16;

export interface Rollup {
  key: string;
  /** The statement's text as sent (statement rollups), or the route. */
  text: string;
  system?: string;
  count: number;
  errors: number;
  sketch: LatencySketch;
  codeMs: number;
  dbMs: number;
  httpMs: number;
  otherMs: number;
  /** The slowest request (or statement run) behind the rollup, and a failed one. */
  slowestTraceId?: string;
  slowestMs: number;
  errorTraceId?: string;
  /** Route rollups: how many requests named each handler location, keyed by locationKey. */
  locations?: Record<string, number>;
}

/** A rollup with nothing counted yet. */
export function emptyRollup(key: string, text: string): Rollup {
  return {
    key,
    text,
    count: 0,
    errors: 0,
    sketch: new LatencySketch(),
    codeMs: 0,
    dbMs: 0,
    httpMs: 0,
    otherMs: 0,
    slowestMs: 0,
  };
}

const locationKey = (l: SourceLocation) => JSON.stringify([l.file, l.line ?? null, l.function ?? null]);

/** Counts `n` requests for a handler location (at most MAX_LOCATIONS_PER_ROLLUP distinct ones). */
export function noteLocation(r: Rollup, key: string | SourceLocation, n = 1): void {
  const k = typeof key === 'string' ? key : locationKey(key);
  const locations = (r.locations ??= {});
  if (locations[k] === undefined && Object.keys(locations).length >= MAX_LOCATIONS_PER_ROLLUP) return;
  locations[k] = (locations[k] ?? 0) + n;
}

/** The location most requests named (ties: the first in key order), or undefined when none did. */
export function commonestLocation(r: Rollup): SourceLocation | undefined {
  let best: [string, number] | undefined;
  for (const e of Object.entries(r.locations ?? {}))
    if (!best || e[1] > best[1] || (e[1] === best[1] && e[0] < best[0])) best = e;
  if (!best) return undefined;
  const [file, line, fn] = JSON.parse(best[0]) as [string, number | null, string | null];
  const out: SourceLocation = { file };
  if (line !== null) out.line = line;
  if (fn !== null) out.function = fn;
  return out;
}

/** Counts one request (or statement run) into the rollup. */
export function note(r: Rollup, traceId: string, ms: number, error: boolean): void {
  r.count++;
  r.sketch.add(ms);
  if (ms >= r.slowestMs) [r.slowestMs, r.slowestTraceId] = [ms, traceId];
  if (error) {
    r.errors++;
    r.errorTraceId = traceId;
  }
}

export function rowToRollup(r: unknown[]): Rollup {
  const out: Rollup = {
    key: r[2] as string,
    text: r[3] as string,
    count: r[5] as number,
    errors: r[6] as number,
    codeMs: r[7] as number,
    dbMs: r[8] as number,
    httpMs: r[9] as number,
    otherMs: r[10] as number,
    sketch: LatencySketch.fromJSON(r[11] as string),
    slowestMs: r[13] as number,
  };
  if (r[4]) out.system = r[4] as string;
  if (r[12]) out.slowestTraceId = r[12] as string;
  if (r[14]) out.errorTraceId = r[14] as string;
  if (r[15]) out.locations = JSON.parse(r[15] as string) as Record<string, number>;
  return out;
}

/** Adds `r` into `m` (another minute of the same key). */
export function mergeRollup(m: Rollup, r: Rollup): void {
  m.count += r.count;
  m.errors += r.errors;
  m.sketch.merge(r.sketch);
  m.codeMs += r.codeMs;
  m.dbMs += r.dbMs;
  m.httpMs += r.httpMs;
  m.otherMs += r.otherMs;
  m.system ??= r.system;
  if (r.slowestMs > m.slowestMs) [m.slowestMs, m.slowestTraceId] = [r.slowestMs, r.slowestTraceId];
  m.errorTraceId ??= r.errorTraceId;
  for (const [k, n] of Object.entries(r.locations ?? {})) noteLocation(m, k, n);
}
