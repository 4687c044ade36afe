/**
 * Messages between the Dashboard panel (extension host) and its page (webview), named and checked
 * as every webview protocol is (./messageCheck.ts). Both sides switch over `type` exhaustively and
 * end in assertNever (src/shared/assertNever.ts), so adding a message without handling it is a
 * compile error on each side. Every string that came from a service is data here; the page sets
 * it with textContent.
 */

import type { EndpointProbe } from '../../core/collectors/endpointProbe';
import { formatSpan } from '../format';
import { field, messageChecker } from './messageCheck';

/** One endpoint's probe, shown as the engine recorded it (type-only, erased in the bundle). */
export type { EndpointProbe };

export interface TargetView {
  /** targetId: the base URL, or pid:N. */
  id: string;
  /** host:port, or "pid N". */
  label: string;
  /** The base URL of an HTTP target. */
  url?: string;
  pid?: number;
  /** ISO-8601 time of attaching. */
  attachedAt: string;
  probe?: { metrics: EndpointProbe; health: EndpointProbe; probedAt: string };
  level: HealthLevelView;
  /** Set for a target read through a Prometheus server: its URL and the selector naming the service. */
  prometheus?: { serverUrl: string; selector: string };
}

export type HealthLevelView = 'unknown' | 'healthy' | 'degraded' | 'down' | 'no-verdict';

/** How a level reads on the page: the same words as the status bar's. */
export const LEVEL_VIEW_LABEL: Record<HealthLevelView, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  down: 'down',
  unknown: 'unknown',
  'no-verdict': 'no health verdict',
};
export type RangeId = '15m' | '1h' | '24h' | '30d';
const range = (ms: number): { label: string; ms: number } => ({ label: formatSpan(ms), ms });
/** The dashboard's time ranges; each label is the span in the shared wording ("1 h", "30 days"). */
export const RANGES: Record<RangeId, { label: string; ms: number }> = {
  '15m': range(15 * 60_000),
  '1h': range(3_600_000),
  '24h': range(86_400_000),
  '30d': range(30 * 86_400_000),
};
const RANGE_IDS = Object.keys(RANGES) as RangeId[];
export function isRangeId(v: unknown): v is RangeId {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(RANGES, v);
}

export type Unit = 'ms' | 'rps' | 'share' | 'percent' | 'bytes';
export type ChartId = 'latency' | 'throughput' | 'errors' | 'cpu' | 'memory' | 'pool' | 'poolWait' | 'cache';

/** Chart.js's internal point format (parsing: false): x is epoch ms. */
export interface XY {
  x: number;
  y: number;
}

export interface SeriesView {
  label: string;
  points: XY[];
}

export interface ChartView {
  id: ChartId;
  title: string;
  unit: Unit;
  series: SeriesView[];
}

export interface RouteRow {
  route: string;
  method?: string;
  requestRate: number;
  errorRate: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface CheckRow {
  name: string;
  status: string;
  detail?: string;
}

export interface ActiveAlertRow {
  /** The rule's id, e.g. 'errorRate'. */
  ruleId: string;
  name: string;
  state: 'pending' | 'firing' | 'inactive';
  value: number;
  labels: string;
  /** Epoch ms the condition started holding. */
  activeAt: number;
}

export interface AlertHistoryRow {
  at: number;
  type: 'firing' | 'resolved';
  name: string;
  severity: string;
  message: string;
}

/** One instance of a service read through a Prometheus server. */
export interface InstanceRow {
  instance: string;
  /** Prometheus's `up`: the server's last scrape of it succeeded. */
  up: boolean;
  requestRate?: number;
  errorRate?: number;
  p95Ms?: number;
  cpuPercent?: number;
  rssBytes?: number;
}

/** A pending or firing alert of the Prometheus server's own rules. */
export interface ServerAlertRow {
  name: string;
  state: 'pending' | 'firing';
  /** `key=value` pairs joined by ", " (text, never markup). */
  labels: string;
  /** The alert's labels satisfy the target's selector: it is about this service. */
  matchesTarget: boolean;
  activeAt?: number;
}

export interface FindingView {
  id: string;
  severity: 'info' | 'warning' | 'critical';
  analyzer: string;
  title: string;
  evidence: string;
  numbers: [string, string][];
  recommendation: string;
  window: { from: number; to: number };
}

export interface ForecastView {
  metric: string;
  label: string;
  unit: string;
  days: number;
  history: XY[];
  /** The fitted line from the first sample to the projection date. */
  fit: XY[];
  /** Prediction interval along the projection. */
  lower: XY[];
  upper: XY[];
  projection: { atMs: number; value: number; lower: number; upper: number; confidence: number };
  growth: number;
  significant: boolean;
  recommendation: string;
}

export interface SummaryView {
  /** From merged histogram buckets over the range when the service exposes histograms. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  requestRate?: number;
  errorRate?: number;
  cpuPercent?: number;
  rssBytes?: number;
  latencySource: 'histograms' | 'latest' | 'none';
}

export interface DashboardData {
  targetId: string;
  label: string;
  range: RangeId;
  from: number;
  to: number;
  resolution: string;
  /** Epoch ms of the newest snapshot behind the data. */
  latestAt?: number;
  level: HealthLevelView;
  reasons: string[];
  summary: SummaryView;
  charts: ChartView[];
  routes: RouteRow[];
  checks: CheckRow[];
  activeAlerts: ActiveAlertRow[];
  alertHistory: AlertHistoryRow[];
  /** Per-instance numbers (Prometheus-server targets; empty otherwise). */
  instances: InstanceRow[];
  /** The Prometheus server's own pending and firing alerts (Prometheus-server targets). */
  serverAlerts: ServerAlertRow[];
  findings: FindingView[];
  forecast?: ForecastView;
  /** Collection problems of the latest round, one line each. */
  problems: string[];
  /** Host time spent building this data, ms (shown in the footer, read by the benchmark). */
  buildMs: number;
}

export type HostToDashboard =
  | {
      type: 'state';
      targets: TargetView[];
      selected: string | null;
      range: RangeId;
      probing: boolean;
      intervalMs: number;
    }
  | { type: 'data'; data: DashboardData; reason: 'first' | 'update' | 'range' }
  | { type: 'error'; message: string };

export type DashboardToHost =
  | { type: 'ready'; targetId?: string; range?: RangeId }
  | { type: 'select'; targetId: string; range: RangeId }
  | { type: 'reprobe' }
  | { type: 'attach' }
  | { type: 'detach'; targetId?: string }
  | { type: 'exportReport' }
  | { type: 'rendered'; reason: 'first' | 'update' | 'range'; renderMs: number; points: number };

const REASONS = ['first', 'update', 'range'] as const;

/** Checks a message from the page before the host uses it: the host never trusts its shape. */
export const checkDashboardToHost = messageChecker<DashboardToHost>('dashboard', {
  ready: { targetId: field.optional(field.string), range: field.optional(field.oneOf(...RANGE_IDS)) },
  select: { targetId: field.string, range: field.oneOf(...RANGE_IDS) },
  reprobe: {},
  attach: {},
  detach: { targetId: field.optional(field.string) },
  exportReport: {},
  rendered: { reason: field.oneOf(...REASONS), renderMs: field.finiteNumber, points: field.finiteNumber },
});
