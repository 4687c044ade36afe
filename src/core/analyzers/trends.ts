import type { Snapshot } from '../session/types';
import type { LinearFit, Point } from '../util/stats';
import { olsFit, predictWithInterval } from '../util/stats';
import { formatShare, formatSpan, plural } from '../../shared/format';
import type { AnalyzerSettings } from './settings';
import { DEFAULT_ANALYZER_SETTINGS } from './settings';
import type { Finding } from './types';
import { round } from './types';

export type Direction = 'rising' | 'falling' | 'flat';

/**
 * Metrics the trend analyzer follows; `worseWhenHigher` decides whether rising is bad news, and a
 * change smaller than `minChange` (absolute, in `unit`) is not worth a finding however large in
 * relative terms (0.1 % → 0.2 % errors doubles, and does not matter).
 */
export const TREND_METRICS = {
  p95_latency_ms: {
    label: 'p95 response time',
    unit: 'ms',
    worseWhenHigher: true,
    minChange: 20,
    get: (s: Snapshot) => s.http?.p95Ms,
  },
  request_rate: {
    label: 'request rate',
    unit: 'req/s',
    worseWhenHigher: true,
    minChange: 0,
    get: (s: Snapshot) => s.http?.requestRate,
  },
  error_rate: {
    label: 'error rate',
    unit: 'ratio',
    worseWhenHigher: true,
    minChange: 0.01,
    get: (s: Snapshot) => s.http?.errorRate,
  },
  rss_mb: {
    label: 'resident memory',
    unit: 'MB',
    worseWhenHigher: true,
    minChange: 10,
    get: (s: Snapshot) => (s.process ? s.process.rssBytes / 1048576 : undefined),
  },
  cpu_percent: {
    label: 'process CPU',
    unit: '%',
    worseWhenHigher: true,
    minChange: 5,
    get: (s: Snapshot) => s.process?.cpuPercent,
  },
} as const satisfies Record<
  string,
  { label: string; unit: string; worseWhenHigher: boolean; minChange: number; get: (s: Snapshot) => number | undefined }
>;

export type TrendMetric = keyof typeof TREND_METRICS;

export function metricSeries(snapshots: readonly Snapshot[], metric: TrendMetric): Point[] {
  const out: Point[] = [];
  for (const s of snapshots) {
    const v = TREND_METRICS[metric].get(s);
    if (v !== undefined && Number.isFinite(v)) out.push({ t: s.time, v });
  }
  return out;
}

export interface Trend {
  n: number;
  window: { from: number; to: number };
  /** Least-squares slope per second. */
  slopePerSec: number;
  r2: number;
  /** Fitted change across the window and relative to the fitted level at its start. */
  change: number;
  relativeChange: number;
  /** |slope / standard error| ≥ 2 (≈ 95 % two-sided): the slope is distinguishable from noise. */
  significant: boolean;
  direction: Direction;
}

/** OLS trend of the samples inside the last `windowMs` (left-open, like a PromQL range). */
export function computeTrend(
  series: readonly Point[],
  settings: Pick<AnalyzerSettings['trend'], 'windowMs' | 'flatShare'> = DEFAULT_ANALYZER_SETTINGS.trend,
): Trend | undefined {
  if (series.length === 0) return undefined;
  const end = series[series.length - 1]!.t;
  const pts = series.filter((p) => p.t > end - settings.windowMs);
  const fit = olsFit(
    pts.map((p) => p.t / 1000),
    pts.map((p) => p.v),
  );
  if (!fit) return undefined;
  const from = pts[0]!.t;
  const startLevel = fit.intercept + fit.slope * (from / 1000);
  const change = fit.slope * ((end - from) / 1000);
  const relativeChange =
    startLevel !== 0 ? change / Math.abs(startLevel) : change === 0 ? 0 : Infinity * Math.sign(change);
  const tStat = fit.slopeStdErr > 0 ? Math.abs(fit.slope / fit.slopeStdErr) : fit.slope !== 0 ? Infinity : 0;
  const significant = fit.n >= 3 && tStat >= 2;
  const direction: Direction =
    !significant || Math.abs(relativeChange) < settings.flatShare ? 'flat' : change > 0 ? 'rising' : 'falling';
  return {
    n: fit.n,
    window: { from, to: end },
    slopePerSec: fit.slope,
    r2: fit.r2,
    change,
    relativeChange,
    significant,
    direction,
  };
}

export interface Forecast {
  n: number;
  /** Per second; the intercept is the value at time 0 of the input's time axis (epoch seconds for dates). */
  slope: number;
  intercept: number;
  r2: number;
  slopeStdErr: number;
  residualSd: number;
  current: { atMs: number; value: number };
  projection: { days: number; atMs: number; value: number; lower: number; upper: number; confidence: number };
  /** (projected - current) / |current|. */
  growth: number;
  significant: boolean;
  direction: Direction;
  recommendation: string;
}

/** The capacity rule: growth over the horizon above 10 % scales out, above 5 % is watched. */
export function scalingRecommendation(
  growth: number,
  settings: Pick<AnalyzerSettings['trend'], 'scaleOutGrowth' | 'monitorGrowth'> = DEFAULT_ANALYZER_SETTINGS.trend,
): string {
  if (growth > settings.scaleOutGrowth) return 'Consider horizontal scaling: add more instances';
  if (growth > settings.monitorGrowth) return 'Monitor closely: scaling may be needed soon';
  return 'Current capacity appears sufficient';
}

/** Projects an OLS line `days` past the last sample with a prediction interval. */
export function forecastSeries(
  series: readonly Point[],
  days: number,
  opts: { confidence?: number; settings?: AnalyzerSettings['trend'] } = {},
): Forecast | undefined {
  const settings = opts.settings ?? DEFAULT_ANALYZER_SETTINGS.trend;
  const confidence = opts.confidence ?? 0.95;
  const fit: LinearFit | undefined = olsFit(
    series.map((p) => p.t / 1000),
    series.map((p) => p.v),
  );
  if (!fit) return undefined;
  const lastMs = series[series.length - 1]!.t;
  const atMs = lastMs + days * 86_400_000;
  const current = fit.intercept + fit.slope * (lastMs / 1000);
  const p = predictWithInterval(fit, atMs / 1000, confidence);
  const growth = current !== 0 ? (p.value - current) / Math.abs(current) : 0;
  const tStat = fit.slopeStdErr > 0 ? Math.abs(fit.slope / fit.slopeStdErr) : fit.slope !== 0 ? Infinity : 0;
  const significant = fit.n >= 3 && tStat >= 2;
  const direction: Direction =
    !significant || Math.abs(growth) < settings.flatShare ? 'flat' : growth > 0 ? 'rising' : 'falling';
  return {
    n: fit.n,
    slope: fit.slope,
    intercept: fit.intercept,
    r2: fit.r2,
    slopeStdErr: fit.slopeStdErr,
    residualSd: fit.residualSd,
    current: { atMs: lastMs, value: current },
    projection: { days, atMs, value: p.value, lower: p.lower, upper: p.upper, confidence },
    growth,
    significant,
    direction,
    recommendation: significant
      ? scalingRecommendation(growth, settings)
      : `${scalingRecommendation(0, settings)} (no significant trend in ${fit.n} samples)`,
  };
}

/** Below this span a 30-day projection says more about noise than capacity. */
const MIN_FORECAST_SPAN_MS = 10 * 60_000;

/** Trend findings (bad-news directions only) and capacity forecasts with the growth rule. */
export function analyzeTrends(
  snapshots: readonly Snapshot[],
  settings: AnalyzerSettings['trend'] = DEFAULT_ANALYZER_SETTINGS.trend,
): Finding[] {
  const findings: Finding[] = [];
  for (const metric of Object.keys(TREND_METRICS) as TrendMetric[]) {
    const def = TREND_METRICS[metric];
    const series = metricSeries(snapshots, metric);
    const tr = computeTrend(series, settings);
    if (!tr || tr.window.to - tr.window.from < settings.minSpanMs) continue;
    const bad =
      tr.direction === (def.worseWhenHigher ? 'rising' : 'falling') &&
      metric !== 'request_rate' &&
      Math.abs(tr.change) >= def.minChange;
    if (bad) {
      findings.push({
        id: `trend.${metric}`,
        analyzer: 'trend',
        severity: Math.abs(tr.relativeChange) >= 0.5 ? 'warning' : 'info',
        target: metric,
        title: `${def.label[0]!.toUpperCase()}${def.label.slice(1)} is ${tr.direction}`,
        evidence: {
          window: tr.window,
          numbers: {
            slopePerSec: round(tr.slopePerSec, 6),
            change: round(tr.change, 3),
            relativeChange: round(tr.relativeChange, 4),
            r2: round(tr.r2, 4),
            samples: tr.n,
            unit: def.unit,
          },
          text: `${def.label} changed by ${round(tr.change, 2)} ${def.unit} (${formatShare(tr.relativeChange)}) over ${formatSpan(tr.window.to - tr.window.from)} (least squares, R² ${round(tr.r2, 2)}).`,
        },
        recommendation:
          metric === 'rss_mb'
            ? 'See the memory leak analysis; compare heap snapshots if growth continues.'
            : 'Correlate with deploys and load; profile the hottest route if it keeps rising.',
      });
    }
    const span = series.length ? series[series.length - 1]!.t - series[0]!.t : 0;
    if (span < MIN_FORECAST_SPAN_MS || (metric !== 'request_rate' && metric !== 'rss_mb' && metric !== 'cpu_percent'))
      continue;
    const fc = forecastSeries(
      series.filter((p) => p.t > series[series.length - 1]!.t - settings.windowMs),
      settings.forecastDays,
      { settings },
    );
    if (!fc || !fc.significant || fc.growth <= settings.monitorGrowth) continue;
    findings.push({
      id: `forecast.${metric}`,
      analyzer: 'forecast',
      severity: fc.growth > settings.scaleOutGrowth ? 'warning' : 'info',
      target: metric,
      title: `${def.label[0]!.toUpperCase()}${def.label.slice(1)} projected ${formatShare(fc.growth, 0)} higher in ${plural(settings.forecastDays, 'day')}`,
      evidence: {
        window: { from: series[0]!.t, to: fc.current.atMs },
        numbers: {
          current: round(fc.current.value, 3),
          projected: round(fc.projection.value, 3),
          lower95: round(fc.projection.lower, 3),
          upper95: round(fc.projection.upper, 3),
          growth: round(fc.growth, 4),
          slopePerSec: round(fc.slope, 8),
          r2: round(fc.r2, 4),
          days: settings.forecastDays,
          unit: def.unit,
        },
        text: `linear projection ${round(fc.projection.value, 2)} ${def.unit} (95% prediction interval ${round(fc.projection.lower, 2)}–${round(fc.projection.upper, 2)}) from ${round(fc.current.value, 2)} now.`,
      },
      recommendation: fc.recommendation,
    });
  }
  return findings;
}
