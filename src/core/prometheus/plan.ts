/**
 * PromQL for every number a Snapshot holds, built from the resolved presets so a server holding
 * Micrometer, Go or OpenTelemetry metrics is read with the same code as the demo service.
 * Rates and gauges are asked per instance (and per route, pool or cache) and summed here;
 * percentiles cannot be summed, so `histogram_quantile` is asked once per grouping.
 */
import type { Concept, MetricMapping, ResolvedMapping } from '../metrics/presets';
import { CACHE_CONCEPTS, POOL_CONCEPTS } from '../metrics/presets';
import { promDuration } from './client';
import { counterName } from './detect';
import type { LabelMatcher } from './selector';
import { renderSelector } from './selector';

export interface PlannedQuery {
  key: string;
  expr: string;
}

/** Groupings a percentile is asked for: per instance and route, per route, per instance, overall. */
export type Grouping = 'ir' | 'r' | 'i' | 'all';
export const GROUPINGS: readonly Grouping[] = ['ir', 'r', 'i', 'all'];
export const QUANTILES = [
  { q: 0.5, field: 'p50Ms' },
  { q: 0.95, field: 'p95Ms' },
  { q: 0.99, field: 'p99Ms' },
] as const;

export interface PlanContext {
  matchers: readonly LabelMatcher[];
  resolved: ReadonlyMap<Concept, ResolvedMapping>;
  /** Sample names present on the server (decides a counter's `_total` spelling). */
  names: ReadonlySet<string>;
  /** Range of rate() and increase() windows, ms. */
  windowMs: number;
}

/** Labels the HTTP numbers are broken down by: route, plus method when the exporter has it. */
export function routeLabels(ctx: Pick<PlanContext, 'resolved'>): string[] {
  // An override names a metric without its labels: take the roles from whichever mapping has them.
  const candidates = [ctx.resolved.get('httpRequests')?.mapping, ctx.resolved.get('httpDuration')?.mapping];
  const m = candidates.find((x) => x?.labels?.route) ?? candidates.find(Boolean);
  return [m?.labels?.route, m?.labels?.method].filter((l): l is string => Boolean(l));
}

export function by(labels: readonly string[]): string {
  return labels.length ? ` by (${labels.join(', ')})` : '';
}

/** Multiplier from the metric's unit to milliseconds (durations) or 1 (everything else). */
export function msScale(m: MetricMapping): number {
  if (m.unit === 'milliseconds' || /_(ms|milliseconds)(_|$)/.test(m.metric)) return 1;
  if (m.unit === 'seconds' || /_seconds(_|$)/.test(m.metric)) return 1000;
  return 1;
}

export class QueryPlanner {
  readonly queries: PlannedQuery[] = [];
  private readonly window: string;
  constructor(readonly ctx: PlanContext) {
    this.window = promDuration(ctx.windowMs);
  }

  mapping(concept: Concept): MetricMapping | undefined {
    return this.ctx.resolved.get(concept)?.mapping;
  }

  /** `metric{selector, preset match labels, extra}` */
  series(name: string, m: MetricMapping, extra: LabelMatcher[] = []): string {
    const match = Object.entries(m.match ?? {}).map(([k, v]): LabelMatcher => ({ name: k, op: '=', value: v }));
    return renderSelector([...this.ctx.matchers, ...match, ...extra], name);
  }

  add(key: string, expr: string): void {
    this.queries.push({ key, expr });
  }

  /** sum by (…)(rate(counter[W])) for a counter mapping, or for a histogram/summary's _count/_sum. */
  rate(key: string, m: MetricMapping, labels: readonly string[], suffix = '', extra: LabelMatcher[] = []): void {
    const name = m.shape === 'counter' && suffix === '' ? counterName(m, this.ctx.names) : m.metric + suffix;
    this.add(key, `sum${by(labels)} (rate(${this.series(name, m, extra)}[${this.window}]))`);
  }

  gauge(key: string, m: MetricMapping, labels: readonly string[]): void {
    this.add(key, `sum${by(labels)} (${this.series(m.metric, m)})`);
  }

  /** A percentile: histogram_quantile over bucket rates, or a summary's own quantile series. */
  quantile(key: string, m: MetricMapping, q: number, labels: readonly string[]): void {
    if (m.shape === 'summary') {
      // A summary's quantiles cannot be merged; across instances the worst one is the honest answer.
      this.add(
        key,
        `max${by(labels)} (${this.series(m.metric, m, [{ name: 'quantile', op: '=', value: String(q) }])})`,
      );
      return;
    }
    this.add(
      key,
      `histogram_quantile(${q}, sum${by(['le', ...labels])} (rate(${this.series(`${m.metric}_bucket`, m)}[${this.window}])))`,
    );
  }
}

/**
 * The label naming a pool or cache. Presets name it on some metrics only (a gauge may carry it
 * without the preset saying so), so every metric of the group is broken down by the same label;
 * a series without it comes back with an empty value and joins its instance's only pool or cache.
 */
export function ownerLabel(
  resolved: ReadonlyMap<Concept, ResolvedMapping>,
  concepts: readonly Concept[],
): string | undefined {
  for (const c of concepts) {
    const l = resolved.get(c)?.mapping.labels?.name;
    if (l) return l;
  }
  return undefined;
}

/** Every query one snapshot needs. Keys are read back by assemble.ts. */
export function buildQueryPlan(ctx: PlanContext): PlannedQuery[] {
  const p = new QueryPlanner(ctx);
  const poolLabel = ownerLabel(ctx.resolved, POOL_CONCEPTS);
  const cacheLabel = ownerLabel(ctx.resolved, CACHE_CONCEPTS);
  const poolBy = poolLabel ? ['instance', poolLabel] : ['instance'];
  const cacheBy = cacheLabel ? ['instance', cacheLabel] : ['instance'];
  p.add('up', `max by (instance, job) (${renderSelector(ctx.matchers, 'up')})`);

  const routes = routeLabels(ctx);
  const ir = ['instance', ...routes];
  const req = p.mapping('httpRequests');
  const dur = p.mapping('httpDuration');
  if (req) {
    p.rate('http.rate', req, ir);
    const status = req.labels?.status;
    if (status) p.rate('http.errors', req, ir, '', [{ name: status, op: '=~', value: '5..' }]);
  } else if (dur) {
    p.rate('http.rate', dur, ir, '_count');
  }
  if (dur) {
    p.rate('http.sum', dur, ir, '_sum');
    p.rate('http.count', dur, ir, '_count');
    const groups: Record<Grouping, string[]> = { ir, r: routes, i: ['instance'], all: [] };
    for (const g of GROUPINGS)
      for (const { q, field } of QUANTILES) p.quantile(`http.${field}.${g}`, dur, q, groups[g]);
  }

  for (const [key, concept] of [
    ['pool.size', 'poolSize'],
    ['pool.max', 'poolMax'],
    ['pool.active', 'poolActive'],
    ['pool.idle', 'poolIdle'],
    ['pool.pending', 'poolPending'],
  ] as const) {
    const m = p.mapping(concept);
    if (m) p.gauge(key, m, poolBy);
  }
  const acquires = p.mapping('poolAcquires');
  if (acquires) p.rate('pool.acquires', acquires, poolBy);
  const wait = p.mapping('poolWait');
  if (wait) {
    p.quantile('pool.waitP95', wait, 0.95, poolBy);
    p.rate('pool.waitSum', wait, poolBy, '_sum');
    p.rate('pool.waitCount', wait, poolBy, '_count');
  } else {
    const waitCount = p.mapping('poolWaitCount');
    const waitSeconds = p.mapping('poolWaitSecondsTotal');
    if (waitCount && waitSeconds) {
      p.rate('pool.waitCount', waitCount, poolBy);
      p.rate('pool.waitSum', waitSeconds, poolBy);
    }
  }
  const hold = p.mapping('poolHold');
  if (hold) {
    p.rate('pool.holdSum', hold, poolBy, '_sum');
    p.rate('pool.holdCount', hold, poolBy, '_count');
  }

  for (const [key, concept] of [
    ['cache.hits', 'cacheHits'],
    ['cache.misses', 'cacheMisses'],
    ['cache.evictions', 'cacheEvictions'],
  ] as const) {
    const m = p.mapping(concept);
    if (m) p.rate(key, m, cacheBy);
  }
  for (const [key, concept] of [
    ['cache.size', 'cacheSize'],
    ['cache.maxSize', 'cacheMaxSize'],
    ['cache.memory', 'cacheMemory'],
    ['cache.memoryLimit', 'cacheMemoryLimit'],
  ] as const) {
    const m = p.mapping(concept);
    if (m) p.gauge(key, m, cacheBy);
  }

  const qd = p.mapping('queryDuration');
  if (qd) {
    const ql = [qd.labels?.name, qd.labels?.query].filter((l): l is string => Boolean(l));
    if (ql.length) {
      p.rate('query.count', qd, ql, '_count');
      p.rate('query.sum', qd, ql, '_sum');
      p.quantile('query.p95Ms', qd, 0.95, ql);
    }
  }

  const cpu = p.mapping('processCpu');
  if (cpu) {
    if (cpu.shape === 'counter')
      p.add(
        'proc.cpu',
        `100 * sum by (instance) (rate(${p.series(counterName(cpu, ctx.names), cpu)}[${promDuration(ctx.windowMs)}]))`,
      );
    else p.add('proc.cpu', `100 * sum by (instance) (${p.series(cpu.metric, cpu)})`);
  }
  const rss = p.mapping('processRss');
  if (rss) p.gauge('proc.rss', rss, ['instance']);
  const heap = p.mapping('heap');
  if (heap) p.gauge('proc.heap', heap, ['instance']);
  return p.queries;
}
