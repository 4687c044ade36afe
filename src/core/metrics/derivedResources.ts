/**
 * Derived figures for connection pools, caches, per-query timings and the process, from the
 * mappings the presets resolved (see derived.ts for HTTP and the entry point).
 */
import type { CacheStats, HistogramDelta, PoolStats, QueryStats } from '../session/types';
import type { Concept, ResolvedMapping } from './presets';
import type { DerivedMetrics } from './derived';
import type { IndexedScrape, LatencyAgg } from './derivedSeries';
import {
  QUERY_LABELS,
  accumulate,
  dropUndefined,
  gaugeByName,
  histogramDelta,
  histogramDeltas,
  increaseByName,
  label,
  latencyByName,
  summarize,
  toMsFactor,
} from './derivedSeries';

export function derivePools(
  prev: IndexedScrape | undefined,
  cur: IndexedScrape,
  r: ReadonlyMap<Concept, ResolvedMapping>,
  seconds: number | undefined,
  histograms: HistogramDelta[],
): PoolStats[] | undefined {
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
  const waitSeconds = withRates
    ? increaseByName(prev.index, cur.index, m('poolWaitSecondsTotal'))
    : new Map<string, number>();
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
      acquireRate:
        acq !== undefined && seconds ? acq / seconds : wc !== undefined && seconds ? wc / seconds : undefined,
      acquireWaitP95Ms: w.p95Ms,
      acquireWaitAvgMs: w.avgMs ?? goAvg,
      holdTimeMs: summarize(hold.get(name), holdFactor).avgMs,
    });
  });
}

export function deriveCaches(
  prev: IndexedScrape | undefined,
  cur: IndexedScrape,
  r: ReadonlyMap<Concept, ResolvedMapping>,
  seconds: number | undefined,
): CacheStats[] | undefined {
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
  for (const mm of [size, maxSize, memory, memoryLimit, hits, misses, evictions])
    for (const n of mm.keys()) names.add(n);
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

export function deriveQueries(
  prev: IndexedScrape,
  cur: IndexedScrape,
  r: ReadonlyMap<Concept, ResolvedMapping>,
  seconds: number,
  histograms: HistogramDelta[],
): QueryStats[] | undefined {
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
    out.push(
      dropUndefined({ query, statement: e.statement, rate: e.agg.count / seconds, avgMs: s.avgMs, p95Ms: s.p95Ms }),
    );
  }
  return out.sort((a, b) => b.rate - a.rate || a.query.localeCompare(b.query));
}

export function deriveProcess(
  prev: IndexedScrape | undefined,
  cur: IndexedScrape,
  r: ReadonlyMap<Concept, ResolvedMapping>,
  seconds: number | undefined,
): Pick<DerivedMetrics, 'processCpuPercent' | 'processRssBytes' | 'heapUsedBytes'> {
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
