/** One minute of one route or statement: counts, a latency sketch, time by kind, and evidence traces. */
import { LatencySketch } from './sketch';

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
}
