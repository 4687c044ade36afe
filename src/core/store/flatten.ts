/**
 * Which numbers of a Snapshot the history keeps, as (series name, labels, value). Names are
 * stable strings the dashboard and analyzers query by, e.g. 'http.p95Ms' or 'pool.active'.
 */
import type { HealthState, Snapshot } from '../session/types';

export interface SeriesValue {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const HEALTH_VALUE: Record<HealthState, number | undefined> = {
  healthy: 1,
  degraded: 0.5,
  down: 0,
  unknown: undefined,
  'no-verdict': undefined,
};

function put(out: SeriesValue[], name: string, labels: Record<string, string>, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) out.push({ name, labels, value });
}

function putAll<T extends object>(
  out: SeriesValue[],
  prefix: string,
  labels: Record<string, string>,
  o: T,
  keys: readonly (keyof T & string)[],
): void {
  for (const k of keys) put(out, `${prefix}.${k}`, labels, o[k] as number | undefined);
}

export function flattenSnapshot(s: Snapshot): SeriesValue[] {
  const out: SeriesValue[] = [];
  if (s.http) {
    putAll(out, 'http', {}, s.http, ['requestRate', 'errorRate', 'avgMs', 'p50Ms', 'p95Ms', 'p99Ms']);
    for (const r of s.http.routes) {
      const labels: Record<string, string> = r.method ? { route: r.route, method: r.method } : { route: r.route };
      putAll(out, 'http.route', labels, r, ['requestRate', 'errorRate', 'avgMs', 'p50Ms', 'p95Ms', 'p99Ms']);
    }
  }
  for (const p of s.pools ?? []) {
    putAll(out, 'pool', { pool: p.name ?? '' }, p, [
      'size',
      'max',
      'active',
      'idle',
      'pending',
      'acquireRate',
      'acquireWaitP95Ms',
      'acquireWaitAvgMs',
      'holdTimeMs',
    ]);
  }
  for (const c of s.caches ?? []) {
    putAll(out, 'cache', { cache: c.name ?? '' }, c, [
      'hitRate',
      'hitsPerSec',
      'missesPerSec',
      'evictionsPerSec',
      'size',
      'maxSize',
      'memoryBytes',
      'memoryLimitBytes',
    ]);
  }
  for (const q of s.queries ?? [])
    putAll(out, 'query', { query: q.statement ?? q.query }, q, ['rate', 'avgMs', 'p95Ms']);
  if (s.process) putAll(out, 'process', {}, s.process, ['cpuPercent', 'rssBytes', 'heapUsedBytes', 'openConnections']);
  if (s.system)
    putAll(out, 'system', {}, s.system, [
      'cpuPercent',
      'memUsedBytes',
      'memTotalBytes',
      'diskUsedBytes',
      'diskTotalBytes',
      'netRxBytesPerSec',
      'netTxBytesPerSec',
    ]);
  if (s.health) {
    put(out, 'health.state', {}, HEALTH_VALUE[s.health.state]);
    put(out, 'health.latencyMs', {}, s.health.latencyMs);
  }
  return out;
}
