/**
 * Preset detection against a Prometheus server: the same table (src/core/metrics/presetTable.ts) the
 * scrape session uses, fed with the metric names and role labels the server holds for the
 * selector instead of with one scrape. One `group by` query answers it without reading samples.
 */
import type { Concept, MetricMapping, PresetOverrides, ResolvedMapping, SampleIndex } from '../metrics/presets';
import { PRESETS, detectPresets } from '../metrics/presets';
import type { Sample } from '../metrics/types';
import type { PrometheusClient, PrometheusResult } from './client';
import type { LabelMatcher } from './selector';
import { escapeRegex, renderSelector } from './selector';
import { ok } from '../util/result';

/** Every sample name a mapping can appear under on the server. */
export function candidateNames(m: MetricMapping): string[] {
  switch (m.shape) {
    case 'counter':
      return m.metric.endsWith('_total')
        ? [m.metric, m.metric.slice(0, -'_total'.length)]
        : [m.metric, `${m.metric}_total`];
    case 'histogram':
      return [`${m.metric}_bucket`, `${m.metric}_count`, `${m.metric}_sum`];
    case 'summary':
      return [m.metric, `${m.metric}_count`, `${m.metric}_sum`];
    case 'gauge':
      return [m.metric];
  }
}

function allMappings(overrides: PresetOverrides): MetricMapping[] {
  const out: MetricMapping[] = [];
  for (const p of PRESETS) for (const list of Object.values(p.mappings)) out.push(...(list ?? []));
  for (const o of Object.values(overrides)) {
    if (o === undefined) continue;
    if (typeof o === 'string')
      out.push(
        { metric: o, shape: 'counter' },
        { metric: o, shape: 'gauge' },
        { metric: o, shape: 'histogram' },
        { metric: o, shape: 'summary' },
      );
    else out.push(o);
  }
  return out;
}

/** The `group by` query that lists which candidate series exist and which role labels they carry. */
export function detectionQuery(matchers: readonly LabelMatcher[], overrides: PresetOverrides = {}): string {
  const mappings = allMappings(overrides);
  const names = [...new Set(mappings.flatMap(candidateNames))].sort();
  const labels = new Set<string>();
  for (const m of mappings) {
    for (const l of Object.values(m.labels ?? {})) if (l) labels.add(l);
    for (const l of Object.keys(m.match ?? {})) labels.add(l);
  }
  const nameMatcher: LabelMatcher = { name: '__name__', op: '=~', value: names.map(escapeRegex).join('|') };
  return `group by (__name__, ${[...labels].sort().join(', ')}) (${renderSelector([...matchers, nameMatcher])})`;
}

export interface ServerPresets {
  resolved: Map<Concept, ResolvedMapping>;
  /** Every sample name the selector has among the candidates (a counter's spelling, for one). */
  names: Set<string>;
}

/**
 * Asks the server which candidate metrics the selector's series have (looking back over the
 * query's lookback window, 5 minutes by default), then resolves presets exactly as a scrape would.
 */
export async function detectServerPresets(
  client: PrometheusClient,
  matchers: readonly LabelMatcher[],
  overrides: PresetOverrides = {},
  time?: number,
): Promise<PrometheusResult<ServerPresets>> {
  const r = await client.query(detectionQuery(matchers, overrides), time);
  if (!r.ok) return r;
  const index: SampleIndex = new Map();
  for (const s of r.value) {
    const { __name__: name, ...labels } = s.labels;
    if (!name) continue;
    let list = index.get(name);
    if (!list) index.set(name, (list = []));
    list.push({ name, labels, value: 1 } satisfies Sample);
  }
  return ok({ resolved: detectPresets(index, overrides), names: new Set(index.keys()) });
}

/** The sample name a counter mapping is stored under on this server (`_total` or not). */
export function counterName(m: MetricMapping, names: ReadonlySet<string>): string {
  return candidateNames(m).find((n) => names.has(n)) ?? m.metric;
}
