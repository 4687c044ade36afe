/**
 * The dashboard's DOM, built by the page into the root the host's HTML shell provides. Every
 * element the page script updates is returned from here, where it is created: nothing is looked up
 * again by id. Only our own fixed words go in here; service data is set later with textContent.
 */
import type { ChartId, RangeId } from '../../src/shared/protocol/dashboard';
import { RANGES } from '../../src/shared/protocol/dashboard';
import { el, table, th } from '../shared/dom';
import type { RouteSortKey } from './sections';

const CHARTS: [ChartId, string][] = [
  ['latency', 'Latency p50 / p95 / p99'],
  ['throughput', 'Requests per second'],
  ['errors', 'Error rate'],
  ['cpu', 'CPU'],
  ['memory', 'Memory'],
  ['pool', 'Pool utilisation'],
  ['poolWait', 'Pool acquire wait'],
  ['cache', 'Cache hit rate'],
];

/** One chart's figure: the canvas Chart.js draws on, and the note shown when the range has no data. */
export interface ChartFigure {
  id: ChartId | 'forecast';
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
}

export interface DashboardPage {
  root: HTMLElement;
  targetSelect: HTMLSelectElement;
  level: HTMLElement;
  rangeButtons: { range: RangeId; button: HTMLButtonElement }[];
  attach: HTMLButtonElement;
  reprobe: HTMLButtonElement;
  exportReport: HTMLButtonElement;
  detach: HTMLButtonElement;
  targetEmpty: HTMLElement;
  reasons: HTMLUListElement;
  summary: HTMLElement;
  instancesSection: HTMLElement;
  instances: HTMLTableElement;
  instancesEmpty: HTMLElement;
  /** The eight metric charts, with their "no data" notes. */
  charts: (ChartFigure & { id: ChartId; empty: HTMLElement })[];
  forecast: ChartFigure & { text: HTMLElement };
  routes: HTMLTableElement;
  /** The routes table's sortable columns: the header cell and its button. */
  routeSorts: { key: RouteSortKey; header: HTMLTableCellElement; button: HTMLButtonElement }[];
  routesEmpty: HTMLElement;
  checks: HTMLUListElement;
  checksEmpty: HTMLElement;
  activeAlerts: HTMLUListElement;
  alertsEmpty: HTMLElement;
  serverAlertsSection: HTMLElement;
  serverAlerts: HTMLUListElement;
  serverAlertsEmpty: HTMLElement;
  alertHistory: HTMLTableElement;
  findings: HTMLElement;
  findingsEmpty: HTMLElement;
  targetDetails: HTMLElement;
  targetUrl: HTMLElement;
  targetSince: HTMLElement;
  targetProbed: HTMLElement;
  endpoints: HTMLTableElement;
  probing: HTMLElement;
  problems: HTMLUListElement;
  error: HTMLElement;
  footer: HTMLElement;
}

const num = { className: 'num' };

/** A section titled by its heading (aria-labelledby), as every dashboard section is. */
function section(
  key: string,
  title: string,
  opts: { className?: string; hidden?: boolean; id?: string },
  ...children: Node[]
) {
  const { id, ...rest } = opts;
  return el(
    'section',
    { ...rest, attrs: { ...(id ? { id } : {}), 'aria-labelledby': `${key}-heading` } },
    el('h2', { text: title, attrs: { id: `${key}-heading` } }),
    ...children,
  );
}

function muted(id: string, text: string, hidden = true): HTMLParagraphElement {
  return el('p', { className: 'muted', text, hidden, attrs: { id } });
}

function chartFigure(id: ChartId, title: string): ChartFigure & { id: ChartId; empty: HTMLElement } {
  const canvas = el('canvas', { attrs: { id: `chart-${id}`, role: 'img', 'aria-label': title } });
  const empty = el('p', { className: 'empty', text: 'No data in this range.', hidden: true });
  const figure = el(
    'figure',
    { className: 'chart', attrs: { 'data-chart': id, 'data-points': '0' } },
    el('figcaption', { text: title }),
    el('div', { className: 'canvas-box' }, canvas),
    empty,
  );
  return { id, figure, canvas, empty };
}

/** Builds the dashboard into `root` (the shell's empty main) and returns its parts. */
export function buildDashboardPage(root: HTMLElement): DashboardPage {
  root.classList.add('dashboard');
  const p = {
    root,
    targetSelect: el('select', { attrs: { id: 'target-select', 'aria-label': 'Target' } }),
    level: el('span', { className: 'level', attrs: { id: 'level', 'data-level': 'unknown' } }),
    rangeButtons: (Object.keys(RANGES) as RangeId[]).map((range) => ({
      range,
      button: el('button', {
        className: 'range',
        text: RANGES[range].label,
        attrs: { type: 'button', 'data-range': range },
      }),
    })),
    attach: el('button', { text: 'Attach…', attrs: { id: 'attach', type: 'button' } }),
    reprobe: el('button', { className: 'secondary', text: 'Probe again', attrs: { id: 'reprobe', type: 'button' } }),
    exportReport: el('button', {
      className: 'secondary',
      text: 'Export report',
      attrs: { id: 'export', type: 'button' },
    }),
    detach: el('button', { className: 'secondary', text: 'Detach', attrs: { id: 'detach', type: 'button' } }),
    targetEmpty: el(
      'p',
      { attrs: { id: 'target-empty' } },
      document.createTextNode('Not attached. Run '),
      el('strong', { text: 'PerfLens: Attach to Service…' }),
      document.createTextNode(' and give a URL, a port or a process id.'),
    ),
    reasons: el('ul', { className: 'reasons', hidden: true, attrs: { id: 'reasons' } }),
    summary: el('section', { className: 'summary', attrs: { id: 'summary', 'aria-label': 'Summary' } }),
    instances: table({ attrs: { id: 'instances' } }, [
      th('Instance'),
      th('Up'),
      th('Req/s', num),
      th('Errors', num),
      th('p95', num),
      th('CPU', num),
      th('Memory', num),
    ]),
    instancesEmpty: muted('instances-empty', 'The server has no instance matching the selector right now.'),
    charts: CHARTS.map(([id, title]) => chartFigure(id, title)),
    routeSorts: (
      [
        ['route', 'Route', {}],
        ['requestRate', 'Rate', num],
        ['errorRate', 'Errors', num],
        ['p95Ms', 'p95', num],
      ] as const
    ).map(([key, text, opts]) => {
      const button = el('button', { text, attrs: { type: 'button' } });
      return { key, button, header: th(text, { ...opts, attrs: { 'data-sort': key } }, button) };
    }),
    routesEmpty: muted('routes-empty', 'No per-route numbers yet.'),
    checks: el('ul', { className: 'checks', attrs: { id: 'checks' } }),
    checksEmpty: muted('checks-empty', 'The service reports no health checks.'),
    activeAlerts: el('ul', { className: 'alerts', attrs: { id: 'active-alerts' } }),
    alertsEmpty: muted('alerts-empty', 'No alert is pending or firing.', false),
    serverAlerts: el('ul', { className: 'alerts', attrs: { id: 'server-alerts' } }),
    serverAlertsEmpty: muted('server-alerts-empty', 'The server has no pending or firing alert.', false),
    alertHistory: table({ attrs: { id: 'alert-history' } }, [th('Time'), th('Event'), th('Alert'), th('Message')]),
    findings: el('div', { attrs: { id: 'findings' } }),
    findingsEmpty: muted('findings-empty', 'No findings: nothing the analyzers flag in the last hour.', false),
    targetUrl: el('code', { attrs: { id: 'target-url' } }),
    targetSince: el('dd', { attrs: { id: 'target-since' } }),
    targetProbed: el('dd', { attrs: { id: 'target-probed' } }),
    endpoints: table({ attrs: { id: 'endpoints' } }, [
      th('Endpoint'),
      th('Reachable'),
      th('Status'),
      th('Content type'),
      th('Latency'),
      th('Detail'),
    ]),
    probing: el('p', { text: 'Probing…', hidden: true, attrs: { id: 'probing' } }),
    problems: el('ul', { className: 'problems', attrs: { id: 'problems' } }),
    error: el('p', { className: 'error', hidden: true, attrs: { id: 'error', role: 'alert' } }),
    footer: el('footer', { className: 'muted', attrs: { id: 'footer' } }),
  };
  const routes = table(
    { className: 'sortable', attrs: { id: 'routes' } },
    p.routeSorts.map((s) => s.header),
  );
  const forecastCanvas = el('canvas', {
    attrs: { id: 'chart-forecast', role: 'img', 'aria-label': 'Capacity forecast' },
  });
  const forecast = {
    id: 'forecast' as const,
    figure: el(
      'figure',
      { className: 'chart forecast', attrs: { 'data-chart': 'forecast', 'data-points': '0' } },
      el('div', { className: 'canvas-box' }, forecastCanvas),
    ),
    canvas: forecastCanvas,
    text: el('figcaption', { attrs: { id: 'forecast-text' } }),
  };
  forecast.figure.append(forecast.text);
  const serverAlertsSection = el(
    'div',
    { hidden: true, attrs: { id: 'server-alerts-section' } },
    el('h3', { text: 'Prometheus server alerts' }),
    p.serverAlerts,
    p.serverAlertsEmpty,
  );
  const targetDetails = el(
    'dl',
    { hidden: true, attrs: { id: 'target-details' } },
    el('dt', { text: 'URL' }),
    el('dd', {}, p.targetUrl),
    el('dt', { text: 'Attached' }),
    p.targetSince,
    el('dt', { text: 'Last probe' }),
    p.targetProbed,
  );
  const instancesSection = section(
    'instances',
    'Instances',
    { hidden: true, id: 'instances-section' },
    p.instances,
    p.instancesEmpty,
  );
  root.replaceChildren(
    el(
      'header',
      {},
      el('h1', { text: 'PerfLens' }),
      el(
        'div',
        { className: 'toolbar' },
        el('label', {}, document.createTextNode('Target '), p.targetSelect),
        p.level,
        el(
          'div',
          { className: 'ranges', attrs: { role: 'group', 'aria-label': 'Time range' } },
          ...p.rangeButtons.map((r) => r.button),
        ),
      ),
      el('div', { className: 'actions' }, p.attach, p.reprobe, p.exportReport, p.detach),
    ),
    p.targetEmpty,
    p.reasons,
    p.summary,
    instancesSection,
    el('section', { className: 'charts', attrs: { 'aria-label': 'Charts' } }, ...p.charts.map((c) => c.figure)),
    el(
      'div',
      { className: 'columns' },
      section('routes', 'Routes', {}, routes, p.routesEmpty),
      section('checks', 'Health checks', {}, p.checks, p.checksEmpty),
    ),
    el(
      'div',
      { className: 'columns' },
      section(
        'alerts',
        'Alerts',
        {},
        p.activeAlerts,
        p.alertsEmpty,
        serverAlertsSection,
        el('h3', { text: 'History' }),
        p.alertHistory,
      ),
      section('forecast', 'Capacity forecast', {}, forecast.figure),
    ),
    section('findings', 'Findings', {}, p.findings, p.findingsEmpty),
    section('endpoints', 'Endpoints', { className: 'endpoints' }, targetDetails, p.endpoints, p.probing, p.problems),
    p.error,
    p.footer,
  );
  return { ...p, routes, forecast, serverAlertsSection, targetDetails, instancesSection };
}
