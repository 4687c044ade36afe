/**
 * A window of snapshots summed up: rates over the whole window (each interval weighted by its
 * length, i.e. total increase over total time), latency percentiles from the merged histogram
 * increases (exact over the window, not an average of per-interval percentiles), and the latest
 * state of health, pools, caches, process and system. Used by `perflens report` and the extension.
 */
import type { Bucket } from '../metrics/quantile';
import { histogramQuantile, mergeBuckets } from '../metrics/quantile';
import type {
  CacheStats,
  HealthSnapshot,
  HealthState,
  HistogramDelta,
  LatencyStats,
  PoolStats,
  Snapshot,
  SystemStats,
} from './types';

export interface RouteSummary extends LatencyStats {
  route: string;
  method?: string;
  requestRate: number;
  errorRate: number;
  requests: number;
}

export interface QuerySummary {
  query: string;
  statement?: string;
  rate: number;
  avgMs?: number;
  p95Ms?: number;
}

export interface ProcessSummary {
  pid: number;
  cpuPercentAvg: number;
  cpuPercentMax: number;
  rssBytes: number;
  rssBytesMax: number;
  heapUsedBytes?: number;
  openConnections?: number;
}

export interface SessionSummary {
  target: string;
  window: { from: number; to: number; durationMs: number };
  snapshots: number;
  /** Seconds covered by rate measurements (sum of the intervals). */
  measuredSeconds: number;
  health?: HealthSnapshot & { statesSeen: Partial<Record<HealthState, number>> };
  http?: LatencyStats & { requestRate: number; errorRate: number; requests: number; routes: RouteSummary[] };
  pools?: PoolStats[];
  caches?: CacheStats[];
  queries?: QuerySummary[];
  process?: ProcessSummary;
  system?: SystemStats;
  presets?: Record<string, string>;
  errors: { source: string; kind: string; message: string; count: number }[];
}

interface LatencyAcc {
  sets: Bucket[][];
  sumMs: number;
  count: number;
}

function addHist(map: Map<string, LatencyAcc>, key: string, h: HistogramDelta): void {
  let a = map.get(key);
  if (!a) map.set(key, (a = { sets: [], sumMs: 0, count: 0 }));
  a.sets.push(h.buckets);
  a.sumMs += h.sumMs;
  a.count += h.count;
}

function latencyOf(a: LatencyAcc | undefined): LatencyStats {
  if (!a || a.count === 0) return {};
  const merged = mergeBuckets(a.sets);
  const q = (x: number) => {
    const v = histogramQuantile(x, merged);
    return Number.isFinite(v) ? v : undefined;
  };
  const out: LatencyStats = { avgMs: a.sumMs / a.count };
  const [p50, p95, p99] = [q(0.5), q(0.95), q(0.99)];
  if (p50 !== undefined) out.p50Ms = p50;
  if (p95 !== undefined) out.p95Ms = p95;
  if (p99 !== undefined) out.p99Ms = p99;
  return out;
}

function last<T>(snaps: readonly Snapshot[], pick: (s: Snapshot) => T | undefined): T | undefined {
  for (let i = snaps.length - 1; i >= 0; i--) {
    const v = pick(snaps[i]!);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function summarizeSnapshots(target: string, snaps: readonly Snapshot[]): SessionSummary {
  const from = snaps[0]?.time ?? 0;
  const to = snaps[snaps.length - 1]?.time ?? from;
  const out: SessionSummary = {
    target,
    window: { from, to, durationMs: to - from },
    snapshots: snaps.length,
    measuredSeconds: 0,
    errors: [],
  };

  let requests = 0;
  let errors = 0;
  let seconds = 0;
  const routes = new Map<string, { route: string; method?: string; requests: number; errors: number }>();
  const overall = new Map<string, LatencyAcc>();
  const byRoute = new Map<string, LatencyAcc>();
  const queries = new Map<string, { statement?: string; count: number; acc: Map<string, LatencyAcc> }>();
  for (const s of snaps) {
    const dt = s.intervalSeconds;
    if (s.http && dt) {
      seconds += dt;
      requests += s.http.requestRate * dt;
      errors += s.http.requestRate * s.http.errorRate * dt;
      for (const r of s.http.routes) {
        const key = `${r.method ?? ''} ${r.route}`;
        let e = routes.get(key);
        if (!e) routes.set(key, (e = { route: r.route, method: r.method, requests: 0, errors: 0 }));
        e.requests += r.requestRate * dt;
        e.errors += r.requestRate * r.errorRate * dt;
      }
    }
    for (const q of s.queries ?? []) {
      if (!dt) continue;
      let e = queries.get(q.query);
      if (!e) queries.set(q.query, (e = { statement: q.statement, count: 0, acc: new Map() }));
      e.count += q.rate * dt;
    }
    for (const h of s.histograms ?? []) {
      if (h.series === 'http.duration') addHist(overall, '', h);
      else if (h.series === 'http.route.duration')
        addHist(byRoute, `${h.labels.method ?? ''} ${h.labels.route ?? ''}`, h);
    }
    for (const h of s.histograms ?? []) {
      if (h.series !== 'query.duration') continue;
      for (const [query, e] of queries)
        if ((h.labels.statement !== undefined && h.labels.statement === e.statement) || h.labels.query === query)
          addHist(e.acc, '', h);
    }
  }
  out.measuredSeconds = seconds;
  if (seconds > 0) {
    const routeList: RouteSummary[] = [...routes.entries()].map(([key, e]) => ({
      route: e.route,
      ...(e.method ? { method: e.method } : {}),
      requests: Math.round(e.requests),
      requestRate: e.requests / seconds,
      errorRate: e.requests > 0 ? e.errors / e.requests : 0,
      ...latencyOf(byRoute.get(key) ?? byRoute.get(` ${e.route}`)),
    }));
    routeList.sort((a, b) => b.requestRate - a.requestRate || a.route.localeCompare(b.route));
    out.http = {
      requestRate: requests / seconds,
      errorRate: requests > 0 ? errors / requests : 0,
      requests: Math.round(requests),
      ...latencyOf(overall.get('')),
      routes: routeList,
    };
    if (queries.size) {
      out.queries = [...queries.entries()]
        .map(([query, e]) => {
          const l = latencyOf(e.acc.get(''));
          return {
            query,
            ...(e.statement ? { statement: e.statement } : {}),
            rate: e.count / seconds,
            ...(l.avgMs !== undefined ? { avgMs: l.avgMs } : {}),
            ...(l.p95Ms !== undefined ? { p95Ms: l.p95Ms } : {}),
          };
        })
        .sort((a, b) => b.rate - a.rate);
    }
  }

  const health = last(snaps, (s) => s.health);
  if (health) {
    const statesSeen: Partial<Record<HealthState, number>> = {};
    for (const s of snaps) if (s.health) statesSeen[s.health.state] = (statesSeen[s.health.state] ?? 0) + 1;
    out.health = { ...health, statesSeen };
  }
  const pools = last(snaps, (s) => s.pools);
  if (pools) out.pools = pools;
  const caches = last(snaps, (s) => s.caches);
  if (caches) out.caches = caches;
  const system = last(snaps, (s) => s.system);
  if (system) out.system = system;
  const presets = last(snaps, (s) => s.presets);
  if (presets) out.presets = presets;
  const procs = snaps.map((s) => s.process).filter((p): p is NonNullable<Snapshot['process']> => p !== undefined);
  if (procs.length) {
    const p = procs[procs.length - 1]!;
    out.process = {
      pid: p.pid,
      cpuPercentAvg: procs.reduce((a, x) => a + x.cpuPercent, 0) / procs.length,
      cpuPercentMax: Math.max(...procs.map((x) => x.cpuPercent)),
      rssBytes: p.rssBytes,
      rssBytesMax: Math.max(...procs.map((x) => x.rssBytes)),
      ...(p.heapUsedBytes !== undefined ? { heapUsedBytes: p.heapUsedBytes } : {}),
      ...(p.openConnections !== undefined ? { openConnections: p.openConnections } : {}),
    };
  }
  out.errors = summarizeErrors(snaps);
  return out;
}

/** Distinct collection problems of a run (one per source and kind, with the first message), most frequent first. */
export function summarizeErrors(snapshots: readonly Snapshot[]): SessionSummary['errors'] {
  const byKey = new Map<string, SessionSummary['errors'][number]>();
  for (const s of snapshots) {
    for (const e of s.errors) {
      const key = `${e.source}:${e.kind}`;
      const cur = byKey.get(key);
      if (cur) cur.count++;
      else byKey.set(key, { source: e.source, kind: e.kind, message: e.message, count: 1 });
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}
