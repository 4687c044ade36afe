/** The dashboard's rows for a Prometheus-server target: instances and the server's own alerts. */
import type { Snapshot } from '../../core/session/types';
import type { InstanceRow, ServerAlertRow } from '../../../webview/dashboard/protocol';

/** Instances as the latest snapshot has them, down ones first, then by name. */
export function instanceRows(s: Snapshot | undefined): InstanceRow[] {
  return (s?.instances ?? [])
    .map((i) => ({ instance: i.instance, up: i.up, requestRate: i.requestRate, errorRate: i.errorRate, p95Ms: i.p95Ms, cpuPercent: i.cpuPercent, rssBytes: i.rssBytes }))
    .sort((a, b) => Number(a.up) - Number(b.up) || a.instance.localeCompare(b.instance));
}

/** The server's alerts in the order the source ranked them (this service's first, firing before pending). */
export function serverAlertRows(s: Snapshot | undefined): ServerAlertRow[] {
  return (s?.serverAlerts ?? []).map((a) => ({
    name: a.name,
    state: a.state,
    labels: Object.entries(a.labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(', '),
    matchesTarget: a.matchesTarget,
    ...(a.activeAt !== undefined ? { activeAt: a.activeAt } : {}),
  }));
}
