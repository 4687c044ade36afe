/**
 * Counter and histogram arithmetic done the way Prometheus does it, so numbers shown by PerfLens
 * match what a user's own PromQL (`rate()`, `histogram_quantile()`) would show for the same data.
 */

/** One cumulative histogram bucket: observations with value <= le. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * `histogram_quantile(q, …)` from Prometheus (promql/quantile.go, bucketQuantile): buckets sorted by
 * upper bound, counts forced monotonic, the rank q·total located in the first bucket whose count
 * reaches it, and the value interpolated linearly inside that bucket. The lowest bucket starts at
 * 0 unless its bound is <= 0; a rank landing in the +Inf bucket returns the highest finite bound.
 * Returns NaN when there are no observations, fewer than two buckets or no +Inf bucket.
 */
export function histogramQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q) || q < 0 || q > 1) return outOfRange(q);
  const ready = ranked(input);
  return ready ? quantileOf(q, ready) : NaN;
}

/** histogramQuantile of each of `qs` over the same buckets, which are sorted and checked once. */
export function histogramQuantiles(qs: readonly number[], input: readonly Bucket[]): number[] {
  const out: number[] = [];
  let ready: RankedBuckets | undefined;
  let checked = false;
  for (const q of qs) {
    if (Number.isNaN(q) || q < 0 || q > 1) {
      out.push(outOfRange(q));
      continue;
    }
    if (!checked) {
      ready = ranked(input);
      checked = true;
    }
    out.push(ready ? quantileOf(q, ready) : NaN);
  }
  return out;
}

function outOfRange(q: number): number {
  return Number.isNaN(q) ? NaN : q < 0 ? -Infinity : Infinity;
}

/** Buckets ready for quantileOf: sorted by bound, counts forced monotonic. */
interface RankedBuckets {
  buckets: readonly Bucket[];
  counts: number[];
}

/** Undefined where every quantile is NaN: fewer than two buckets, no +Inf bucket or no observations. */
function ranked(input: readonly Bucket[]): RankedBuckets | undefined {
  const buckets = input.filter((b) => !Number.isNaN(b.le));
  // Exposition writes buckets in order: sorting what is already sorted would change nothing.
  let sorted = true;
  for (let i = 1; i < buckets.length && sorted; i++) sorted = buckets[i - 1]!.le <= buckets[i]!.le;
  if (!sorted) buckets.sort((a, b) => a.le - b.le);
  if (buckets.length < 2) return undefined;
  if (buckets[buckets.length - 1]!.le !== Infinity) return undefined;
  // Prometheus tolerates small non-monotonic glitches (scrapes that race with observations).
  let max = -Infinity;
  const counts: number[] = [];
  for (const b of buckets) counts.push((max = Math.max(max, b.count)));
  const observations = counts[counts.length - 1]!;
  if (!(observations > 0)) return undefined;
  return { buckets, counts };
}

function quantileOf(q: number, { buckets, counts }: RankedBuckets): number {
  const observations = counts[counts.length - 1]!;
  let rank = q * observations;
  let b = 0;
  while (b < counts.length && !(counts[b]! >= rank)) b++;
  if (b === counts.length) b = counts.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.le;
  let count = counts[b]!;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.le;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * How much a counter grew between successive samples, treating any decrease as a reset (the
 * process restarted and the counter began again from zero), as Prometheus's `increase()` does
 * before extrapolation.
 */
export function counterIncrease(values: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) {
    const prev = values[i - 1]!;
    const cur = values[i]!;
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

/** Per-second rate between two samples of one counter, with reset handling; undefined if dt <= 0. */
export function counterRate(prev: number, cur: number, seconds: number): number | undefined {
  if (!(seconds > 0)) return undefined;
  return counterIncrease([prev, cur]) / seconds;
}

/**
 * Per-bucket increase of a histogram between two scrapes. If the total count went down the whole
 * histogram restarted, so the current buckets are the increase (per-bucket reset detection alone
 * could mix pre- and post-restart counts and break monotonicity).
 */
export function histogramIncrease(prev: readonly Bucket[] | undefined, cur: readonly Bucket[]): Bucket[] {
  if (!prev || prev.length === 0) return cur.map((b) => ({ ...b }));
  const total = (bs: readonly Bucket[]) => bs.reduce((m, b) => (b.le === Infinity ? b.count : m), NaN);
  const prevTotal = total(prev);
  const curTotal = total(cur);
  if (curTotal < prevTotal) return cur.map((b) => ({ ...b }));
  if (sameSortedBounds([prev, cur])) {
    // The same bounds as last time (the rule): bucket i follows bucket i.
    return cur.map((b, i) => {
      const p = prev[i]!.count;
      return { le: b.le, count: b.count < p ? b.count : b.count - p };
    });
  }
  const prevByLe = new Map(prev.map((b) => [b.le, b.count]));
  return cur.map((b) => {
    const p = prevByLe.get(b.le);
    if (p === undefined || b.count < p) return { le: b.le, count: b.count };
    return { le: b.le, count: b.count - p };
  });
}

/**
 * Adds cumulative bucket counts of several histograms. Layouts may differ (a service changed its
 * buckets, or two routes were instrumented differently): every histogram contributes, at each
 * bound of the union, its cumulative count at its own largest bound not above it.
 */
export function mergeBuckets(sets: readonly (readonly Bucket[])[]): Bucket[] {
  if (sameSortedBounds(sets)) {
    // Series of one histogram share its bounds: the counts add up bound by bound.
    const first = sets[0]!;
    const out = first.map((b) => ({ le: b.le, count: 0 }));
    for (const set of sets) for (let i = 0; i < set.length; i++) out[i]!.count += set[i]!.count;
    return out;
  }
  const bounds = [...new Set(sets.flatMap((s) => s.map((b) => b.le)))].sort((a, b) => a - b);
  const sums = new Array<number>(bounds.length).fill(0);
  for (const set of sets) {
    const sorted = [...set].sort((a, b) => a.le - b.le);
    let j = -1;
    for (let i = 0; i < bounds.length; i++) {
      while (j + 1 < sorted.length && sorted[j + 1]!.le <= bounds[i]!) j++;
      if (j >= 0) sums[i]! += sorted[j]!.count;
    }
  }
  return bounds.map((le, i) => ({ le, count: sums[i]! }));
}

/** Whether every set has the first set's bounds, in the same ascending order. */
function sameSortedBounds(sets: readonly (readonly Bucket[])[]): boolean {
  const first = sets[0];
  if (!first) return false;
  for (let i = 1; i < first.length; i++) if (!(first[i - 1]!.le < first[i]!.le)) return false;
  for (const set of sets) {
    if (set.length !== first.length) return false;
    for (let i = 0; i < set.length; i++) if (set[i]!.le !== first[i]!.le) return false;
  }
  return true;
}

/** Parses a bucket bound as written in the `le` label ("0.5", "+Inf", "1e-3"). */
export function parseLe(text: string | undefined): number {
  if (text === undefined) return NaN;
  const t = text.trim();
  if (t === '+Inf' || t === 'Inf' || t === '+inf' || t === 'inf') return Infinity;
  if (t === '-Inf' || t === '-inf') return -Infinity;
  return t === '' ? NaN : Number(t);
}
