/**
 * Derived metrics from two successive scrapes: request rate, error rate, latency average and
 * percentiles (overall and per route), pool, cache and per-query figures. Rates use counter
 * increases with reset handling and percentiles use histogram_quantile's interpolation
 * (see quantile.ts), so the numbers agree with PromQL over the same interval.
 */
import type { CacheStats, HistogramDelta, HttpStats, PoolStats, QueryStats, RouteStats } from '../session/types';
import type { Concept, ResolvedMapping } from './presets';
import type { CounterDelta, IndexedScrape, LatencyAgg } from './derivedSeries';
import {
  METHOD_LABELS,
  ROUTE_LABELS,
  STATUS_LABELS,
  addLatency,
  defaultIsError,
  counterDeltas,
  dropUndefined,
  histogramDelta,
  histogramDeltas,
  label,
  summarize,
  toMsFactor,
} from './derivedSeries';
import { deriveCaches, derivePools, deriveProcess, deriveQueries } from './derivedResources';
import { DEFAULT_MAX_ROUTES, OTHER_ROUTES } from './cardinality';

export type { IndexedScrape } from './derivedSeries';
export { defaultIsError, seriesKey } from './derivedSeries';

export interface DerivedOptions {
  /** Which HTTP status values count as errors; default: 5xx (also "5xx" buckets and SERVER_ERROR). */
  isError?: (status: string) => boolean;
  /** Routes reported per round (default DEFAULT_MAX_ROUTES): the busiest; the rest are summed as OTHER_ROUTES. */
  maxRoutes?: number;
}

export interface DerivedMetrics {
  http?: HttpStats;
  pools?: PoolStats[];
  caches?: CacheStats[];
  queries?: QueryStats[];
  processCpuPercent?: number;
  processRssBytes?: number;
  heapUsedBytes?: number;
  histograms?: HistogramDelta[];
  intervalSeconds?: number;
  /** Distinct routes seen when there were more than maxRoutes (the rest were summed). */
  foldedRoutes?: number;
}

/** Routes beyond the busiest `maxRoutes`, by request count (then name, so the choice is stable). */
function routesToFold(routes: ReadonlyMap<string, { total: number }>, maxRoutes: number): Set<string> {
  if (routes.size <= maxRoutes) return new Set();
  const ranked = [...routes.entries()].sort(
    (a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  return new Set(ranked.slice(maxRoutes).map(([key]) => key));
}

function deriveHttp(
  prev: IndexedScrape,
  cur: IndexedScrape,
  r: ReadonlyMap<Concept, ResolvedMapping>,
  seconds: number,
  isError: (s: string) => boolean,
  histograms: HistogramDelta[],
  maxRoutes: number,
): (HttpStats & { foldedRoutes?: number }) | undefined {
  const reqMap = r.get('httpRequests')?.mapping;
  const durMap = r.get('httpDuration')?.mapping;
  if (!reqMap && !durMap) return undefined;
  // Requests from the counter, or from the duration histogram's _count when there is no counter.
  const reqDeltas: CounterDelta[] = reqMap
    ? counterDeltas(prev.index, cur.index, reqMap)
    : counterDeltas(prev.index, cur.index, { ...durMap!, metric: `${durMap!.metric}_count`, shape: 'counter' });
  const roles = (reqMap ?? durMap)!.labels;
  let total = 0;
  let errors = 0;
  const routes = new Map<string, { route: string; method?: string; total: number; errors: number }>();
  for (const d of reqDeltas) {
    const route = label(d.sample, roles?.route, ROUTE_LABELS) ?? '(all)';
    const method = label(d.sample, roles?.method, METHOD_LABELS);
    const status = label(d.sample, roles?.status, STATUS_LABELS);
    const err = status !== undefined && isError(status);
    total += d.increase;
    if (err) errors += d.increase;
    const key = `${method ?? ''} ${route}`;
    let rs = routes.get(key);
    if (!rs) routes.set(key, (rs = { route, method, total: 0, errors: 0 }));
    rs.total += d.increase;
    if (err) rs.errors += d.increase;
  }
  const overall: Map<string, LatencyAgg> = new Map();
  const byRouteMethod: Map<string, LatencyAgg> = new Map();
  const byRoute: Map<string, LatencyAgg> = new Map();
  const factor = durMap ? toMsFactor(durMap) : 1000;
  if (durMap) {
    for (const d of histogramDeltas(prev.index, cur.index, durMap)) {
      const fake = { name: '', labels: d.labels, value: 0 };
      const route = label(fake, durMap.labels?.route, ROUTE_LABELS) ?? '(all)';
      const method = label(fake, durMap.labels?.method, METHOD_LABELS);
      addLatency(overall, '', d);
      addLatency(byRouteMethod, `${method ?? ''} ${route}`, d);
      addLatency(byRoute, route, d);
    }
  }
  const all = summarize(overall.get(''), factor);
  const hd = histogramDelta('http.duration', {}, all, overall.get(''), factor);
  if (hd) histograms.push(hd);
  const routeStats: RouteStats[] = [];
  const routeOnlyShipped = new Set<string>();
  // Per-route figures are what a snapshot keeps: bounded, whatever the route label holds.
  const fold = routesToFold(routes, maxRoutes);
  const other = { route: OTHER_ROUTES, total: 0, errors: 0, aggs: new Set<LatencyAgg>() };
  for (const [key, rs] of routes) {
    if (fold.has(key)) {
      other.total += rs.total;
      other.errors += rs.errors;
      const agg = byRouteMethod.get(key) ?? byRoute.get(rs.route);
      if (agg) other.aggs.add(agg);
      continue;
    }
    const exact = byRouteMethod.get(key);
    const agg = exact ?? byRoute.get(rs.route);
    const lat = summarize(agg, factor);
    // Durations without a method label are per route: shipped once, labelled by route only.
    const labels: Record<string, string> =
      exact && rs.method ? { route: rs.route, method: rs.method } : { route: rs.route };
    const ship = exact !== undefined || !routeOnlyShipped.has(rs.route);
    if (!exact) routeOnlyShipped.add(rs.route);
    const rd = ship ? histogramDelta('http.route.duration', labels, lat, agg, factor) : undefined;
    if (rd) histograms.push(rd);
    routeStats.push(
      dropUndefined({
        route: rs.route,
        method: rs.method,
        requestRate: rs.total / seconds,
        errorRate: rs.total > 0 ? rs.errors / rs.total : 0,
        avgMs: lat.avgMs,
        p50Ms: lat.p50Ms,
        p95Ms: lat.p95Ms,
        p99Ms: lat.p99Ms,
      }),
    );
  }
  if (fold.size) {
    const agg: LatencyAgg = { sets: [], sum: 0, count: 0 };
    for (const a of other.aggs) {
      agg.sets.push(...a.sets);
      agg.sum += a.sum;
      agg.count += a.count;
    }
    const lat = summarize(agg.sets.length ? agg : undefined, factor);
    const od = histogramDelta('http.route.duration', { route: OTHER_ROUTES }, lat, agg, factor);
    if (od) histograms.push(od);
    routeStats.push(
      dropUndefined({
        route: OTHER_ROUTES,
        requestRate: other.total / seconds,
        errorRate: other.total > 0 ? other.errors / other.total : 0,
        avgMs: lat.avgMs,
        p50Ms: lat.p50Ms,
        p95Ms: lat.p95Ms,
        p99Ms: lat.p99Ms,
      }),
    );
  }
  routeStats.sort((a, b) => b.requestRate - a.requestRate || a.route.localeCompare(b.route));
  return dropUndefined({
    foldedRoutes: fold.size ? routes.size : undefined,
    requestRate: total / seconds,
    errorRate: total > 0 ? errors / total : 0,
    avgMs: all.avgMs,
    p50Ms: all.p50Ms,
    p95Ms: all.p95Ms,
    p99Ms: all.p99Ms,
    routes: routeStats,
  });
}

/** Sum of a gauge per pool/cache name (several series per name, e.g. redis db0/db1, add up). */
/**
 * Everything PerfLens derives from a scrape and its predecessor. Rates need two scrapes, so on the
 * first round only gauges (pool sizes, cache sizes, memory) are filled in.
 */
export function deriveMetrics(
  prev: IndexedScrape | undefined,
  cur: IndexedScrape,
  resolved: ReadonlyMap<Concept, ResolvedMapping>,
  opts: DerivedOptions = {},
): DerivedMetrics {
  const seconds = prev && cur.time > prev.time ? (cur.time - prev.time) / 1000 : undefined;
  const histograms: HistogramDelta[] = [];
  const out: DerivedMetrics = {};
  if (prev && seconds) {
    out.intervalSeconds = seconds;
    const http = deriveHttp(
      prev,
      cur,
      resolved,
      seconds,
      opts.isError ?? defaultIsError,
      histograms,
      opts.maxRoutes ?? DEFAULT_MAX_ROUTES,
    );
    if (http) {
      // Taken off without `delete`, which would leave the stats a slow dictionary.
      const { foldedRoutes, ...stats } = http;
      if (foldedRoutes !== undefined) out.foldedRoutes = foldedRoutes;
      out.http = stats;
    } else out.http = http;
    out.queries = deriveQueries(prev, cur, resolved, seconds, histograms);
  }
  out.pools = derivePools(prev, cur, resolved, seconds, histograms);
  out.caches = deriveCaches(prev, cur, resolved, seconds);
  Object.assign(out, deriveProcess(prev, cur, resolved, seconds));
  if (histograms.length) out.histograms = histograms;
  return dropUndefined(out);
}

/** Puts what a round derived onto its snapshot (only the parts it has). */
export function assignDerived(
  snapshot: Pick<DerivedMetrics, 'http' | 'pools' | 'caches' | 'queries' | 'histograms' | 'intervalSeconds'>,
  d: DerivedMetrics,
): void {
  if (d.http) snapshot.http = d.http;
  if (d.pools) snapshot.pools = d.pools;
  if (d.caches) snapshot.caches = d.caches;
  if (d.queries) snapshot.queries = d.queries;
  if (d.histograms) snapshot.histograms = d.histograms;
  if (d.intervalSeconds !== undefined) snapshot.intervalSeconds = d.intervalSeconds;
}
