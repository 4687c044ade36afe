/**
 * Metrics pushed over OTLP, turned into snapshots the way a scrape is: each export is indexed,
 * read through the same presets, and diffed against the previous export for rates and latency.
 * The first export gives gauges only (rates need two), exactly as a first scrape does.
 */
import { assignDerived, deriveMetrics } from '../metrics/derived';
import type { IndexedScrape } from '../metrics/derivedSeries';
import { describePresetMatches, detectPresets, indexSamples } from '../metrics/presets';
import type { MetricFamily } from '../metrics/types';
import type { Snapshot } from '../session/types';

export class OtlpMetricsFeed {
  private prev: IndexedScrape | undefined;
  /** Families of the latest export merged over the earlier ones (senders may split exports). */
  private readonly latest = new Map<string, MetricFamily>();

  constructor(private readonly targetId: string) {}

  /** One export received at `time` (epoch ms): the snapshot it gives. */
  push(families: readonly MetricFamily[], time: number): Snapshot {
    for (const f of families) this.latest.set(f.name, f);
    const cur: IndexedScrape = { time, index: indexSamples([...this.latest.values()]) };
    const resolved = detectPresets(cur.index);
    const d = deriveMetrics(this.prev, cur, resolved);
    this.prev = cur;
    const snapshot: Snapshot = { targetId: this.targetId, time, errors: [], presets: describePresetMatches(resolved) };
    assignDerived(snapshot, d);
    return snapshot;
  }
}
