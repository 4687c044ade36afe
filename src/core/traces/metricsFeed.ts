/**
 * Metrics pushed over OTLP, turned into snapshots the way a scrape is: each export is indexed,
 * read through the same presets, and diffed against the previous export for rates and latency.
 * The first export gives gauges only (rates need two), exactly as a first scrape does. The same
 * bounds as a scrape hold: at most `maxSeries` series are kept across exports (the exploded
 * families are cut, with a warning), and at most `maxRoutes` routes per snapshot.
 */
import { assignDerived, deriveMetrics } from '../metrics/derived';
import type { IndexedScrape } from '../metrics/derivedSeries';
import {
  DEFAULT_MAX_ROUTES,
  DEFAULT_MAX_SERIES,
  capSeries,
  describeCut,
  describeFoldedRoutes,
} from '../metrics/cardinality';
import { describePresetMatches, detectPresets, indexSamples } from '../metrics/presets';
import type { MetricFamily } from '../metrics/types';
import type { Snapshot } from '../session/types';

export interface OtlpFeedLimits {
  maxSeries?: number;
  maxRoutes?: number;
}

export class OtlpMetricsFeed {
  private prev: IndexedScrape | undefined;
  /** Families of the latest export merged over the earlier ones (senders may split exports). */
  private readonly latest = new Map<string, MetricFamily>();

  constructor(
    private readonly targetId: string,
    private readonly limits: OtlpFeedLimits = {},
  ) {}

  /** One export received at `time` (epoch ms): the snapshot it gives. */
  push(families: readonly MetricFamily[], time: number): Snapshot {
    const snapshot: Snapshot = { targetId: this.targetId, time, errors: [] };
    for (const f of families) this.latest.set(f.name, f);
    const maxSeries = this.limits.maxSeries ?? DEFAULT_MAX_SERIES;
    const capped = capSeries([...this.latest.values()], maxSeries);
    if (capped.cut) {
      // What is kept between exports is the capped set, so a sender inventing names stays bounded.
      this.latest.clear();
      for (const f of capped.families) if (f.samples.length) this.latest.set(f.name, f);
      snapshot.errors.push({
        source: 'scrape',
        kind: 'cardinality',
        message: describeCut(`The service ${this.targetId} (OTLP)`, capped.cut, maxSeries),
      });
    }
    const cur: IndexedScrape = { time, index: indexSamples([...this.latest.values()]) };
    const resolved = detectPresets(cur.index);
    const maxRoutes = this.limits.maxRoutes ?? DEFAULT_MAX_ROUTES;
    const d = deriveMetrics(this.prev, cur, resolved, { maxRoutes });
    if (d.foldedRoutes !== undefined)
      snapshot.errors.push({
        source: 'scrape',
        kind: 'routes',
        message: describeFoldedRoutes(d.foldedRoutes, maxRoutes),
      });
    this.prev = cur;
    snapshot.presets = describePresetMatches(resolved);
    assignDerived(snapshot, d);
    return snapshot;
  }
}
