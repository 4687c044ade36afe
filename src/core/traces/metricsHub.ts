/**
 * Where metrics received over OTLP become targets: each export is split by the sending service
 * (its resource's service.name, carried as the `job` label as Prometheus exporters do) and each
 * service's part goes through its own OtlpMetricsFeed, so every service gets the snapshots a
 * scrape of it would give, under the target id `otlp:<service.name>`. The editor and the CLI
 * each hold one hub and hand its snapshots to the same consumers as a scraped target's.
 */
import type { MetricFamily } from '../metrics/types';
import type { Snapshot } from '../session/types';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { Event } from '../util/lifecycle';
import { Emitter } from '../util/lifecycle';
import type { OtlpFeedLimits } from './metricsFeed';
import { OtlpMetricsFeed } from './metricsFeed';

export const OTLP_TARGET_PREFIX = 'otlp:';
/** Services given a target at once; a sender inventing service names gets no more. */
export const MAX_OTLP_SERVICES = 32;
/** What a service without service.name is called (the OpenTelemetry SDKs' own default starts so). */
export const UNKNOWN_SERVICE = 'unknown_service';
const MAX_SERVICE_NAME = 200;

export function otlpTargetId(service: string): string {
  return `${OTLP_TARGET_PREFIX}${service}`;
}

export interface OtlpServiceSnapshot {
  service: string;
  snapshot: Snapshot;
}

export interface OtlpMetricsHubOptions extends OtlpFeedLimits {
  clock?: Clock;
  maxServices?: number;
  /** Told once when a service is refused because MAX_OTLP_SERVICES are already fed. */
  onRefused?(message: string): void;
}

function serviceOf(labels: Record<string, string>): string {
  const name = labels.job?.trim() || UNKNOWN_SERVICE;
  return name.length > MAX_SERVICE_NAME ? `${name.slice(0, MAX_SERVICE_NAME)}…` : name;
}

export class OtlpMetricsHub {
  private readonly feeds = new Map<string, { feed: OtlpMetricsFeed; latest?: Snapshot }>();
  private readonly snapshots = new Emitter<OtlpServiceSnapshot>();
  private readonly added = new Emitter<string>();
  private refusedSaid = false;

  constructor(private readonly opts: OtlpMetricsHubOptions = {}) {}

  /** Every service's snapshots, one per export. */
  readonly onSnapshot: Event<OtlpServiceSnapshot> = this.snapshots.event;
  /** A service sent metrics for the first time (fired before its first snapshot). */
  readonly onService: Event<string> = this.added.event;

  /** One metrics export, as the receiver decoded it. */
  receive(families: readonly MetricFamily[]): void {
    const time = (this.opts.clock ?? systemClock).now();
    const byService = new Map<string, MetricFamily[]>();
    for (const f of families) {
      const parts = new Map<string, MetricFamily>();
      for (const s of f.samples) {
        const service = serviceOf(s.labels);
        let part = parts.get(service);
        if (!part) parts.set(service, (part = { ...f, samples: [] }));
        part.samples.push(s);
      }
      for (const [service, part] of parts) {
        let list = byService.get(service);
        if (!list) byService.set(service, (list = []));
        list.push(part);
      }
    }
    for (const [service, parts] of byService) {
      const entry = this.entry(service);
      if (!entry) continue;
      const snapshot = entry.feed.push(parts, time);
      entry.latest = snapshot;
      this.snapshots.fire({ service, snapshot });
    }
  }

  /** Services that have sent metrics, in the order they first did. */
  services(): string[] {
    return [...this.feeds.keys()];
  }

  /** A service's latest snapshot. */
  latest(service: string): Snapshot | undefined {
    return this.feeds.get(service)?.latest;
  }

  dispose(): void {
    this.snapshots.dispose();
    this.added.dispose();
  }

  private entry(service: string): { feed: OtlpMetricsFeed; latest?: Snapshot } | undefined {
    let entry = this.feeds.get(service);
    if (entry) return entry;
    const max = this.opts.maxServices ?? MAX_OTLP_SERVICES;
    if (this.feeds.size >= max) {
      if (!this.refusedSaid)
        this.opts.onRefused?.(
          `Metrics of the service "${service}" arrived over OTLP, but ${max} services already send metrics, the most PerfLens follows at once; its metrics are dropped. Send fewer services to this receiver (one per OTEL_SERVICE_NAME).`,
        );
      this.refusedSaid = true;
      return undefined;
    }
    entry = { feed: new OtlpMetricsFeed(otlpTargetId(service), this.opts) };
    this.feeds.set(service, entry);
    this.added.fire(service);
    return entry;
  }
}
