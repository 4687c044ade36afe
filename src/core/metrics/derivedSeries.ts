/**
 * Series-level arithmetic shared by the derived metrics: which label carries what, counter and
 * histogram increases between two scrapes (series created in between start from zero; a count
 * that goes down is a restart), latency aggregation and summaries in milliseconds.
 */
import type { HistogramDelta } from '../session/types';
import type { Bucket } from './quantile';
import { counterIncrease, histogramIncrease, histogramQuantiles, mergeBuckets, parseLe } from './quantile';
import type { MetricMapping, SampleIndex } from './presets';
import { samplesFor } from './presets';
import type { Sample } from './types';

/** One scrape, indexed, with the time it was taken (epoch ms). */
export interface IndexedScrape {
  time: number;
  index: SampleIndex;
}

export const ROUTE_LABELS = ['route', 'handler', 'uri', 'http_route', 'path', 'endpoint'];
export const METHOD_LABELS = ['method', 'http_request_method', 'http_method'];
export const STATUS_LABELS = ['status', 'status_code', 'code', 'http_response_status_code', 'http_status_code'];
export const NAME_LABELS = ['pool', 'cache', 'name', 'db_name', 'db'];
export const QUERY_LABELS = ['sql', 'query', 'statement'];

export function defaultIsError(status: string): boolean {
  return /^5/.test(status) || status === 'SERVER_ERROR';
}

export function label(sm: Sample, preferred: string | undefined, fallbacks: readonly string[]): string | undefined {
  if (preferred && sm.labels[preferred] !== undefined) return sm.labels[preferred];
  for (const l of fallbacks) if (sm.labels[l] !== undefined) return sm.labels[l];
  return undefined;
}

/**
 * Identity of a series: its labels except the ones named, in a stable order. Each value carries its
 * length, so no value can spell another series' key. Exposition writes a series' labels in the same
 * order every scrape, usually sorted: the sort runs only when they are not.
 */
export function seriesKey(labels: Record<string, string>, omit: readonly string[] = []): string {
  let keys = Object.keys(labels);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys = keys.slice().sort();
      break;
    }
  }
  let out = '';
  for (const k of keys) {
    if (omit.length > 0 && omit.includes(k)) continue;
    const v = labels[k]!;
    out += `${k}=${v.length}:${v},`;
  }
  return out;
}

export function toMsFactor(m: MetricMapping): number {
  const unit = m.unit ?? (/_(milliseconds|ms)(_|$)/.test(m.metric) ? 'milliseconds' : 'seconds');
  return unit === 'milliseconds' ? 1 : 1000;
}

export interface CounterDelta {
  sample: Sample;
  increase: number;
}

/**
 * Increase of every series of a counter. A series missing from the previous scrape was created
 * since (its counter began at zero), so all of its current value is new.
 */
export function counterDeltas(prev: SampleIndex, cur: SampleIndex, m: MetricMapping): CounterDelta[] {
  const before = new Map<string, number>();
  for (const x of samplesFor(prev, m)) before.set(seriesKey(x.labels), x.value);
  const out: CounterDelta[] = [];
  for (const sample of samplesFor(cur, m)) {
    const p = before.get(seriesKey(sample.labels));
    out.push({ sample, increase: p === undefined ? sample.value : counterIncrease([p, sample.value]) });
  }
  return out;
}

export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Bucket[];
  sum: number;
  count: number;
}

/** Whether two label sets are the same apart from `le`. */
function sameSeriesBesidesLe(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in b) {
    if (k === 'le') continue;
    if (a[k] !== b[k]) return false;
    n++;
  }
  let m = 0;
  for (const k in a) if (k !== 'le') m++;
  return n === m;
}

const OMIT_LE: readonly string[] = ['le'];
const NO_OMIT: readonly string[] = [];

/** The series of `labels` in `out`, added if new. */
function seriesIn(out: Map<string, HistogramSeries>, labels: Record<string, string>, omitLe: boolean): HistogramSeries {
  const key = seriesKey(labels, omitLe ? OMIT_LE : NO_OMIT);
  let hs = out.get(key);
  if (!hs) {
    // Copied without `le` rather than copied and deleted from: a deleted property turns the copy
    // into a slow dictionary for everything that reads its labels later.
    const own: Record<string, string> = {};
    for (const k in labels) if (k !== 'le') own[k] = labels[k]!;
    out.set(key, (hs = { labels: own, buckets: [], sum: NaN, count: NaN }));
  }
  return hs;
}

export function histogramSeries(index: SampleIndex, m: MetricMapping): Map<string, HistogramSeries> {
  const out = new Map<string, HistogramSeries>();
  if (m.shape === 'histogram') {
    // A series' buckets are written one after another: the next bucket usually belongs to the
    // series of the last, which a label comparison tells without building and hashing its key.
    let lastLabels: Record<string, string> | undefined;
    let last: HistogramSeries | undefined;
    for (const b of samplesFor(index, m, '_bucket')) {
      if (!last || !sameSeriesBesidesLe(lastLabels!, b.labels)) last = seriesIn(out, b.labels, true);
      lastLabels = b.labels;
      last.buckets.push({ le: parseLe(b.labels.le), count: b.value });
    }
  }
  for (const x of samplesFor(index, m, '_sum')) seriesIn(out, x.labels, false).sum = x.value;
  for (const x of samplesFor(index, m, '_count')) seriesIn(out, x.labels, false).count = x.value;
  return out;
}

export type HistogramIncrease = HistogramSeries;

/** Per-series increase of a histogram or summary between scrapes (reset = the count went down). */
export function histogramDeltas(prev: SampleIndex, cur: SampleIndex, m: MetricMapping): HistogramIncrease[] {
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

export interface LatencyAgg {
  sets: Bucket[][];
  sum: number;
  count: number;
}

export function addLatency(map: Map<string, LatencyAgg>, key: string, d: HistogramIncrease): void {
  let a = map.get(key);
  if (!a) map.set(key, (a = { sets: [], sum: 0, count: 0 }));
  accumulate(a, d);
}

export function accumulate(a: LatencyAgg, d: HistogramIncrease): void {
  if (d.buckets.length) a.sets.push(d.buckets);
  if (Number.isFinite(d.sum)) a.sum += d.sum;
  if (Number.isFinite(d.count)) a.count += d.count;
}

export interface LatencySummary {
  avgMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  buckets: Bucket[];
}

const SUMMARY_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];

function scaled(v: number | undefined, factor: number): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v * factor : undefined;
}

export function summarize(a: LatencyAgg | undefined, factor: number): LatencySummary {
  if (!a) return { buckets: [] };
  const buckets = a.sets.length ? mergeBuckets(a.sets) : [];
  const [p50, p95, p99] = histogramQuantiles(SUMMARY_QUANTILES, buckets);
  const out: Bucket[] = [];
  for (const b of buckets) out.push({ le: b.le * factor, count: b.count });
  return {
    avgMs: a.count > 0 ? (a.sum / a.count) * factor : undefined,
    p50Ms: scaled(p50, factor),
    p95Ms: scaled(p95, factor),
    p99Ms: scaled(p99, factor),
    buckets: out,
  };
}

/**
 * `o` without its undefined fields, in the same key order. A new object: deleting the fields would
 * turn `o` into a slow dictionary for everything that reads or copies it later.
 */
export function dropUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function histogramDelta(
  series: string,
  labels: Record<string, string>,
  s: LatencySummary,
  a: LatencyAgg | undefined,
  factor: number,
): HistogramDelta | undefined {
  if (!a || s.buckets.length === 0) return undefined;
  return { series, labels, buckets: s.buckets, sumMs: a.sum * factor, count: a.count };
}

export function gaugeByName(index: SampleIndex, m: MetricMapping | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!m) return out;
  for (const x of samplesFor(index, m)) {
    if (!Number.isFinite(x.value)) continue;
    const name = m.fixedName ?? label(x, m.labels?.name, NAME_LABELS) ?? '';
    out.set(name, (out.get(name) ?? 0) + x.value);
  }
  return out;
}

export function increaseByName(prev: SampleIndex, cur: SampleIndex, m: MetricMapping | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!m) return out;
  for (const d of counterDeltas(prev, cur, m)) {
    const name = m.fixedName ?? label(d.sample, m.labels?.name, NAME_LABELS) ?? '';
    out.set(name, (out.get(name) ?? 0) + d.increase);
  }
  return out;
}

export function latencyByName(
  prev: SampleIndex,
  cur: SampleIndex,
  m: MetricMapping | undefined,
): Map<string, LatencyAgg> {
  const out = new Map<string, LatencyAgg>();
  if (!m) return out;
  for (const d of histogramDeltas(prev, cur, m)) {
    const name = m.fixedName ?? label({ name: '', labels: d.labels, value: 0 }, m.labels?.name, NAME_LABELS) ?? '';
    addLatency(out, name, d);
  }
  return out;
}
