/**
 * Histogram increases as the history stores them: cumulative bucket counts (bounds in ms), sum
 * and count, JSON-encoded per row, and added together when rows are merged.
 */
import type { Bucket } from '../metrics/quantile';
import { mergeBuckets } from '../metrics/quantile';

export interface HistogramPart {
  buckets: Bucket[];
  sumMs: number;
  count: number;
}

/** Histogram parts as JSON: bounds as numbers except +Inf, which JSON cannot spell. */
export function encodeHistogram(h: HistogramPart): string {
  return JSON.stringify({
    b: h.buckets.map((b) => [b.le === Infinity ? 'Inf' : b.le, b.count]),
    s: h.sumMs,
    c: h.count,
  });
}

export function decodeHistogram(text: string): HistogramPart {
  const o = JSON.parse(text) as { b: [number | 'Inf', number][]; s: number; c: number };
  return { buckets: o.b.map(([le, count]) => ({ le: le === 'Inf' ? Infinity : le, count })), sumMs: o.s, count: o.c };
}

function sameBounds(a: readonly Bucket[], b: readonly Bucket[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.le !== b[i]!.le) return false;
  return true;
}

/**
 * Adds two histograms. The common case, the same bucket layout, adds counts position by position
 * into a copy; differing layouts (a service changed its buckets) go through mergeBuckets.
 */
export function mergeHistogram(a: HistogramPart | undefined, b: HistogramPart | undefined): HistogramPart | undefined {
  if (!a) return b;
  if (!b) return a;
  const buckets = sameBounds(a.buckets, b.buckets)
    ? a.buckets.map((x, i) => ({ le: x.le, count: x.count + b.buckets[i]!.count }))
    : mergeBuckets([a.buckets, b.buckets]);
  return { buckets, sumMs: a.sumMs + b.sumMs, count: a.count + b.count };
}

/** Labels as a stable JSON key (sorted names). */
export function labelsJson(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) sorted[k] = labels[k]!;
  return JSON.stringify(sorted);
}
