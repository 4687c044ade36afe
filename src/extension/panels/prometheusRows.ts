/** The dashboard's rows for a Prometheus-server target: instances and the server's own alerts. */
import type { Snapshot } from '../../core/session/types';
import type { InstanceRow, ServerAlertRow } from '../../shared/protocol/dashboard';

/** Instances as the latest snapshot has them, down ones first, then by name. */
export function instanceRows(s: Snapshot | undefined): InstanceRow[] {
  return (s?.instances ?? [])
    .map((i) => ({
      instance: i.instance,
      up: i.up,
      requestRate: i.requestRate,
      errorRate: i.errorRate,
      p95Ms: i.p95Ms,
      cpuPercent: i.cpuPercent,
      rssBytes: i.rssBytes,
    }))
    .sort((a, b) => Number(a.up) - Number(b.up) || a.instance.localeCompare(b.instance));
}

/**
 * The service's CPU and memory: its own process numbers, or, read through a Prometheus server, the
 * sums over the instances that are up (undefined when no instance reports them).
 */
export function serviceTotals(s: Snapshot | undefined): { cpuPercent?: number; rssBytes?: number } {
  const up = (s?.instances ?? []).filter((i) => i.up);
  const sum = (pick: (i: (typeof up)[number]) => number | undefined) =>
    up.some((i) => pick(i) !== undefined) ? up.reduce((a, i) => a + (pick(i) ?? 0), 0) : undefined;
  return {
    cpuPercent: s?.process?.cpuPercent ?? sum((i) => i.cpuPercent),
    rssBytes: s?.process?.rssBytes ?? sum((i) => i.rssBytes),
  };
}

/** The server's alerts in the order the source ranked them (this service's first, firing before pending). */
export function serverAlertRows(s: Snapshot | undefined): ServerAlertRow[] {
  return (s?.serverAlerts ?? []).map((a) => ({
    name: a.name,
    state: a.state,
    labels: Object.entries(a.labels)
      .filter(([k]) => k !== 'alertname')
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    matchesTarget: a.matchesTarget,
    ...(a.activeAt !== undefined ? { activeAt: a.activeAt } : {}),
  }));
}
