/**
 * Turns the answers to one query plan (plan.ts), all evaluated at one time, into a Snapshot with a
 * per-instance breakdown. Used for instant queries and, point by point, for range queries.
 */
import type { Concept, ResolvedMapping } from '../metrics/presets';
import { describePresetMatches } from '../metrics/presets';
import type {
  CacheStats,
  HealthSnapshot,
  HttpStats,
  InstanceStats,
  LatencyStats,
  PoolStats,
  QueryStats,
  RouteStats,
  Snapshot,
} from '../session/types';
import type { VectorSample } from './client';
import type { Grouping } from './plan';
import { CACHE_CONCEPTS, POOL_CONCEPTS } from '../metrics/presets';
import { QUANTILES, msScale, ownerLabel, routeLabels } from './plan';

export type QueryAnswers = ReadonlyMap<string, readonly VectorSample[]>;

export interface AssembleContext {
  targetId: string;
  time: number;
  windowMs: number;
  resolved: ReadonlyMap<Concept, ResolvedMapping>;
}

function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** The values of `names` in `labels`, joined by NUL (no label value contains it). */
function joinLabels(labels: Record<string, string>, names: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) out += (i ? '\u0000' : '') + (labels[names[i]!] ?? '');
  return out;
}

/** keyed() results per answer set: a lookup per row must not rebuild the map (quadratic time). */
const keyedCache = new WeakMap<QueryAnswers, Map<string, Map<string, VectorSample>>>();

/** Series of one answer keyed by the values of `labels`, joined by a separator no label value has. */
function keyed(answers: QueryAnswers, key: string, labels: readonly string[]): Map<string, VectorSample> {
  let perAnswers = keyedCache.get(answers);
  if (!perAnswers) keyedCache.set(answers, (perAnswers = new Map()));
  const cacheKey = `${key}\u0000${labels.join(',')}`;
  let out = perAnswers.get(cacheKey);
  if (out) return out;
  out = new Map<string, VectorSample>();
  for (const s of answers.get(key) ?? []) out.set(joinLabels(s.labels, labels), s);
  perAnswers.set(cacheKey, out);
  return out;
}

function value(answers: QueryAnswers, key: string, labels: readonly string[], k: string): number | undefined {
  return finite(keyed(answers, key, labels).get(k)?.value);
}

/** Values summed per key (e.g. per instance). */
function sumBy(answers: QueryAnswers, key: string, keep: (s: VectorSample) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of answers.get(key) ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const k = keep(s);
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

interface RouteAgg {
  route: string;
  method?: string;
  rate: number;
  errors: number;
  sum: number;
  count: number;
  hasCount: boolean;
}

const SEP = '\u0000';

/**
 * HTTP numbers from the instance×route answers, aggregated in one pass into per-instance route rows,
 * across-instance route rows and per-instance totals (a service may have hundreds of series, and a
 * history assembles one snapshot per point).
 */
class HttpAssembler {
  readonly routes: string[];
  readonly scale: number;
  private readonly byInstance = new Map<string, Map<string, RouteAgg>>();
  private readonly acrossInstances = new Map<string, RouteAgg>();

  constructor(
    private readonly answers: QueryAnswers,
    ctx: AssembleContext,
  ) {
    this.routes = routeLabels(ctx);
    const dur = ctx.resolved.get('httpDuration')?.mapping;
    this.scale = dur ? msScale(dur) : 1000;
    const [routeLabel, methodLabel] = this.routes;
    const add = (key: string, field: 'rate' | 'errors' | 'sum' | 'count') => {
      for (const s of answers.get(key) ?? []) {
        const routeKey = joinLabels(s.labels, this.routes);
        const instance = s.labels.instance ?? '';
        let rows = this.byInstance.get(instance);
        if (!rows) this.byInstance.set(instance, (rows = new Map()));
        // Only the request-rate answer creates rows; the others add to rows that exist.
        for (const [map, k] of [
          [rows, routeKey],
          [this.acrossInstances, routeKey],
        ] as const) {
          let agg = map.get(k);
          if (!agg) {
            if (field !== 'rate') continue;
            agg = {
              route: routeLabel ? (s.labels[routeLabel] ?? '') : '(all)',
              rate: 0,
              errors: 0,
              sum: 0,
              count: 0,
              hasCount: false,
            };
            if (methodLabel && s.labels[methodLabel]) agg.method = s.labels[methodLabel];
            map.set(k, agg);
          }
          if (field === 'count') agg.hasCount = true;
          if (Number.isFinite(s.value)) agg[field] += s.value;
        }
      }
    };
    add('http.rate', 'rate');
    add('http.errors', 'errors');
    add('http.sum', 'sum');
    add('http.count', 'count');
  }

  private latency(grouping: Grouping, k: string, sum: number | undefined, count: number | undefined): LatencyStats {
    const labels = { ir: ['instance', ...this.routes], r: this.routes, i: ['instance'], all: [] }[grouping];
    const out: LatencyStats = {};
    if (sum !== undefined && count !== undefined && count > 0) out.avgMs = (sum / count) * this.scale;
    for (const { field } of QUANTILES) {
      const v = value(this.answers, `http.${field}.${grouping}`, labels, k);
      if (v !== undefined) out[field] = v * this.scale;
    }
    return out;
  }

  private rows(aggs: Map<string, RouteAgg>, instance: string | undefined): RouteStats[] {
    const out: RouteStats[] = [];
    for (const [routeKey, a] of aggs) {
      const k = instance === undefined ? routeKey : `${instance}${SEP}${routeKey}`;
      out.push({
        route: a.route,
        ...(a.method ? { method: a.method } : {}),
        requestRate: a.rate,
        errorRate: a.rate > 0 ? a.errors / a.rate : 0,
        ...this.latency(
          instance === undefined ? 'r' : 'ir',
          k,
          a.hasCount ? a.sum : undefined,
          a.hasCount ? a.count : undefined,
        ),
      });
    }
    return out.sort((a, b) => b.requestRate - a.requestRate || a.route.localeCompare(b.route));
  }

  /** Route rows for one instance, or across all instances. */
  routeStats(instance?: string): RouteStats[] {
    if (instance === undefined) return this.rows(this.acrossInstances, undefined);
    return this.rows(this.byInstance.get(instance) ?? new Map(), instance);
  }

  totals(instance?: string): { requestRate: number; errorRate: number } & LatencyStats {
    const aggs =
      instance === undefined ? this.acrossInstances : (this.byInstance.get(instance) ?? new Map<string, RouteAgg>());
    let rate = 0;
    let errors = 0;
    let sum = 0;
    let count = 0;
    let hasCount = false;
    for (const a of aggs.values()) {
      rate += a.rate;
      errors += a.errors;
      sum += a.sum;
      count += a.count;
      hasCount ||= a.hasCount;
    }
    return {
      requestRate: rate,
      errorRate: rate > 0 ? errors / rate : 0,
      ...this.latency(
        instance === undefined ? 'all' : 'i',
        instance ?? '',
        hasCount ? sum : undefined,
        hasCount ? count : undefined,
      ),
    };
  }
}

function instanceList(answers: QueryAnswers): { instance: string; job?: string; up: boolean }[] {
  const seen = new Map<string, { instance: string; job?: string; up: boolean }>();
  for (const s of answers.get('up') ?? []) {
    const instance = s.labels.instance ?? '';
    seen.set(instance, { instance, ...(s.labels.job ? { job: s.labels.job } : {}), up: s.value === 1 });
  }
  // An instance with traffic but no `up` series in this answer still counts as present.
  for (const s of answers.get('http.rate') ?? []) {
    const instance = s.labels.instance ?? '';
    if (!seen.has(instance)) seen.set(instance, { instance, up: true });
  }
  return [...seen.values()].sort((a, b) => a.instance.localeCompare(b.instance));
}

function health(instances: { instance: string; up: boolean }[]): HealthSnapshot {
  const down = instances.filter((i) => !i.up);
  const reasons = down.map(
    (i) => `Instance ${i.instance} is down: the Prometheus server's last scrape of it failed (up == 0).`,
  );
  const state =
    instances.length === 0
      ? 'unknown'
      : down.length === 0
        ? 'healthy'
        : down.length === instances.length
          ? 'down'
          : 'degraded';
  return { state, reasons, checks: instances.map((i) => ({ name: i.instance, status: i.up ? 'healthy' : 'down' })) };
}

/** `name @ instance`, so each instance's pool or cache is judged on its own. */
function ownerName(name: string | undefined, instance: string): string {
  return name ? `${name} @ ${instance}` : instance;
}

function pools(answers: QueryAnswers, ctx: AssembleContext): PoolStats[] {
  const m = (c: Concept) => ctx.resolved.get(c)?.mapping;
  const nameLabel = ownerLabel(ctx.resolved, POOL_CONCEPTS);
  const labels = nameLabel ? ['instance', nameLabel] : ['instance'];
  const keys = new Map<string, VectorSample['labels']>();
  for (const key of ['pool.size', 'pool.max', 'pool.active', 'pool.idle', 'pool.pending', 'pool.acquires']) {
    for (const s of answers.get(key) ?? []) keys.set(joinLabels(s.labels, labels), s.labels);
  }
  const waitScale = msScale(m('poolWait') ?? m('poolWaitSecondsTotal') ?? { metric: '_seconds', shape: 'counter' });
  const holdScale = msScale(m('poolHold') ?? { metric: '_seconds', shape: 'counter' });
  const out: PoolStats[] = [];
  for (const [k, l] of keys) {
    const v = (key: string) => value(answers, key, labels, k);
    const ratio = (sum: string, count: string, scale: number) => {
      const n = v(count);
      const s = v(sum);
      return n !== undefined && s !== undefined && n > 0 ? (s / n) * scale : undefined;
    };
    const entries: Partial<PoolStats> = {
      size: v('pool.size'),
      max: v('pool.max'),
      active: v('pool.active'),
      idle: v('pool.idle'),
      pending: v('pool.pending'),
      acquireRate: v('pool.acquires') ?? v('pool.waitCount'),
      acquireWaitP95Ms: ((x) => (x === undefined ? undefined : x * waitScale))(v('pool.waitP95')),
      acquireWaitAvgMs: ratio('pool.waitSum', 'pool.waitCount', waitScale),
      holdTimeMs: ratio('pool.holdSum', 'pool.holdCount', holdScale),
    };
    const pool: PoolStats = { name: ownerName(nameLabel ? l[nameLabel] : undefined, l.instance ?? '') };
    for (const [f, x] of Object.entries(entries)) if (x !== undefined) (pool as Record<string, unknown>)[f] = x;
    out.push(pool);
  }
  return out.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

function caches(answers: QueryAnswers, ctx: AssembleContext): CacheStats[] {
  const mapping = (c: Concept) => ctx.resolved.get(c)?.mapping;
  const byCache = new Map<string, CacheStats & { instance: string; cache: string }>();
  const entry = (instance: string, cache: string) => {
    const k = `${instance}\u0000${cache}`;
    let e = byCache.get(k);
    if (!e) byCache.set(k, (e = { instance, cache, name: ownerName(cache, instance) }));
    return e;
  };
  const fields: [string, Concept, keyof CacheStats][] = [
    ['cache.hits', 'cacheHits', 'hitsPerSec'],
    ['cache.misses', 'cacheMisses', 'missesPerSec'],
    ['cache.evictions', 'cacheEvictions', 'evictionsPerSec'],
    ['cache.size', 'cacheSize', 'size'],
    ['cache.maxSize', 'cacheMaxSize', 'maxSize'],
    ['cache.memory', 'cacheMemory', 'memoryBytes'],
    ['cache.memoryLimit', 'cacheMemoryLimit', 'memoryLimitBytes'],
  ];
  const nameLabel = ownerLabel(ctx.resolved, CACHE_CONCEPTS);
  // Named series first, so a series without the name label can join the instance's only cache.
  const named = (key: string) => (answers.get(key) ?? []).some((s) => nameLabel !== undefined && s.labels[nameLabel]);
  const ordered = [...fields].sort((a, b) => Number(!named(a[0])) - Number(!named(b[0])));
  for (const [key, concept, field] of ordered) {
    const m = mapping(concept);
    for (const s of answers.get(key) ?? []) {
      if (!Number.isFinite(s.value)) continue;
      const instance = s.labels.instance ?? '';
      let cache = (nameLabel ? s.labels[nameLabel] : undefined) || (m?.fixedName ?? '');
      if (!cache) {
        const known = [...byCache.values()].filter((c) => c.instance === instance);
        if (known.length === 1) cache = known[0]!.cache;
      }
      (entry(instance, cache) as unknown as Record<string, number>)[field] = s.value;
    }
  }
  return [...byCache.values()]
    .map(({ instance: _i, cache: _c, ...c }) => {
      const lookups = (c.hitsPerSec ?? 0) + (c.missesPerSec ?? 0);
      return c.hitsPerSec !== undefined && c.missesPerSec !== undefined && lookups > 0
        ? { ...c, hitRate: c.hitsPerSec / lookups }
        : c;
    })
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

function queries(answers: QueryAnswers, ctx: AssembleContext): QueryStats[] {
  const m = ctx.resolved.get('queryDuration')?.mapping;
  if (!m) return [];
  const labels = [m.labels?.name, m.labels?.query].filter((l): l is string => Boolean(l));
  const scale = msScale(m);
  const out: QueryStats[] = [];
  for (const s of answers.get('query.count') ?? []) {
    const k = joinLabels(s.labels, labels);
    const rate = finite(s.value) ?? 0;
    const sum = value(answers, 'query.sum', labels, k);
    const p95 = value(answers, 'query.p95Ms', labels, k);
    const statement = m.labels?.name ? s.labels[m.labels.name] : undefined;
    out.push({
      query: (m.labels?.query ? s.labels[m.labels.query] : undefined) ?? statement ?? '',
      ...(statement ? { statement } : {}),
      rate,
      ...(sum !== undefined && rate > 0 ? { avgMs: (sum / rate) * scale } : {}),
      ...(p95 !== undefined ? { p95Ms: p95 * scale } : {}),
    });
  }
  return out.sort((a, b) => b.rate - a.rate);
}

export function assembleSnapshot(answers: QueryAnswers, ctx: AssembleContext): Snapshot {
  const http = new HttpAssembler(answers, ctx);
  const list = instanceList(answers);
  const hasHttp = answers.has('http.rate');
  const perInstance = (key: string) => sumBy(answers, key, (s) => s.labels.instance ?? '');
  const cpu = perInstance('proc.cpu');
  const rss = perInstance('proc.rss');
  const heap = perInstance('proc.heap');
  const instances: InstanceStats[] = list.map((i) => {
    const row: InstanceStats = { ...i };
    if (hasHttp) Object.assign(row, http.totals(i.instance), { routes: http.routeStats(i.instance) });
    if (cpu.has(i.instance)) row.cpuPercent = cpu.get(i.instance);
    if (rss.has(i.instance)) row.rssBytes = rss.get(i.instance);
    if (heap.has(i.instance)) row.heapUsedBytes = heap.get(i.instance);
    return row;
  });
  const snap: Snapshot = {
    targetId: ctx.targetId,
    time: ctx.time,
    health: health(list),
    intervalSeconds: ctx.windowMs / 1000,
    presets: describePresetMatches(ctx.resolved),
    instances,
    errors: [],
  };
  if (hasHttp) {
    const httpStats: HttpStats = { ...http.totals(), routes: http.routeStats() };
    snap.http = httpStats;
  }
  const p = pools(answers, ctx);
  if (p.length) snap.pools = p;
  const c = caches(answers, ctx);
  if (c.length) snap.caches = c;
  const q = queries(answers, ctx);
  if (q.length) snap.queries = q;
  return snap;
}
