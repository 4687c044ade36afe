/**
 * The LiveMonitor's targets fed over OTLP: metrics a service pushes to the tracing receiver reach
 * the monitor through its OtlpMetricsHub, and each attached `otlp:<service>` target takes its
 * service's snapshots down the same path as an AttachSession's. Free of the editor API.
 */
import type { OtlpMetricsHub } from '../../core/traces/metricsHub';
import type { Snapshot } from '../../core/session/types';
import type { IDisposable } from '../../core/util/lifecycle';

/** Why an OTLP-fed target has nothing yet: its metrics only come while PerfLens's receiver runs. */
export function otlpWaiting(service: string): string {
  return `Waiting for metrics of ${service} over OTLP: they arrive while it runs under PerfLens: Start Service with Tracing… (or with its OTEL_EXPORTER_OTLP_ENDPOINT at PerfLens's receiver).`;
}

export class OtlpSessions {
  private readonly running = new Map<string, IDisposable>();

  constructor(
    readonly hub: OtlpMetricsHub,
    private readonly onSnapshot: (s: Snapshot) => void,
  ) {}

  /**
   * Follows `service` as the target `id`. A snapshot that arrived before the target was attached
   * (the first export of a service is what attaches it) is delivered at once, unless the target
   * already has it (a restart after a settings change): `seenUpTo` is the time of its latest.
   */
  start(id: string, service: string, seenUpTo = -Infinity): void {
    this.stop(id);
    const deliver = (s: Snapshot) => this.onSnapshot(s.targetId === id ? s : { ...s, targetId: id });
    this.running.set(
      id,
      this.hub.onSnapshot((e) => {
        if (e.service === service) deliver(e.snapshot);
      }),
    );
    const latest = this.hub.latest(service);
    if (latest && latest.time > seenUpTo) deliver(latest);
  }

  stop(id: string): void {
    this.running.get(id)?.dispose();
    this.running.delete(id);
  }

  dispose(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
    this.hub.dispose();
  }
}
