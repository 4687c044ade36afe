import type { Snapshot } from '../session/types';
import { formatMs, formatShare } from '../../shared/format';
import { mean } from '../util/stats';
import type { AnalyzerSettings } from './settings';
import { DEFAULT_ANALYZER_SETTINGS } from './settings';
import type { Finding } from './types';
import { round } from './types';

/** The order slow responses are diagnosed in: database, cache misses, CPU, then network/external. */
export type BottleneckCause = 'database' | 'cache' | 'cpu' | 'external';
const CAUSE_ORDER: BottleneckCause[] = ['database', 'cache', 'cpu', 'external'];

interface Weighted {
  sum: number;
  weight: number;
}

function add(w: Weighted, value: number | undefined, weight: number): void {
  if (value === undefined || !Number.isFinite(value)) return;
  w.sum += value * weight;
  w.weight += weight;
}

const wmean = (w: Weighted): number | undefined => (w.weight > 0 ? w.sum / w.weight : undefined);

interface RouteAgg {
  route: string;
  p95: Weighted;
  avg: Weighted;
  err: Weighted;
  rates: number[];
}

interface CauseEvidence {
  cause: BottleneckCause;
  /** How far past its threshold (1 = at the threshold), used to break ties in the text only. */
  score: number;
  numbers: Record<string, number | string>;
  text: string;
  recommendation: string;
  title: string;
  target?: string;
}

/** Request-weighted latency and error figures over the window, overall and per route. */
function aggregateHttp(snapshots: readonly Snapshot[]) {
  const p95: Weighted = { sum: 0, weight: 0 };
  const avg: Weighted = { sum: 0, weight: 0 };
  const rate: number[] = [];
  const routes = new Map<string, RouteAgg>();
  for (const s of snapshots) {
    if (!s.http) continue;
    const w = Math.max(s.http.requestRate, 1e-9);
    add(p95, s.http.p95Ms, w);
    add(avg, s.http.avgMs, w);
    rate.push(s.http.requestRate);
    for (const r of s.http.routes) {
      const key = r.method ? `${r.method} ${r.route}` : r.route;
      const agg = routes.get(key) ?? {
        route: key,
        p95: { sum: 0, weight: 0 },
        avg: { sum: 0, weight: 0 },
        err: { sum: 0, weight: 0 },
        rates: [],
      };
      const rw = Math.max(r.requestRate, 1e-9);
      add(agg.p95, r.p95Ms, rw);
      add(agg.avg, r.avgMs, rw);
      add(agg.err, r.errorRate, rw);
      agg.rates.push(r.requestRate);
      routes.set(key, agg);
    }
  }
  return {
    p95Ms: wmean(p95),
    avgMs: wmean(avg),
    requestRate: rate.length ? mean(rate) : undefined,
    routes: [...routes.values()],
  };
}

function detectCauses(
  snapshots: readonly Snapshot[],
  st: AnalyzerSettings['bottleneck'],
  httpAvgMs: number | undefined,
  requestRate: number | undefined,
): CauseEvidence[] {
  const causes: CauseEvidence[] = [];
  // Database: slow statements, or a large share of service time spent in queries, or waiting for a connection.
  const queries = new Map<string, { avg: Weighted; p95: Weighted; rates: number[] }>();
  for (const s of snapshots) {
    for (const q of s.queries ?? []) {
      const agg = queries.get(q.query) ?? { avg: { sum: 0, weight: 0 }, p95: { sum: 0, weight: 0 }, rates: [] };
      add(agg.avg, q.avgMs, Math.max(q.rate, 1e-9));
      add(agg.p95, q.p95Ms, Math.max(q.rate, 1e-9));
      agg.rates.push(q.rate);
      queries.set(q.query, agg);
    }
  }
  const ranked = [...queries.entries()]
    .map(([query, a]) => ({ query, avgMs: wmean(a.avg), p95Ms: wmean(a.p95), rate: mean(a.rates) }))
    .filter((q) => q.avgMs !== undefined)
    .sort((a, b) => b.avgMs! * b.rate - a.avgMs! * a.rate);
  const dbMsPerSec = ranked.reduce((acc, q) => acc + q.avgMs! * q.rate, 0);
  const serviceMsPerSec = httpAvgMs !== undefined && requestRate ? httpAvgMs * requestRate : undefined;
  const dbShare = serviceMsPerSec ? Math.min(1, dbMsPerSec / serviceMsPerSec) : undefined;
  const slowest = [...ranked].sort((a, b) => b.avgMs! - a.avgMs!)[0];
  const limitMs = st.dbQuerySeconds * 1000;
  const poolWait = Math.max(0, ...snapshots.flatMap((s) => (s.pools ?? []).map((p) => p.acquireWaitP95Ms ?? 0)));
  const poolPending = mean(snapshots.flatMap((s) => (s.pools ?? []).map((p) => p.pending ?? 0)));
  if (
    (slowest && slowest.avgMs! > limitMs) ||
    (dbShare !== undefined && dbShare >= st.dbTimeShare) ||
    poolPending > 0
  ) {
    const numbers: Record<string, number | string> = { thresholdMs: limitMs };
    if (slowest)
      Object.assign(numbers, {
        slowestQuery: slowest.query,
        slowestQueryAvgMs: round(slowest.avgMs!, 1),
        slowestQueryRate: round(slowest.rate, 2),
      });
    if (dbShare !== undefined) numbers.dbTimeShare = round(dbShare, 3);
    if (poolPending > 0)
      Object.assign(numbers, { poolMeanPending: round(poolPending, 2), poolAcquireWaitP95Ms: round(poolWait, 1) });
    // The text names only what crossed its threshold; the numbers keep everything measured.
    const parts: string[] = [];
    if (slowest && slowest.avgMs! > limitMs)
      parts.push(`slowest statement averages ${round(slowest.avgMs!, 1)} ms (threshold ${limitMs} ms)`);
    if (dbShare !== undefined && dbShare >= st.dbTimeShare)
      parts.push(
        `${formatShare(dbShare)} of service time is spent in queries (threshold ${formatShare(st.dbTimeShare, 0)})`,
      );
    if (poolPending > 0) parts.push(`on average ${round(poolPending, 2)} requests wait for a pooled connection`);
    parts[0] = parts[0]![0]!.toUpperCase() + parts[0]!.slice(1);
    causes.push({
      cause: 'database',
      score: Math.max(
        slowest ? slowest.avgMs! / limitMs : 0,
        dbShare !== undefined ? dbShare / st.dbTimeShare : 0,
        poolPending > 0 ? 1 : 0,
      ),
      numbers,
      text: parts.join('; ') + '.',
      target: slowest?.query,
      title:
        slowest && slowest.avgMs! > limitMs
          ? 'Slow database queries'
          : dbShare !== undefined && dbShare >= st.dbTimeShare
            ? 'Database time dominates response time'
            : 'Requests queue for database connections',
      recommendation:
        poolPending > 0 && !(slowest && slowest.avgMs! > limitMs)
          ? 'Requests queue for connections: see the pool findings for a size, and shorten transactions.'
          : `Optimise ${slowest ? `"${slowest.query}"` : 'the slowest statements'}: check its plan for full scans and add the missing index (perflens queries).`,
    });
  }
  // Cache misses.
  let hits = 0;
  let total = 0;
  const rates: number[] = [];
  for (const s of snapshots) {
    for (const c of s.caches ?? []) {
      if (c.hitsPerSec !== undefined && c.missesPerSec !== undefined) {
        hits += c.hitsPerSec;
        total += c.hitsPerSec + c.missesPerSec;
      } else if (c.hitRate !== undefined) rates.push(c.hitRate);
    }
  }
  const hitRate = total > 0 ? hits / total : rates.length ? mean(rates) : undefined;
  if (hitRate !== undefined && 1 - hitRate > st.cacheMissRate) {
    causes.push({
      cause: 'cache',
      score: (1 - hitRate) / st.cacheMissRate,
      title: 'High cache miss rate',
      numbers: { cacheMissRate: round(1 - hitRate, 4), threshold: st.cacheMissRate },
      text: `${formatShare(1 - hitRate)} of cache lookups miss (threshold ${formatShare(st.cacheMissRate, 0)}), so most requests pay the full cost.`,
      recommendation: 'Review the caching strategy: see the cache findings for TTL and size.',
    });
  }
  // CPU: the process when known (pidusage percent of one core), else the machine.
  const cpu = snapshots
    .map((s) => s.process?.cpuPercent ?? s.system?.cpuPercent)
    .filter((x): x is number => x !== undefined);
  const cpuMean = cpu.length ? mean(cpu) : undefined;
  if (cpuMean !== undefined && cpuMean > st.cpuPercent) {
    causes.push({
      cause: 'cpu',
      score: cpuMean / st.cpuPercent,
      title: 'High CPU usage',
      numbers: { cpuPercent: round(cpuMean, 1), threshold: st.cpuPercent },
      text: `CPU averaged ${round(cpuMean, 1)}% (threshold ${st.cpuPercent}%).`,
      recommendation: 'Profile the service (perflens profile) to find the hot functions, or scale out.',
    });
  }
  return causes.sort((a, b) => CAUSE_ORDER.indexOf(a.cause) - CAUSE_ORDER.indexOf(b.cause));
}

/**
 * Bottleneck findings, ranked in that decision order. Causes are reported whenever their
 * thresholds hold; when responses are slow the first cause is critical and, if no cause holds,
 * network and external dependencies are named. Slow routes get their own findings.
 */
export function analyzeBottlenecks(
  snapshots: readonly Snapshot[],
  settings: AnalyzerSettings['bottleneck'] = DEFAULT_ANALYZER_SETTINGS.bottleneck,
): Finding[] {
  if (snapshots.length === 0) return [];
  const window = { from: snapshots[0]!.time, to: snapshots[snapshots.length - 1]!.time };
  const http = aggregateHttp(snapshots);
  const limitMs = settings.responseTimeSeconds * 1000;
  const slowRoutes = http.routes
    .filter((r) => (wmean(r.p95) ?? 0) > limitMs)
    .sort((a, b) => wmean(b.p95)! - wmean(a.p95)!);
  const slow = (http.p95Ms ?? 0) > limitMs || slowRoutes.length > 0;
  const causes = detectCauses(snapshots, settings, http.avgMs, http.requestRate);
  if (slow && causes.length === 0) {
    causes.push({
      cause: 'external',
      score: 1,
      title: 'Slow responses without a local cause',
      numbers: {},
      text: 'database time, cache misses and CPU are all within their thresholds.',
      recommendation:
        'Check network latency and external service dependencies (outbound HTTP calls, DNS, remote APIs): time them per request.',
    });
  }
  const findings: Finding[] = causes.map((c, i) => ({
    id: `bottleneck.${c.cause}`,
    analyzer: 'bottleneck',
    severity: slow && i === 0 ? 'critical' : 'warning',
    target: c.target,
    title: slow ? `Slow responses, likely cause #${i + 1}: ${c.title.toLowerCase()}` : c.title,
    evidence: {
      window,
      numbers: {
        rank: i + 1,
        ...c.numbers,
        ...(http.p95Ms !== undefined ? { p95Ms: round(http.p95Ms, 1), responseTimeThresholdMs: limitMs } : {}),
      },
      text: c.text,
    },
    recommendation: c.recommendation,
  }));
  for (const r of slowRoutes) {
    const p95 = wmean(r.p95)!;
    const primary = causes[0];
    findings.push({
      id: `bottleneck.route:${r.route}`,
      analyzer: 'bottleneck',
      severity: p95 > 2 * limitMs ? 'critical' : 'warning',
      route: r.route,
      title: `${r.route} is slow: p95 ${formatMs(p95)}`,
      evidence: {
        window,
        numbers: {
          p95Ms: round(p95, 1),
          ...(wmean(r.avg) !== undefined ? { avgMs: round(wmean(r.avg)!, 1) } : {}),
          requestRate: round(mean(r.rates), 2),
          ...(wmean(r.err) !== undefined ? { errorRate: round(wmean(r.err)!, 4) } : {}),
          thresholdMs: limitMs,
          likelyCause: primary?.cause ?? 'external',
        },
        text: `p95 ${formatMs(p95)} over the window (threshold ${formatMs(limitMs)}); likely cause: ${primary ? primary.title.toLowerCase() : 'network or external dependencies'}.`,
      },
      recommendation: primary?.recommendation ?? 'Time the outbound calls this route makes.',
    });
  }
  return findings;
}
