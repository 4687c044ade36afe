// The Dashboard page. Everything that came from the service is set with textContent, never HTML.
import { drawnPixels } from '../shared/dom';
import { onThemeChange, readChartTheme } from '../shared/theme';
import { formatSpan, formatValue } from '../../src/shared/format';
import { DashboardCharts } from './charts';
import type {
  DashboardData,
  DashboardToHost,
  HostToDashboard,
  RangeId,
  TargetView,
} from '../../src/shared/protocol/dashboard';
import { isRangeId, LEVEL_VIEW_LABEL } from '../../src/shared/protocol/dashboard';
import { assertNever } from '../../src/shared/assertNever';
import { acquireHostApi, onHostMessage } from '../shared/vscodeApi';
import type { RouteSort, RouteSortKey } from './sections';
import { renderAlerts, renderChecks, renderEndpoint, renderFindings, renderRoutes, renderSummary } from './sections';
import { renderInstances, renderServerAlerts } from './prometheusSections';
import { buildDashboardPage } from './page';

/** What survives the panel being hidden, closed with the window, and restored (serializer). */
interface SavedState {
  targetId?: string;
  range: RangeId;
  sort: RouteSort;
}

const vscode = acquireHostApi<DashboardToHost, SavedState>();
// The host's shell holds one root; the page builds everything inside it.
const page = buildDashboardPage(document.querySelector<HTMLElement>('[data-perflens-view="dashboard"]')!);
const { root, targetSelect, reasons, targetDetails, attach: attachButton, reprobe: reprobeButton } = page;
const { detach: detachButton, exportReport: exportButton, routes: routesTable, error: errorBox } = page;
const levelBadge = page.level;
const endpointsBody = page.endpoints.tBodies[0]!;
/** Every chart figure, the forecast's last. */
const figures = [...page.charts, page.forecast];

function loadState(): SavedState {
  const s = vscode.getState() as Partial<SavedState> | undefined;
  const sortKeys: RouteSortKey[] = ['route', 'requestRate', 'errorRate', 'p95Ms'];
  return {
    targetId: typeof s?.targetId === 'string' ? s.targetId : undefined,
    range: isRangeId(s?.range) ? s.range : '15m',
    sort:
      s?.sort && sortKeys.includes(s.sort.key)
        ? { key: s.sort.key, descending: Boolean(s.sort.descending) }
        : { key: 'requestRate', descending: true },
  };
}

const state = loadState();
let targets: TargetView[] = [];
let lastData: DashboardData | undefined;
const charts = new DashboardCharts(readChartTheme());
let firstRenderDone = false;
/** The host sets this only in test mode: sampling canvas pixels on every render is for the suite. */
const testHooks = document.body.hasAttribute('data-perflens-test-hooks');

function save(): void {
  vscode.setState(state);
}

function renderRangeButtons(): void {
  for (const { range, button } of page.rangeButtons) button.setAttribute('aria-pressed', String(range === state.range));
  root.dataset.range = state.range;
}

function renderTargets(selected: string | null, probing: boolean): void {
  targetSelect.replaceChildren(
    ...targets.map((t) => new Option(`${t.label} (${LEVEL_VIEW_LABEL[t.level]})`, t.id, false, t.id === selected)),
  );
  const current = targets.find((t) => t.id === selected);
  root.dataset.state = current ? 'attached' : 'detached';
  page.targetEmpty.hidden = current !== undefined;
  targetSelect.disabled = targets.length === 0;
  detachButton.disabled = !current;
  exportButton.disabled = !current;
  reprobeButton.disabled = !current?.url || Boolean(current.prometheus) || probing;
  attachButton.textContent = current ? 'Attach another…' : 'Attach…';
  page.probing.hidden = !probing;
  endpointsBody.replaceChildren();
  targetDetails.hidden = !current;
  if (!current) return;
  const prom = current.prometheus;
  page.targetUrl.textContent = prom
    ? `${prom.serverUrl} {${prom.selector}}`
    : (current.url ?? `process ${current.pid ?? '?'}`);
  page.targetSince.textContent = new Date(current.attachedAt).toLocaleString();
  page.targetProbed.textContent = current.probe
    ? new Date(current.probe.probedAt).toLocaleString()
    : prom
      ? 'not probed (read through the Prometheus server, which scrapes the instances)'
      : 'not probed (process targets have no HTTP endpoints to probe)';
  if (current.probe) {
    renderEndpoint(endpointsBody, current.probe.metrics);
    renderEndpoint(endpointsBody, current.probe.health);
  }
}

function canvasFor(id: string): HTMLCanvasElement {
  const figure = figures.find((f) => f.id === id);
  if (!figure) throw new Error(`the dashboard has no chart "${id}"`);
  return figure.canvas;
}

function renderData(d: DashboardData): number {
  lastData = d;
  levelBadge.textContent = LEVEL_VIEW_LABEL[d.level];
  levelBadge.dataset.level = d.level;
  root.dataset.level = d.level;
  reasons.replaceChildren(
    ...(d.level === 'healthy' ? [] : d.reasons).map((r) =>
      Object.assign(document.createElement('li'), { textContent: r }),
    ),
  );
  reasons.hidden = reasons.childElementCount === 0;
  renderSummary(page.summary, d.summary);
  charts.render(d.charts, d, canvasFor);
  let points = 0;
  for (const chart of page.charts) {
    const view = d.charts.find((c) => c.id === chart.id);
    const n = view ? view.series.reduce((a, s) => a + s.points.length, 0) : 0;
    points += n;
    chart.figure.dataset.points = String(n);
    chart.empty.hidden = n > 0;
  }
  const fc = d.forecast;
  charts.renderForecast(fc, page.forecast.canvas);
  page.forecast.figure.dataset.points = String(fc?.history.length ?? 0);
  page.forecast.text.textContent = fc
    ? `${fc.label} in ${fc.days} days (linear fit on ${formatSpan((fc.history[fc.history.length - 1]?.x ?? 0) - (fc.history[0]?.x ?? 0))} of history): ${formatValue(fc.unit, fc.projection.value)} (${Math.round(fc.projection.confidence * 100)}% interval ${formatValue(fc.unit, fc.projection.lower)} to ${formatValue(fc.unit, fc.projection.upper)}), now ${formatValue(fc.unit, fc.history[fc.history.length - 1]?.y ?? 0)}. ${fc.recommendation}.`
    : 'Not enough history for a forecast yet.';
  renderRoutes(routesTable, page.routesEmpty, d.routes, state.sort);
  renderChecks(page.checks, page.checksEmpty, d.checks);
  renderAlerts(page.activeAlerts, page.alertsEmpty, page.alertHistory, d.activeAlerts, d.alertHistory, d.to);
  renderFindings(page.findings, page.findingsEmpty, d.findings);
  // Instances and server alerts belong to targets read through a Prometheus server.
  const throughServer = Boolean(targets.find((t) => t.id === d.targetId)?.prometheus) || d.instances.length > 0;
  root.dataset.source = throughServer ? 'prometheus' : 'service';
  page.instancesSection.hidden = !throughServer;
  page.serverAlertsSection.hidden = !throughServer;
  renderInstances(page.instances, page.instancesEmpty, d.instances);
  renderServerAlerts(page.serverAlerts, page.serverAlertsEmpty, d.serverAlerts, d.to);
  root.dataset.instances = String(d.instances.length);
  page.problems.replaceChildren(
    ...d.problems.map((p) => Object.assign(document.createElement('li'), { textContent: p })),
  );
  return points;
}

/** Tells drawn charts from blank ones by their pixels, for the integration suite (test mode only). */
function markDrawnCharts(): void {
  if (!testHooks) return;
  let drawn = 0;
  let withData = 0;
  let renderedTotal = 0;
  for (const { id, figure: fig, canvas } of figures) {
    const isForecast = id === 'forecast';
    const hasData = Number(fig.dataset.points) > 0;
    // Drawn: Chart.js laid out line points (after decimation) and the canvas holds pixels.
    const rendered = charts.renderedPoints(id);
    const pixels = hasData && rendered > 0 ? drawnPixels(canvas) : 0;
    fig.dataset.renderedPoints = String(rendered);
    fig.dataset.drawn = String(pixels > 0);
    if (isForecast) {
      root.dataset.forecastDrawn = String(pixels > 0);
      continue;
    }
    if (hasData) withData++;
    if (pixels > 0) drawn++;
    renderedTotal += rendered;
  }
  root.dataset.chartsWithData = String(withData);
  root.dataset.chartsDrawn = String(drawn);
  root.dataset.renderedPoints = String(renderedTotal);
}

function onData(d: DashboardData, reason: 'first' | 'update' | 'range', received: number): void {
  errorBox.hidden = true;
  const points = renderData(d);
  root.dataset.chartPoints = String(points);
  root.dataset.resolution = d.resolution;
  // After the browser has painted: the time a user waits to see it.
  requestAnimationFrame(() => {
    const renderMs = performance.now() - received;
    const kind = firstRenderDone ? reason : 'first';
    firstRenderDone = true;
    if (kind === 'first') root.dataset.firstRenderMs = renderMs.toFixed(1);
    else root.dataset.lastUpdateMs = renderMs.toFixed(1);
    root.dataset.buildMs = d.buildMs.toFixed(1);
    markDrawnCharts();
    page.footer.textContent = `${d.label} · ${d.resolution} resolution · ${points} points · built in ${d.buildMs.toFixed(0)} ms, drawn in ${renderMs.toFixed(0)} ms${d.latestAt ? ` · last sample ${new Date(d.latestAt).toLocaleTimeString()}` : ''}`;
    vscode.postMessage({ type: 'rendered', reason: kind, renderMs, points });
  });
}

function receive(message: HostToDashboard): void {
  const received = performance.now();
  switch (message.type) {
    case 'state':
      targets = message.targets;
      state.range = message.range;
      if (message.selected) state.targetId = message.selected;
      save();
      renderRangeButtons();
      renderTargets(message.selected, message.probing);
      return;
    case 'data':
      onData(message.data, message.reason, received);
      return;
    case 'error':
      errorBox.textContent = message.message;
      errorBox.hidden = false;
      return;
    default:
      assertNever(message);
  }
}

function select(range: RangeId, targetId = state.targetId): void {
  state.range = range;
  state.targetId = targetId;
  save();
  renderRangeButtons();
  if (targetId) vscode.postMessage({ type: 'select', targetId, range });
}

onHostMessage<HostToDashboard>(receive);
for (const { range, button } of page.rangeButtons) button.addEventListener('click', () => select(range));
targetSelect.addEventListener('change', () => select(state.range, targetSelect.value));
for (const { key, button } of page.routeSorts) {
  button.addEventListener('click', () => {
    state.sort = { key, descending: state.sort.key === key ? !state.sort.descending : key !== 'route' };
    save();
    if (lastData) renderRoutes(routesTable, page.routesEmpty, lastData.routes, state.sort);
  });
}
attachButton.addEventListener('click', () => vscode.postMessage({ type: 'attach' }));
reprobeButton.addEventListener('click', () => vscode.postMessage({ type: 'reprobe' }));
detachButton.addEventListener('click', () => vscode.postMessage({ type: 'detach', targetId: state.targetId }));
exportButton.addEventListener('click', () => vscode.postMessage({ type: 'exportReport' }));
/** The theme kind VS Code put on the body, marked on the page once charts are drawn in its colours. */
function markTheme(): void {
  const c = document.body.classList;
  root.dataset.theme = c.contains('vscode-high-contrast-light')
    ? 'high-contrast-light'
    : c.contains('vscode-high-contrast')
      ? 'high-contrast'
      : c.contains('vscode-dark')
        ? 'dark'
        : 'light';
}
onThemeChange(() => {
  charts.setTheme(readChartTheme());
  if (lastData) renderData(lastData);
  requestAnimationFrame(() => {
    markDrawnCharts();
    markTheme();
  });
});
markTheme();
renderRangeButtons();
vscode.postMessage({ type: 'ready', targetId: state.targetId, range: state.range });
