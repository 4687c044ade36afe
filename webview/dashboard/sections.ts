/** Renders the dashboard's non-chart sections. Every service string is set with textContent. */
import { cell, el } from '../shared/dom';
import { formatAge, formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../src/shared/format';
import type {
  ActiveAlertRow,
  AlertHistoryRow,
  CheckRow,
  EndpointProbe,
  FindingView,
  RouteRow,
  SummaryView,
} from '../../src/shared/protocol/dashboard';

export type RouteSortKey = 'route' | 'requestRate' | 'errorRate' | 'p95Ms';
export interface RouteSort {
  key: RouteSortKey;
  descending: boolean;
}

export function renderSummary(container: HTMLElement, s: SummaryView): void {
  const tile = (label: string, value: string, note?: string) =>
    el(
      'div',
      { className: 'tile' },
      el('span', { className: 'tile-label', text: label }),
      el('span', { className: 'tile-value', text: value }),
      ...(note ? [el('span', { className: 'tile-note', text: note })] : []),
    );
  const latencyNote =
    s.latencySource === 'histograms' ? 'over the range' : s.latencySource === 'latest' ? 'last interval' : undefined;
  container.replaceChildren(
    tile('p50', formatMs(s.p50Ms), latencyNote),
    tile('p95', formatMs(s.p95Ms), latencyNote),
    tile('p99', formatMs(s.p99Ms), latencyNote),
    tile('Requests', formatRate(s.requestRate), 'now'),
    tile('Errors', formatShare(s.errorRate, 2), 'now'),
    tile('CPU', formatPercent(s.cpuPercent), 'now'),
    tile('Memory', formatBytes(s.rssBytes), 'RSS now'),
  );
}

export function sortRoutes(rows: RouteRow[], sort: RouteSort): RouteRow[] {
  const dir = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (sort.key === 'route') return dir * `${a.method ?? ''} ${a.route}`.localeCompare(`${b.method ?? ''} ${b.route}`);
    const av = a[sort.key] ?? -Infinity;
    const bv = b[sort.key] ?? -Infinity;
    return dir * (av - bv);
  });
}

export function renderRoutes(table: HTMLTableElement, empty: HTMLElement, rows: RouteRow[], sort: RouteSort): void {
  const body = table.tBodies[0]!;
  body.replaceChildren();
  for (const r of sortRoutes(rows, sort)) {
    const row = body.insertRow();
    row.dataset.route = r.route;
    cell(row, r.method ? `${r.method} ${r.route}` : r.route);
    cell(row, formatRate(r.requestRate), 'num');
    cell(row, formatShare(r.errorRate, 2), r.errorRate > 0 ? 'num bad' : 'num');
    cell(row, formatMs(r.p95Ms), 'num');
  }
  for (const th of Array.from(table.tHead!.querySelectorAll<HTMLElement>('th[data-sort]'))) {
    th.setAttribute(
      'aria-sort',
      th.dataset.sort === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none',
    );
  }
  empty.hidden = rows.length > 0;
}

export function renderChecks(list: HTMLElement, empty: HTMLElement, checks: CheckRow[]): void {
  list.replaceChildren(
    ...checks.map((c) => {
      const li = el(
        'li',
        { className: `check status-${c.status}` },
        el('span', { className: 'check-status', text: c.status }),
        el('span', { className: 'check-name', text: c.name }),
      );
      li.dataset.status = c.status;
      if (c.detail) li.appendChild(el('span', { className: 'check-detail', text: c.detail }));
      return li;
    }),
  );
  empty.hidden = checks.length > 0;
}

export function renderAlerts(
  list: HTMLElement,
  empty: HTMLElement,
  history: HTMLTableElement,
  active: ActiveAlertRow[],
  events: AlertHistoryRow[],
  now: number,
): void {
  list.replaceChildren(
    ...active.map((a) => {
      const li = el(
        'li',
        { className: `alert state-${a.state}` },
        el('span', { className: 'alert-state', text: a.state }),
        el('span', { className: 'alert-name', text: a.name }),
      );
      li.appendChild(
        el('span', {
          className: 'muted',
          text: ` since ${formatAge(a.activeAt, now)}${a.labels ? ` (${a.labels})` : ''}`,
        }),
      );
      return li;
    }),
  );
  empty.hidden = active.length > 0;
  const body = history.tBodies[0]!;
  body.replaceChildren();
  for (const e of events.slice(0, 50)) {
    const row = body.insertRow();
    cell(row, new Date(e.at).toLocaleString());
    cell(row, e.type, e.type === 'firing' ? 'bad' : 'ok');
    cell(row, e.name);
    cell(row, e.message);
  }
  history.hidden = events.length === 0;
}

export function renderFindings(container: HTMLElement, empty: HTMLElement, findings: FindingView[]): void {
  container.replaceChildren(
    ...findings.map((f) => {
      const numbers = el('dl', { className: 'numbers' });
      for (const [k, v] of f.numbers) numbers.append(el('dt', { text: k }), el('dd', { text: v }));
      const card = el(
        'article',
        { className: `finding severity-${f.severity}` },
        el('h3', {}, el('span', { className: 'severity', text: f.severity }), el('span', { text: f.title })),
        el('p', { className: 'evidence', text: f.evidence }),
        numbers,
        el(
          'p',
          { className: 'recommendation' },
          el('strong', { text: 'Recommendation: ' }),
          el('span', { text: f.recommendation }),
        ),
      );
      card.dataset.finding = f.id;
      return card;
    }),
  );
  empty.hidden = findings.length > 0;
}

export function renderEndpoint(body: HTMLTableSectionElement, e: EndpointProbe): void {
  const row = body.insertRow();
  row.dataset.endpoint = e.path;
  const usable = e.reachable && e.status !== undefined && e.status >= 200 && e.status < 300;
  row.dataset.reachable = String(e.reachable);
  row.dataset.usable = String(usable);
  cell(row, e.url);
  cell(row, usable ? 'reachable' : e.reachable ? 'answers with an error' : 'not reachable', usable ? 'ok' : 'bad');
  cell(row, e.status !== undefined ? String(e.status) : '—');
  cell(row, e.contentType ?? '—');
  cell(row, formatMs(e.latencyMs));
  cell(row, e.error ?? '');
}
