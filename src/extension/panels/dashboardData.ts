/**
 * Builds what the dashboard (and the exported report) shows for one target and one time range,
 * from the history store's rollups (or the in-memory window when there is no store), the live
 * state and the core analyzers. Pure: no editor API, so it is unit-tested and benchmarked.
 */
import { forecastSeries } from '../../core/analyzers/trends';
import type { AlertEvent } from '../../core/analyzers/alerts/types';
import type { HistoryStore } from '../../core/store';
import { flattenSnapshot } from '../../core/store';
import type { Point } from '../../core/util/stats';
import { olsFit, predictWithInterval } from '../../core/util/stats';
import type {
  ActiveAlertRow,
  AlertHistoryRow,
  ChartId,
  ChartView,
  DashboardData,
  FindingView,
  ForecastView,
  RangeId,
  SeriesView,
  SummaryView,
  Unit,
  XY,
} from '../../shared/protocol/dashboard';
import type { Snapshot } from '../../core/session/types';
import { instanceRows, serverAlertRows, serviceTotals } from './prometheusRows';
import { RANGES } from '../../shared/protocol/dashboard';
import { formatSpan } from '../../shared/format';
import type { TargetState } from '../live/liveMonitor';

/** Where series come from: the store's range queries, or the snapshots in memory. */
export interface SeriesSource {
  resolution: string;
  points(name: string, labels: Record<string, string>): XY[];
  labelsOf(name: string): Record<string, string>[];
  latency?(): { p50Ms?: number; p95Ms?: number; p99Ms?: number; count: number };
}

export function storeSource(store: HistoryStore, targetId: string, from: number, to: number): SeriesSource {
  const resolution = store.chooseResolution(from, to);
  const all = store.series(targetId);
  return {
    resolution,
    points: (name, labels) =>
      store.query(targetId, name, labels, from, to, { resolution }).points.map((p) => ({ x: p.t, y: p.avg })),
    labelsOf: (name) => all.filter((s) => s.name === name).map((s) => s.labels),
    latency: () => store.latency(targetId, 'http.duration', {}, from, to, { resolution }),
  };
}

/** The analysis window as a source (no store: its file could not be opened). */
export function windowSource(state: Pick<TargetState, 'window'>, from: number, to: number): SeriesSource {
  const bySeries = new Map<string, { labels: Record<string, string>; points: XY[] }>();
  for (const s of state.window) {
    if (s.time < from || s.time > to) continue;
    for (const v of flattenSnapshot(s)) {
      const key = `${v.name}\0${JSON.stringify(v.labels)}`;
      let e = bySeries.get(key);
      if (!e) bySeries.set(key, (e = { labels: v.labels, points: [] }));
      e.points.push({ x: s.time, y: v.value });
    }
  }
  return {
    resolution: 'raw (memory)',
    points: (name, labels) => bySeries.get(`${name}\0${JSON.stringify(labels)}`)?.points ?? [],
    labelsOf: (name) => [...bySeries.entries()].filter(([k]) => k.startsWith(`${name}\0`)).map(([, v]) => v.labels),
  };
}

function scale(points: XY[], f: number): XY[] {
  return f === 1 ? points : points.map((p) => ({ x: p.x, y: p.y * f }));
}

/** Pointwise a / b over the times both have (rollup buckets and raw samples line up by time). */
function ratio(a: XY[], b: XY[]): XY[] {
  const denom = new Map(b.map((p) => [p.x, p.y]));
  const out: XY[] = [];
  for (const p of a) {
    const d = denom.get(p.x);
    if (d !== undefined && d > 0) out.push({ x: p.x, y: p.y / d });
  }
  return out;
}

function chart(id: ChartId, title: string, unit: Unit, series: SeriesView[]): ChartView {
  return { id, title, unit, series: series.filter((s) => s.points.length > 0) };
}

function labelName(labels: Record<string, string>, key: string, fallback: string): string {
  const v = labels[key];
  return v === undefined || v === '' ? fallback : v;
}

export function buildCharts(src: SeriesSource): ChartView[] {
  const p = (name: string, labels: Record<string, string> = {}) => src.points(name, labels);
  const pools = src.labelsOf('pool.active');
  const caches = src.labelsOf('cache.hitRate');
  return [
    chart('latency', 'Latency', 'ms', [
      { label: 'p50', points: p('http.p50Ms') },
      { label: 'p95', points: p('http.p95Ms') },
      { label: 'p99', points: p('http.p99Ms') },
    ]),
    chart('throughput', 'Requests per second', 'rps', [{ label: 'req/s', points: p('http.requestRate') }]),
    chart('errors', 'Error rate', 'share', [{ label: 'errors', points: p('http.errorRate') }]),
    chart('cpu', 'Process CPU', 'percent', [
      { label: 'process', points: p('process.cpuPercent') },
      { label: 'system', points: p('system.cpuPercent') },
    ]),
    chart('memory', 'Memory', 'bytes', [
      { label: 'resident (RSS)', points: p('process.rssBytes') },
      { label: 'heap used', points: p('process.heapUsedBytes') },
    ]),
    chart(
      'pool',
      'Pool utilisation',
      'share',
      pools.map((l) => {
        const active = p('pool.active', l);
        const cap = src.labelsOf('pool.max').some((m) => m.pool === l.pool) ? p('pool.max', l) : p('pool.size', l);
        return { label: labelName(l, 'pool', 'pool'), points: ratio(active, cap) };
      }),
    ),
    chart(
      'poolWait',
      'Pool acquire wait',
      'ms',
      pools.flatMap((l) => [
        { label: `${labelName(l, 'pool', 'pool')} avg`, points: p('pool.acquireWaitAvgMs', l) },
        { label: `${labelName(l, 'pool', 'pool')} p95`, points: p('pool.acquireWaitP95Ms', l) },
      ]),
    ),
    chart(
      'cache',
      'Cache hit rate',
      'share',
      caches.map((l) => ({ label: labelName(l, 'cache', 'cache'), points: p('cache.hitRate', l) })),
    ),
  ];
}

const FORECAST_METRICS = {
  request_rate: 'http.requestRate',
  rss_mb: 'process.rssBytes',
  cpu_percent: 'process.cpuPercent',
} as const;
const FORECAST_LABELS: Record<keyof typeof FORECAST_METRICS, { label: string; unit: string; factor: number }> = {
  request_rate: { label: 'Request rate', unit: 'req/s', factor: 1 },
  rss_mb: { label: 'Resident memory', unit: 'MB', factor: 1 / 1048576 },
  cpu_percent: { label: 'Process CPU', unit: '%', factor: 1 },
};

/** The capacity forecast (linear, with a prediction interval) over the range's points. */
export function buildForecast(
  src: SeriesSource,
  metric: keyof typeof FORECAST_METRICS,
  days: number,
): ForecastView | undefined {
  const meta = FORECAST_LABELS[metric];
  const history = scale(src.points(FORECAST_METRICS[metric], {}), meta.factor);
  if (history.length < 3) return undefined;
  const series: Point[] = history.map((h) => ({ t: h.x, v: h.y }));
  const fc = forecastSeries(series, days);
  if (!fc) return undefined;
  const first = history[0]!.x;
  const line = (t: number) => fc.intercept + fc.slope * (t / 1000);
  // The interval widens away from the data: sample it along the projection for the band.
  const fit = olsFit(
    series.map((q) => q.t / 1000),
    series.map((q) => q.v),
  );
  const lower: XY[] = [];
  const upper: XY[] = [];
  const last = history[history.length - 1]!.x;
  const steps = 8;
  for (let i = 0; fit && i <= steps; i++) {
    const t = last + ((fc.projection.atMs - last) * i) / steps;
    const band = predictWithInterval(fit, t / 1000, fc.projection.confidence);
    if (!Number.isFinite(band.lower) || !Number.isFinite(band.upper)) continue;
    lower.push({ x: t, y: band.lower });
    upper.push({ x: t, y: band.upper });
  }
  return {
    metric,
    label: meta.label,
    unit: meta.unit,
    days,
    history,
    fit: [
      { x: first, y: line(first) },
      { x: fc.projection.atMs, y: fc.projection.value },
    ],
    lower,
    upper,
    projection: {
      atMs: fc.projection.atMs,
      value: fc.projection.value,
      lower: fc.projection.lower,
      upper: fc.projection.upper,
      confidence: fc.projection.confidence,
    },
    growth: fc.growth,
    significant: fc.significant,
    recommendation: fc.recommendation,
  };
}

function summaryOf(src: SeriesSource, state: TargetState | undefined): SummaryView {
  const s = state?.latest;
  const totals = serviceTotals(s);
  const base = {
    requestRate: s?.http?.requestRate,
    errorRate: s?.http?.errorRate,
    cpuPercent: totals.cpuPercent ?? s?.system?.cpuPercent,
    rssBytes: totals.rssBytes,
  };
  const lat = src.latency?.();
  if (lat && lat.count > 0)
    return { ...base, p50Ms: lat.p50Ms, p95Ms: lat.p95Ms, p99Ms: lat.p99Ms, latencySource: 'histograms' };
  if (s?.http)
    return { ...base, p50Ms: s.http.p50Ms, p95Ms: s.http.p95Ms, p99Ms: s.http.p99Ms, latencySource: 'latest' };
  return { ...base, latencySource: 'none' };
}

function findingViews(state: TargetState | undefined): FindingView[] {
  return (state?.findings ?? []).map((f) => ({
    id: f.id,
    severity: f.severity,
    analyzer: f.analyzer,
    title: f.title,
    evidence: f.evidence.text,
    numbers: Object.entries(f.evidence.numbers).map(([k, v]) => [k, String(v)] as [string, string]),
    recommendation: f.recommendation,
    window: f.evidence.window,
  }));
}

export interface BuildDashboardInput {
  targetId: string;
  label: string;
  range: RangeId;
  now: number;
  state?: TargetState;
  store?: HistoryStore;
  alertHistory?: AlertEvent[];
  forecastMetric?: keyof typeof FORECAST_METRICS;
  /**
   * A Prometheus-server target's history over the range, read from the server (long ranges):
   * charts use it instead of the local store. An error is shown and the store used instead.
   */
  serverHistory?: { snapshots: readonly Snapshot[]; stepMs: number } | { error: string };
}

function sourceFor(input: BuildDashboardInput, from: number, to: number): SeriesSource {
  const h = input.serverHistory;
  if (h && 'snapshots' in h)
    return { ...windowSource({ window: h.snapshots }, from, to), resolution: `server, ${formatSpan(h.stepMs)} steps` };
  return input.store
    ? storeSource(input.store, input.targetId, from, to)
    : windowSource(input.state ?? { window: [] }, from, to);
}

export function buildDashboardData(input: BuildDashboardInput): DashboardData {
  const started = performance.now();
  const to = input.now;
  const from = to - RANGES[input.range].ms;
  const { state } = input;
  const src = sourceFor(input, from, to);
  const historyError =
    input.serverHistory && 'error' in input.serverHistory
      ? [`History from the Prometheus server: ${input.serverHistory.error}`]
      : [];
  const latest = state?.latest;
  const activeAlerts: ActiveAlertRow[] = (state?.alerts ?? []).map((a) => ({
    ruleId: a.ruleId,
    name: a.name,
    state: a.state,
    value: a.value,
    activeAt: a.activeAt,
    labels: Object.entries(a.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  }));
  const alertHistory: AlertHistoryRow[] = (input.alertHistory ?? []).map((e) => ({
    at: e.at,
    type: e.type,
    name: e.name,
    severity: e.severity,
    message: e.message,
  }));
  const data: DashboardData = {
    targetId: input.targetId,
    label: input.label,
    range: input.range,
    from,
    to,
    resolution: src.resolution,
    latestAt: latest?.time,
    level: state?.health.level ?? 'unknown',
    reasons: state?.health.reasons ?? [],
    summary: summaryOf(src, state),
    charts: buildCharts(src),
    routes: (latest?.http?.routes ?? []).map((r) => ({
      route: r.route,
      method: r.method,
      requestRate: r.requestRate,
      errorRate: r.errorRate,
      p50Ms: r.p50Ms,
      p95Ms: r.p95Ms,
      p99Ms: r.p99Ms,
    })),
    checks: (latest?.health?.checks ?? []).map((c) => ({
      name: c.name,
      status: c.status,
      ...(c.detail ? { detail: c.detail } : {}),
    })),
    activeAlerts,
    alertHistory,
    instances: instanceRows(latest),
    serverAlerts: serverAlertRows(latest),
    findings: findingViews(state),
    forecast: forecastFor(input, to),
    problems: [...historyError, ...(latest?.errors ?? []).map((e) => `${e.source}: ${e.message}`)],
    buildMs: 0,
  };
  data.buildMs = performance.now() - started;
  return data;
}

/** Below this much history a 30-day projection says more about noise than capacity (as the trend analyzer). */
export const MIN_FORECAST_SPAN_MS = 10 * 60_000;
const FORECAST_HISTORY_MS = 30 * 86_400_000;

/**
 * The capacity forecast does not follow the selected range: it always fits the longest history
 * kept (up to 30 days, hourly rollups when that long), or the live window without a store.
 */
function forecastFor(input: BuildDashboardInput, to: number): ForecastView | undefined {
  const metric = input.forecastMetric ?? 'request_rate';
  let src: SeriesSource | undefined;
  if (input.store) {
    const long = storeSource(input.store, input.targetId, to - FORECAST_HISTORY_MS, to);
    const first = long.points(FORECAST_METRICS[metric], {})[0];
    // Short histories read finer rollups: an hour of samples fits better than one hourly bucket.
    src = first && to - first.x < 2 * 86_400_000 ? storeSource(input.store, input.targetId, first.x, to) : long;
  } else if (input.state) {
    src = windowSource(input.state, 0, to);
  }
  if (!src) return undefined;
  const pts = src.points(FORECAST_METRICS[metric], {});
  if (pts.length < 3 || pts[pts.length - 1]!.x - pts[0]!.x < MIN_FORECAST_SPAN_MS) return undefined;
  return buildForecast(src, metric, 30);
}
