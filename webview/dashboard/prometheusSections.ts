/**
 * The dashboard's parts for a target read through a Prometheus server: the per-instance table and
 * the server's own alerts. Instance names, alert names and labels come from the server: text only.
 */
import { cell, el } from '../shared/dom';
import { formatAge, formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../src/shared/format';
import type { InstanceRow, ServerAlertRow } from '../../src/shared/protocol/dashboard';

export function renderInstances(table: HTMLTableElement, empty: HTMLElement, rows: InstanceRow[]): void {
  const body = table.tBodies[0]!;
  body.replaceChildren();
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.instance = r.instance;
    row.dataset.up = String(r.up);
    cell(row, r.instance);
    cell(row, r.up ? 'up' : 'down', r.up ? 'ok' : 'bad');
    cell(row, formatRate(r.requestRate), 'num');
    cell(row, formatShare(r.errorRate, 2), r.errorRate !== undefined && r.errorRate > 0 ? 'num bad' : 'num');
    cell(row, formatMs(r.p95Ms), 'num');
    cell(row, formatPercent(r.cpuPercent), 'num');
    cell(row, formatBytes(r.rssBytes), 'num');
  }
  table.hidden = rows.length === 0;
  empty.hidden = rows.length > 0;
}

export function renderServerAlerts(list: HTMLElement, empty: HTMLElement, alerts: ServerAlertRow[], now: number): void {
  list.replaceChildren(
    ...alerts.map((a) => {
      const li = el(
        'li',
        { className: `alert state-${a.state}` },
        el('span', { className: 'alert-state', text: a.state }),
        el('span', { className: 'alert-name', text: a.name }),
      );
      li.dataset.alert = a.name;
      li.dataset.state = a.state;
      li.dataset.matchesTarget = String(a.matchesTarget);
      const since = a.activeAt !== undefined ? ` since ${formatAge(a.activeAt, now)}` : '';
      li.appendChild(
        el('span', {
          className: 'muted',
          text: `${since}${a.labels ? ` (${a.labels})` : ''}${a.matchesTarget ? '' : ' · another service'}`,
        }),
      );
      return li;
    }),
  );
  empty.hidden = alerts.length > 0;
}
