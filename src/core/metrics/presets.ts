/**
 * Preset detection: per concept, the mapping of the preset table (presetTable.ts) whose metric is
 * present in a scrape; the session reports the choice in `Snapshot.presets` so a user can see (and
 * override) the mapping. Also the sample index every derived metric reads.
 */
import type { MetricFamily, Sample } from './types';
import type { Concept, MetricMapping, MetricShape } from './presetTable';
import { CONCEPTS, PRESETS } from './presetTable';

export type { Concept, LabelRoles, MetricMapping, MetricShape, Preset } from './presetTable';
export { CACHE_CONCEPTS, CONCEPTS, POOL_CONCEPTS, PRESETS } from './presetTable';

/** Samples of one scrape by sample name, the lookup every derived metric uses. */
export type SampleIndex = Map<string, Sample[]>;

export function indexSamples(families: readonly MetricFamily[]): SampleIndex {
  const index: SampleIndex = new Map();
  for (const f of families) {
    for (const sm of f.samples) {
      let list = index.get(sm.name);
      if (!list) index.set(sm.name, (list = []));
      list.push(sm);
    }
  }
  return index;
}

function matches(sm: Sample, match: Record<string, string> | undefined): boolean {
  if (!match) return true;
  for (const [k, v] of Object.entries(match)) if (sm.labels[k] !== v) return false;
  return true;
}

/** The samples a mapping reads: counters under either spelling of `_total`; histograms by `_bucket`. */
export function samplesFor(index: SampleIndex, m: MetricMapping, suffix = ''): Sample[] {
  // Looked up without building a list of candidate names: this runs for every mapping of every
  // preset, every round.
  let list: Sample[] | undefined;
  if (m.shape === 'counter') {
    list = index.get(m.metric);
    if (!list || list.length === 0)
      list = index.get(m.metric.endsWith('_total') ? m.metric.slice(0, -'_total'.length) : m.metric + '_total');
  } else list = index.get(suffix ? m.metric + suffix : m.metric);
  if (!list || list.length === 0) return [];
  return m.match ? list.filter((x) => matches(x, m.match)) : list;
}

/** Whether a scrape has what `m` reads (with the route, method and status labels it names). */
export function isPresent(index: SampleIndex, m: MetricMapping): boolean {
  return isPresentAt(index, m, probeNames(m));
}

/**
 * The sample names isPresent looks `m` up by, in order (a counter's other spelling of `_total`
 * only when the first has no samples): a histogram by its buckets, a summary by its count.
 */
export function probeNames(m: MetricMapping): string[] {
  if (m.shape === 'counter')
    return [m.metric, m.metric.endsWith('_total') ? m.metric.slice(0, -'_total'.length) : m.metric + '_total'];
  return [m.metric + (m.shape === 'histogram' ? '_bucket' : m.shape === 'summary' ? '_count' : '')];
}

/** isPresent with `m`'s probeNames given (a detector works them out once, not every scrape). */
export function isPresentAt(index: SampleIndex, m: MetricMapping, names: readonly string[]): boolean {
  let list: Sample[] | undefined;
  for (const name of names) {
    list = index.get(name);
    if (list && list.length > 0) break;
  }
  if (!list || list.length === 0) return false;
  if (m.match) list = list.filter((x) => matches(x, m.match));
  if (list.length === 0) return false;
  const route = m.labels?.route;
  const method = m.labels?.method;
  const status = m.labels?.status;
  if (!route && !method && !status) return true;
  return list.some(
    (sm) => (!route || route in sm.labels) && (!method || method in sm.labels) && (!status || status in sm.labels),
  );
}

export interface ResolvedMapping {
  concept: Concept;
  mapping: MetricMapping;
  presetId: string;
  presetTitle: string;
}

/** User overrides, e.g. { httpRequests: 'api_calls_total' } or a full mapping. */
export type PresetOverrides = Partial<Record<Concept, string | MetricMapping>>;

const DEFAULT_SHAPE: Record<Concept, MetricShape> = {
  httpRequests: 'counter',
  httpDuration: 'histogram',
  poolSize: 'gauge',
  poolMax: 'gauge',
  poolActive: 'gauge',
  poolIdle: 'gauge',
  poolPending: 'gauge',
  poolWait: 'histogram',
  poolWaitCount: 'counter',
  poolWaitSecondsTotal: 'counter',
  poolHold: 'histogram',
  poolAcquires: 'counter',
  cacheHits: 'counter',
  cacheMisses: 'counter',
  cacheEvictions: 'counter',
  cacheSize: 'gauge',
  cacheMaxSize: 'gauge',
  cacheMemory: 'gauge',
  cacheMemoryLimit: 'gauge',
  queryDuration: 'histogram',
  processCpu: 'counter',
  processRss: 'gauge',
  heap: 'gauge',
};

/** The mappings an override stands for (a bare name for a duration may be a histogram or a summary). */
export function overrideMapping(concept: Concept, o: string | MetricMapping): MetricMapping[] {
  if (typeof o !== 'string') return [o];
  const shape = DEFAULT_SHAPE[concept];
  // A bare name for a duration may point at a histogram or a summary: accept either.
  return shape === 'histogram'
    ? [
        { metric: o, shape },
        { metric: o, shape: 'summary' },
      ]
    : [{ metric: o, shape }];
}

/**
 * Picks, for every concept, the mapping to read from this scrape: an override if it matches,
 * otherwise the present mapping of the preset with the most concepts present (table order breaks
 * ties), so a scrape that looks like Micrometer is read as Micrometer throughout.
 */
export function detectPresets(index: SampleIndex, overrides: PresetOverrides = {}): Map<Concept, ResolvedMapping> {
  return choosePresets((m) => isPresent(index, m), overrides);
}

/** detectPresets' choice from whether each mapping is present: nothing else about the scrape counts. */
export function choosePresets(
  isFound: (m: MetricMapping) => boolean,
  overrides: PresetOverrides = {},
): Map<Concept, ResolvedMapping> {
  const present = PRESETS.map((p) => {
    const found = new Map<Concept, MetricMapping>();
    for (const concept of CONCEPTS) {
      const m = p.mappings[concept]?.find(isFound);
      if (m) found.set(concept, m);
    }
    return { preset: p, found };
  });
  const ranked = [...present].sort((a, b) => b.found.size - a.found.size);
  const out = new Map<Concept, ResolvedMapping>();
  for (const concept of CONCEPTS) {
    const o = overrides[concept];
    if (o !== undefined) {
      const m = overrideMapping(concept, o).find(isFound);
      if (m) {
        out.set(concept, { concept, mapping: m, presetId: 'override', presetTitle: 'settings override' });
        continue;
      }
    }
    for (const r of ranked) {
      const m = r.found.get(concept);
      if (m) {
        out.set(concept, { concept, mapping: m, presetId: r.preset.id, presetTitle: r.preset.title });
        break;
      }
    }
  }
  return out;
}

/** The `Snapshot.presets` report: concept → "metric (preset id)". */
export function describePresetMatches(resolved: ReadonlyMap<Concept, ResolvedMapping>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [concept, r] of resolved) out[concept] = `${r.mapping.metric} (${r.presetId})`;
  return out;
}

/**
 * Every sample name some preset (or override) could read: all a session keeps of a scrape for the
 * next round's rates, whichever mapping detection picks then.
 */
export function readableSampleNames(overrides: PresetOverrides = {}): Set<string> {
  const names = new Set<string>();
  const add = (m: MetricMapping) => {
    const base = m.metric.endsWith('_total') ? m.metric.slice(0, -'_total'.length) : m.metric;
    for (const n of [base, `${base}_total`, `${base}_bucket`, `${base}_sum`, `${base}_count`, `${base}_count_total`])
      names.add(n);
  };
  for (const p of PRESETS) for (const list of Object.values(p.mappings)) for (const m of list ?? []) add(m);
  for (const [concept, o] of Object.entries(overrides) as [Concept, string | MetricMapping][])
    for (const m of overrideMapping(concept, o)) add(m);
  return names;
}

/** The part of an index that `names` covers (what the next round's rates need). */
export function retainSamples(index: SampleIndex, names: ReadonlySet<string>): SampleIndex {
  const out: SampleIndex = new Map();
  for (const [name, list] of index) if (names.has(name)) out.set(name, list);
  return out;
}
