/**
 * A mergeable latency distribution: counts in logarithmic buckets, each 2 % wide, so any quantile
 * is within 1 % of the exact value and two sketches (two minutes, two routes) add up bucket by
 * bucket. Its size grows with the spread of the values (a few hundred buckets from 1 µs to an
 * hour), never with their number.
 */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Durations below this (ms) all count as this. */
const MIN_MS = 0.001;

export class LatencySketch {
  readonly buckets = new Map<number, number>();
  count = 0;
  sum = 0;

  add(ms: number, times = 1): void {
    const v = Math.max(MIN_MS, Number.isFinite(ms) ? ms : MIN_MS);
    const i = Math.ceil(Math.log(v) / LOG_GAMMA);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + times);
    this.count += times;
    this.sum += ms * times;
  }

  merge(other: LatencySketch): void {
    for (const [i, c] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + c);
    this.count += other.count;
    this.sum += other.sum;
  }

  /** The q-quantile (0..1) in ms; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(i)!;
      if (seen >= rank) return (2 * GAMMA ** i) / (GAMMA + 1);
    }
    return undefined;
  }

  toJSON(): { b: [number, number][]; n: number; s: number } {
    return { b: [...this.buckets], n: this.count, s: this.sum };
  }

  static fromJSON(text: string): LatencySketch {
    const o = JSON.parse(text) as { b: [number, number][]; n: number; s: number };
    const k = new LatencySketch();
    for (const [i, c] of o.b) k.buckets.set(i, c);
    k.count = o.n;
    k.sum = o.s;
    return k;
  }
}
