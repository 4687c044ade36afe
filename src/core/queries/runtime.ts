import type { MetricFamily } from '../metrics/types';
import type { QueryStats } from '../session/types';
import { PRESETS } from '../metrics/presets';
import { histogramQuantile } from '../metrics/quantile';
import { sqlMatchKey } from './placeholders';
import type { RuntimeEvidence } from './types';

/** Per-statement timings exposed by a service, looked up by statement text. */
export interface RuntimeIndex {
  lookup(sql: string): RuntimeEvidence | undefined;
  /** Number of distinct statements with timings. */
  size: number;
}

interface Source {
  metric: string;
  sqlLabel: string;
  unitMs: number;
}

/** Histograms (or summaries) that carry the statement text in a label, from the exporter presets. */
function querySources(): Source[] {
  const seen = new Map<string, Source>();
  for (const preset of PRESETS) {
    for (const m of preset.mappings.queryDuration ?? []) {
      const label = m.labels?.query;
      if (!label || seen.has(`${m.metric}|${label}`)) continue;
      const unitMs = m.unit === 'milliseconds' || /_(ms|milliseconds)$/.test(m.metric) ? 1 : 1000;
      seen.set(`${m.metric}|${label}`, { metric: m.metric, sqlLabel: label, unitMs });
    }
  }
  if (seen.size === 0)
    seen.set('db_query_duration_seconds|sql', { metric: 'db_query_duration_seconds', sqlLabel: 'sql', unitMs: 1000 });
  return [...seen.values()];
}

/**
 * Joins a scrape's per-statement timing families to statement text: the demo service's
 * `db_query_duration_seconds{statement,sql}` and the other presets that label timings with the
 * SQL. Count and average come from `_count`/`_sum`; p95 from the buckets (histogram_quantile) or
 * the 0.95 quantile of a summary.
 */
export function runtimeFromFamilies(families: readonly MetricFamily[]): RuntimeIndex {
  const byKey = new Map<string, RuntimeEvidence>();
  for (const source of querySources()) {
    const family = families.find((f) => f.name === source.metric);
    if (!family) continue;
    const series = new Map<
      string,
      {
        labels: Record<string, string>;
        count?: number;
        sum?: number;
        buckets: { le: number; count: number }[];
        p95?: number;
      }
    >();
    for (const s of family.samples) {
      const sql = s.labels[source.sqlLabel];
      if (sql === undefined) continue;
      const { le, quantile, ...rest } = s.labels;
      const id = JSON.stringify(Object.entries(rest).sort());
      let entry = series.get(id);
      if (!entry) series.set(id, (entry = { labels: rest, buckets: [] }));
      if (s.name.endsWith('_bucket') && le !== undefined)
        entry.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: s.value });
      else if (s.name.endsWith('_count')) entry.count = s.value;
      else if (s.name.endsWith('_sum')) entry.sum = s.value;
      else if (quantile !== undefined && Number(quantile) === 0.95) entry.p95 = s.value;
    }
    // The same statement under several label sets (per route, per pool) adds up to one total.
    const merged = new Map<
      string,
      {
        count: number;
        sum: number;
        buckets: Map<number, number>;
        p95?: number;
        labels: Record<string, string>;
        busiest: number;
      }
    >();
    for (const entry of series.values()) {
      const count = entry.count ?? entry.buckets.find((b) => b.le === Infinity)?.count;
      if (count === undefined || entry.sum === undefined) continue;
      const { [source.sqlLabel]: sql, ...others } = entry.labels;
      const key = sqlMatchKey(sql!);
      let m = merged.get(key);
      if (!m) merged.set(key, (m = { count: 0, sum: 0, buckets: new Map(), labels: others, busiest: -1 }));
      m.count += count;
      m.sum += entry.sum;
      for (const b of entry.buckets) m.buckets.set(b.le, (m.buckets.get(b.le) ?? 0) + b.count);
      if (count > m.busiest) {
        m.busiest = count;
        m.labels = others;
        if (entry.p95 !== undefined) m.p95 = entry.p95;
      }
    }
    for (const [key, m] of merged) {
      const buckets = [...m.buckets].map(([le, count]) => ({ le, count }));
      const p95 = m.p95 ?? (buckets.length ? histogramQuantile(0.95, buckets) : NaN);
      const evidence: RuntimeEvidence = {
        metric: source.metric,
        count: m.count,
        avgMs: m.count > 0 ? round((m.sum / m.count) * source.unitMs) : 0,
        labels: m.labels,
      };
      if (Number.isFinite(p95)) evidence.p95Ms = round(p95 * source.unitMs);
      if (!byKey.has(key)) byKey.set(key, evidence);
    }
  }
  return { lookup: (sql) => byKey.get(sqlMatchKey(sql)), size: byKey.size };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * The same join over a live session's latest snapshot (per-statement rate, average and p95 over
 * the last collection interval), so the editor can show how the statement behaves right now.
 */
export function runtimeFromQueryStats(stats: readonly QueryStats[]): RuntimeIndex {
  const byKey = new Map<string, RuntimeEvidence>();
  for (const q of stats) {
    if (q.avgMs === undefined || !Number.isFinite(q.avgMs)) continue;
    const key = sqlMatchKey(q.query);
    const prev = byKey.get(key);
    if (prev && (prev.ratePerSec ?? 0) >= q.rate) continue;
    const evidence: RuntimeEvidence = {
      metric: 'session',
      ratePerSec: q.rate,
      avgMs: round(q.avgMs),
      labels: q.statement ? { statement: q.statement } : {},
    };
    if (q.p95Ms !== undefined && Number.isFinite(q.p95Ms)) evidence.p95Ms = round(q.p95Ms);
    byKey.set(key, evidence);
  }
  return { lookup: (sql) => byKey.get(sqlMatchKey(sql)), size: byKey.size };
}
