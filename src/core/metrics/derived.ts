/**
 * Derived metrics from two successive scrapes: request rate, error rate, latency average and
 * percentiles (overall and per route), pool, cache and per-query figures. Rates use counter
 * increases with reset handling and percentiles use histogram_quantile's interpolation
 * (see quantile.ts), so the numbers agree with PromQL over the same interval.
 */
import type { CacheStats, HistogramDelta, HttpStats, PoolStats, QueryStats, RouteStats } from '../session/types';
import type { Bucket } from './quantile';
import { counterIncrease, histogramIncrease, histogramQuantile, mergeBuckets, parseLe } from './quantile';
import type { Concept, MetricMapping, ResolvedMapping, SampleIndex } from './presets';
import { samplesFor } from './presets';
import type { Sample } from './types';

/** One scrape, indexed, with the time it was taken (epoch ms). */
export interface IndexedScrape {
  time: number;
  index: SampleIndex;
}

export interface DerivedOptions {
  /** Which HTTP status values count as errors; default: 5xx (also "5xx" buckets and SERVER_ERROR). */
  isError?: (status: string) => boolean;
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
}

const ROUTE_LABELS = ['route', 'handler', 'uri', 'http_route', 'path', 'endpoint'];
const METHOD_LABELS = ['method', 'http_request_method'];
const STATUS_LABELS = ['status', 'status_code', 'code', 'http_response_status_code'];
const NAME_LABELS = ['pool', 'cache', 'name', 'db_name', 'db'];
const QUERY_LABELS = ['sql', 'query', 'statement'];

export function defaultIsError(status: string): boolean {
  return /^5/.test(status) || status === 'SERVER_ERROR';
}

function label(sm: Sample, preferred: string | undefined, fallbacks: readonly string[]): string | undefined {
  if (preferred && sm.labels[preferred] !== undefined) return sm.labels[preferred];
  for (const l of fallbacks) if (sm.labels[l] !== undefined) return sm.labels[l];
  return undefined;
}

/** Identity of a series: its labels except the ones named, in a stable order. */
export function seriesKey(labels: Record<string, string>, omit: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !omit.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

function toMsFactor(m: MetricMapping): number {
  const unit = m.unit ?? (/_(milliseconds|ms)(_|$)/.test(m.metric) ? 'milliseconds' : 'seconds');
  return unit === 'milliseconds' ? 1 : 1000;
}

interface CounterDelta {
  sample: Sample;
  increase: number;
}

/**
 * Increase of every series of a counter. A series missing from the previous scrape was created
 * since (its counter began at zero), so all of its current value is new.
 */
function counterDeltas(prev: SampleIndex, cur: SampleIndex, m: MetricMapping): CounterDelta[] {
  const before = new Map(samplesFor(prev, m).map((x) => [seriesKey(x.labels), x.value]));
  return samplesFor(cur, m).map((sample) => {
    const p = before.get(seriesKey(sample.labels));
    return { sample, increase: p === undefined ? sample.value : counterIncrease([p, sample.value]) };
  });
}

interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Bucket[];
  sum: number;
  count: number;
}

function histogramSeries(index: SampleIndex, m: MetricMapping): Map<string, HistogramSeries> {
  const out = new Map<string, HistogramSeries>();
  const get = (labels: Record<string, string>, omitLe: boolean) => {
    const key = seriesKey(labels, omitLe ? ['le'] : []);
    let hs = out.get(key);
    if (!hs) {
      const own = { ...labels };
      delete own.le;
      out.set(key, (hs = { labels: own, buckets: [], sum: NaN, count: NaN }));
    }
    return hs;
  };
  if (m.shape === 'histogram') {
    for (const b of samplesFor(index, m, '_bucket')) get(b.labels, true).buckets.push({ le: parseLe(b.labels.le), count: b.value });
  }
  for (const x of samplesFor(index, m, '_sum')) get(x.labels, false).sum = x.value;
  for (const x of samplesFor(index, m, '_count')) get(x.labels, false).count = x.value;
  return out;
}

type HistogramIncrease = HistogramSeries;

/** Per-series increase of a histogram or summary between scrapes (reset = the count went down). */
function histogramDeltas(prev: SampleIndex, cur: SampleIndex, m: MetricMapping): HistogramIncrease[] {
  const before = histogramSeries(prev, m);
  const out: HistogramIncrease[] = [];
  for (const [key, now] of histogramSeries(cur, m)) {
    const p = before.get(key);
    const reset = !p || now.count < p.count;
    out.push({
      labels: now.labels,
      buckets: reset ? now.buckets.map((b) => ({ ...b })) : histogramIncrease(p.buckets, now.buckets),
      sum: reset ? now.sum : now.sum - p.sum,
      count: reset ? now.count : now.count - p.count,
    });
  }
  return out;
}

interface LatencyAgg {
  sets: Bucket[][];
  sum: number;
  count: number;
}

function addLatency(map: Map<string, LatencyAgg>, key: string, d: HistogramIncrease): void {
  let a = map.get(key);
  if (!a) map.set(key, (a = { sets: [], sum: 0, count: 0 }));
  accumulate(a, d);
}

function accumulate(a: LatencyAgg, d: HistogramIncrease): void {
  if (d.buckets.length) a.sets.push(d.buckets);
  if (Number.isFinite(d.sum)) a.sum += d.sum;
  if (Number.isFinite(d.count)) a.count += d.count;
}

interface LatencySummary {
  avgMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  buckets: Bucket[];
}

function summarize(a: LatencyAgg | undefined, factor: number): LatencySummary {
  if (!a) return { buckets: [] };
  const buckets = a.sets.length ? mergeBuckets(a.sets) : [];
  const q = (x: number) => {
    const v = histogramQuantile(x, buckets);
    return Number.isFinite(v) ? v * factor : undefined;
  };
  return {
    avgMs: a.count > 0 ? (a.sum / a.count) * factor : undefined,
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    p99Ms: q(0.99),
    buckets: buckets.map((b) => ({ le: b.le * factor, count: b.count })),
  };
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function histogramDelta(series: string, labels: Record<string, string>, s: LatencySummary, a: LatencyAgg | undefined, factor: number): HistogramDelta | undefined {
  if (!a || s.buckets.length === 0) return undefined;
  return { series, labels, buckets: s.buckets, sumMs: a.sum * factor, count: a.count };
}

function deriveHttp(prev: IndexedScrape, cur: IndexedScrape, r: ReadonlyMap<Concept, ResolvedMapping>, seconds: number, isError: (s: string) => boolean, histograms: HistogramDelta[]): HttpStats | undefined {
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
  for (const [key, rs] of routes) {
    const exact = byRouteMethod.get(key);
    const agg = exact ?? byRoute.get(rs.route);
    const lat = summarize(agg, factor);
    // Durations without a method label are per route: shipped once, labelled by route only.
    const labels: Record<string, string> = exact && rs.method ? { route: rs.route, method: rs.method } : { route: rs.route };
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
  routeStats.sort((a, b) => b.requestRate - a.requestRate || a.route.localeCompare(b.route));
  return dropUndefined({
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
function gaugeByName(index: SampleIndex, m: MetricMapping | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!m) return out;
  for (const x of samplesFor(index, m)) {
    if (!Number.isFinite(x.value)) continue;
    const name = m.fixedName ?? label(x, m.labels?.name, NAME_LABELS) ?? '';
    out.set(name, (out.get(name) ?? 0) + x.value);
  }
  return out;
}

function increaseByName(prev: SampleIndex, cur: SampleIndex, m: MetricMapping | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!m) return out;
  for (const d of counterDeltas(prev, cur, m)) {
    const name = m.fixedName ?? label(d.sample, m.labels?.name, NAME_LABELS) ?? '';
    out.set(name, (out.get(name) ?? 0) + d.increase);
  }
  return out;
}

function latencyByName(prev: SampleIndex, cur: SampleIndex, m: MetricMapping | undefined): Map<string, LatencyAgg> {
  const out = new Map<string, LatencyAgg>();
  if (!m) return out;
  for (const d of histogramDeltas(prev, cur, m)) {
    const name = m.fixedName ?? label({ name: '', labels: d.labels, value: 0 }, m.labels?.name, NAME_LABELS) ?? '';
    addLatency(out, name, d);
  }
  return out;
}

function derivePools(prev: IndexedScrape | undefined, cur: IndexedScrape, r: ReadonlyMap<Concept, ResolvedMapping>, seconds: number | undefined, histograms: HistogramDelta[]): PoolStats[] | undefined {
  const m = (c: Concept) => r.get(c)?.mapping;
  const gauges = {
    size: gaugeByName(cur.index, m('poolSize')),
    max: gaugeByName(cur.index, m('poolMax')),
    active: gaugeByName(cur.index, m('poolActive')),
    idle: gaugeByName(cur.index, m('poolIdle')),
    pending: gaugeByName(cur.index, m('poolPending')),
  };
  const names = new Set<string>();
  for (const g of Object.values(gauges)) for (const n of g.keys()) names.add(n);
  const withRates = prev && seconds;
  const acquires = withRates ? increaseByName(prev.index, cur.index, m('poolAcquires')) : new Map<string, number>();
  const wait = withRates ? latencyByName(prev.index, cur.index, m('poolWait')) : new Map<string, LatencyAgg>();
  const hold = withRates ? latencyByName(prev.index, cur.index, m('poolHold')) : new Map<string, LatencyAgg>();
  const waitCount = withRates ? increaseByName(prev.index, cur.index, m('poolWaitCount')) : new Map<string, number>();
  const waitSeconds = withRates ? increaseByName(prev.index, cur.index, m('poolWaitSecondsTotal')) : new Map<string, number>();
  for (const mm of [acquires, wait, hold, waitCount]) for (const n of mm.keys()) names.add(n);
  if (names.size === 0) return undefined;
  const waitFactor = m('poolWait') ? toMsFactor(m('poolWait')!) : 1000;
  const holdFactor = m('poolHold') ? toMsFactor(m('poolHold')!) : 1000;
  return [...names].sort().map((name) => {
    const w = summarize(wait.get(name), waitFactor);
    const hd = histogramDelta('pool.wait', name ? { pool: name } : {}, w, wait.get(name), waitFactor);
    if (hd) histograms.push(hd);
    const wc = waitCount.get(name);
    const goAvg = wc !== undefined && wc > 0 ? ((waitSeconds.get(name) ?? 0) / wc) * 1000 : undefined;
    const acq = acquires.get(name);
    return dropUndefined({
      name: name || undefined,
      size: gauges.size.get(name),
      max: gauges.max.get(name),
      active: gauges.active.get(name),
      idle: gauges.idle.get(name),
      pending: gauges.pending.get(name),
      acquireRate: acq !== undefined && seconds ? acq / seconds : wc !== undefined && seconds ? wc / seconds : undefined,
      acquireWaitP95Ms: w.p95Ms,
      acquireWaitAvgMs: w.avgMs ?? goAvg,
      holdTimeMs: summarize(hold.get(name), holdFactor).avgMs,
    });
  });
}

function deriveCaches(prev: IndexedScrape | undefined, cur: IndexedScrape, r: ReadonlyMap<Concept, ResolvedMapping>, seconds: number | undefined): CacheStats[] | undefined {
  const m = (c: Concept) => r.get(c)?.mapping;
  const size = gaugeByName(cur.index, m('cacheSize'));
  const maxSize = gaugeByName(cur.index, m('cacheMaxSize'));
  const memory = gaugeByName(cur.index, m('cacheMemory'));
  const memoryLimit = gaugeByName(cur.index, m('cacheMemoryLimit'));
  const withRates = prev && seconds;
  const hits = withRates ? increaseByName(prev.index, cur.index, m('cacheHits')) : new Map<string, number>();
  const misses = withRates ? increaseByName(prev.index, cur.index, m('cacheMisses')) : new Map<string, number>();
  const evictions = withRates ? increaseByName(prev.index, cur.index, m('cacheEvictions')) : new Map<string, number>();
  const names = new Set<string>();
  for (const mm of [size, maxSize, memory, memoryLimit, hits, misses, evictions]) for (const n of mm.keys()) names.add(n);
  // A cache reported only by an unlabelled gauge while others are named is the same cache set; skip the blank.
  if (names.size > 1) names.delete('');
  if (names.size === 0) return undefined;
  return [...names].sort().map((name) => {
    const hi = hits.get(name);
    const mi = misses.get(name);
    const ev = evictions.get(name);
    const lookups = (hi ?? 0) + (mi ?? 0);
    return dropUndefined({
      name: name || undefined,
      hitRate: hi !== undefined && lookups > 0 ? hi / lookups : undefined,
      hitsPerSec: hi !== undefined && seconds ? hi / seconds : undefined,
      missesPerSec: mi !== undefined && seconds ? mi / seconds : undefined,
      evictionsPerSec: ev !== undefined && seconds ? ev / seconds : undefined,
      size: size.get(name) ?? (names.size === 1 ? size.get('') : undefined),
      maxSize: maxSize.get(name) ?? (names.size === 1 ? maxSize.get('') : undefined),
      memoryBytes: memory.get(name),
      memoryLimitBytes: memoryLimit.get(name),
    });
  });
}

function deriveQueries(prev: IndexedScrape, cur: IndexedScrape, r: ReadonlyMap<Concept, ResolvedMapping>, seconds: number, histograms: HistogramDelta[]): QueryStats[] | undefined {
  const m = r.get('queryDuration')?.mapping;
  if (!m) return undefined;
  const factor = toMsFactor(m);
  const byQuery = new Map<string, { statement?: string; agg: LatencyAgg }>();
  for (const d of histogramDeltas(prev.index, cur.index, m)) {
    const fake = { name: '', labels: d.labels, value: 0 };
    const query = label(fake, m.labels?.query, QUERY_LABELS) ?? '(all)';
    const statement = m.labels?.name ? d.labels[m.labels.name] : undefined;
    let e = byQuery.get(query);
    if (!e) byQuery.set(query, (e = { statement, agg: { sets: [], sum: 0, count: 0 } }));
    accumulate(e.agg, d);
  }
  const out: QueryStats[] = [];
  for (const [query, e] of byQuery) {
    const s = summarize(e.agg, factor);
    const hd = histogramDelta('query.duration', e.statement ? { statement: e.statement } : { query }, s, e.agg, factor);
    if (hd) histograms.push(hd);
    out.push(dropUndefined({ query, statement: e.statement, rate: e.agg.count / seconds, avgMs: s.avgMs, p95Ms: s.p95Ms }));
  }
  return out.sort((a, b) => b.rate - a.rate || a.query.localeCompare(b.query));
}

function deriveProcess(prev: IndexedScrape | undefined, cur: IndexedScrape, r: ReadonlyMap<Concept, ResolvedMapping>, seconds: number | undefined): Pick<DerivedMetrics, 'processCpuPercent' | 'processRssBytes' | 'heapUsedBytes'> {
  const out: Pick<DerivedMetrics, 'processCpuPercent' | 'processRssBytes' | 'heapUsedBytes'> = {};
  const cpu = r.get('processCpu')?.mapping;
  if (cpu?.shape === 'gauge') {
    const v = gaugeByName(cur.index, cpu).get('');
    if (v !== undefined) out.processCpuPercent = cpu.unit === 'ratio' ? v * 100 : v;
  } else if (cpu && prev && seconds) {
    const inc = [...increaseByName(prev.index, cur.index, cpu).values()].reduce((a, b) => a + b, 0);
    out.processCpuPercent = (inc / seconds) * 100;
  }
  const rss = r.get('processRss')?.mapping;
  if (rss) out.processRssBytes = [...gaugeByName(cur.index, rss).values()].reduce((a, b) => a + b, 0);
  const heap = r.get('heap')?.mapping;
  if (heap) out.heapUsedBytes = [...gaugeByName(cur.index, heap).values()].reduce((a, b) => a + b, 0);
  return out;
}

/**
 * Everything PerfLens derives from a scrape and its predecessor. Rates need two scrapes, so on the
 * first round only gauges (pool sizes, cache sizes, memory) are filled in.
 */
export function deriveMetrics(prev: IndexedScrape | undefined, cur: IndexedScrape, resolved: ReadonlyMap<Concept, ResolvedMapping>, opts: DerivedOptions = {}): DerivedMetrics {
  const seconds = prev && cur.time > prev.time ? (cur.time - prev.time) / 1000 : undefined;
  const histograms: HistogramDelta[] = [];
  const out: DerivedMetrics = {};
  if (prev && seconds) {
    out.intervalSeconds = seconds;
    out.http = deriveHttp(prev, cur, resolved, seconds, opts.isError ?? defaultIsError, histograms);
    out.queries = deriveQueries(prev, cur, resolved, seconds, histograms);
  }
  out.pools = derivePools(prev, cur, resolved, seconds, histograms);
  out.caches = deriveCaches(prev, cur, resolved, seconds);
  Object.assign(out, deriveProcess(prev, cur, resolved, seconds));
  if (histograms.length) out.histograms = histograms;
  return dropUndefined(out);
}
