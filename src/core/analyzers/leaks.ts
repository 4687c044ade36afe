import type { Snapshot } from '../session/types';
import type { Point } from '../util/stats';
import { findGaps, median, theilSenFit } from '../util/stats';
import type { AnalyzerSettings } from './settings';
import { DEFAULT_ANALYZER_SETTINGS } from './settings';
import type { Finding } from './types';
import { round } from './types';
import { formatSpan } from '../../shared/format';

const MB = 1024 * 1024;

export interface MemoryGrowth {
  metric: 'rss' | 'heap';
  n: number;
  window: { from: number; to: number };
  /** Robust (Theil–Sen) growth, MB per minute, and the R² of that line. */
  slopeMbPerMin: number;
  r2: number;
  baselineMb: number;
  currentMb: number;
  /** currentMb / baselineMb; flagged at ≥ 1.5 by default. */
  ratio: number;
  /** Minutes until the fitted line reaches the limit; undefined when not growing. */
  minutesToLimit?: number;
  gaps: number;
}

/** Fits one memory series (values in bytes). Needs settings.minSamples points over settings.minSpanMs. */
export function measureGrowth(
  metric: 'rss' | 'heap',
  series: readonly Point[],
  settings: AnalyzerSettings['leak'],
): MemoryGrowth | undefined {
  if (series.length < settings.minSamples) return undefined;
  const from = series[0]!.t;
  const to = series[series.length - 1]!.t;
  if (to <= from || to - from < settings.minSpanMs) return undefined;
  const fit = theilSenFit(
    series.map((p) => (p.t - from) / 60_000),
    series.map((p) => p.v / MB),
  );
  if (!fit) return undefined;
  // Baseline and current are medians of the first and last tenth (at least 3 samples) so one
  // GC pause or spike does not decide the ratio.
  const k = Math.max(3, Math.floor(series.length / 10));
  const baselineMb = median(series.slice(0, k).map((p) => p.v / MB));
  const currentMb = median(series.slice(-k).map((p) => p.v / MB));
  const fittedNow = fit.intercept + fit.slope * ((to - from) / 60_000);
  let minutesToLimit: number | undefined;
  if (fit.slope > 0) minutesToLimit = Math.max(0, (settings.maxMemoryMb - fittedNow) / fit.slope);
  return {
    metric,
    n: series.length,
    window: { from, to },
    slopeMbPerMin: fit.slope,
    r2: fit.r2,
    baselineMb,
    currentMb,
    ratio: baselineMb > 0 ? currentMb / baselineMb : NaN,
    minutesToLimit,
    gaps: findGaps(series).length,
  };
}

export function memorySeries(snapshots: readonly Snapshot[]): { rss: Point[]; heap: Point[] } {
  const rss: Point[] = [];
  const heap: Point[] = [];
  for (const s of snapshots) {
    if (s.process?.rssBytes !== undefined) rss.push({ t: s.time, v: s.process.rssBytes });
    if (s.process?.heapUsedBytes !== undefined) heap.push({ t: s.time, v: s.process.heapUsedBytes });
  }
  return { rss, heap };
}

/**
 * Memory leak findings: steady growth by a robust line (slope, R²), the 1.5× baseline
 * rule, and the time left before the configured limit (perflens.maxMemoryMb).
 */
export function analyzeLeaks(
  snapshots: readonly Snapshot[],
  settings: AnalyzerSettings['leak'] = DEFAULT_ANALYZER_SETTINGS.leak,
): Finding[] {
  const { rss, heap } = memorySeries(snapshots);
  const findings: Finding[] = [];
  for (const [metric, series] of [
    ['rss', rss],
    ['heap', heap],
  ] as const) {
    const g = measureGrowth(metric, series, settings);
    if (!g) continue;
    const steady = g.slopeMbPerMin >= settings.minGrowthMbPerMin && g.r2 >= settings.minR2;
    const overBaseline = g.ratio >= settings.baselineFactor && g.slopeMbPerMin > 0;
    if (!steady && !overBaseline) continue;
    const label = metric === 'rss' ? 'Resident memory (RSS)' : 'JS heap';
    const soon = metric === 'rss' && g.minutesToLimit !== undefined && g.minutesToLimit < 60;
    const severity = (steady && overBaseline) || soon ? 'critical' : 'warning';
    const numbers: Record<string, number | string> = {
      slopeMbPerMin: round(g.slopeMbPerMin, 3),
      r2: round(g.r2, 4),
      baselineMb: round(g.baselineMb, 1),
      currentMb: round(g.currentMb, 1),
      ratio: round(g.ratio, 3),
      baselineFactor: settings.baselineFactor,
      samples: g.n,
      gaps: g.gaps,
    };
    let limitText = '';
    if (metric === 'rss') {
      numbers.limitMb = settings.maxMemoryMb;
      if (g.minutesToLimit !== undefined) {
        numbers.minutesToLimit = round(g.minutesToLimit, 1);
        limitText =
          g.minutesToLimit === 0
            ? ` It is already above the ${settings.maxMemoryMb} MB limit.`
            : ` At this rate it reaches the ${settings.maxMemoryMb} MB limit in ${formatSpan(g.minutesToLimit * 60_000)}.`;
      }
    }
    findings.push({
      id: `leak.${metric}`,
      analyzer: 'leak',
      severity,
      target: metric,
      title: steady
        ? `${label} grows steadily: possible memory leak`
        : `${label} is ${round(g.ratio, 2)}× its baseline`,
      evidence: {
        window: g.window,
        numbers,
        text: `${label} grew ${round(g.slopeMbPerMin, 2)} MB/min (robust fit, R² ${round(g.r2, 2)}) from ${round(g.baselineMb, 1)} MB to ${round(g.currentMb, 1)} MB (${round(g.ratio, 2)}× baseline; flagged from ${settings.baselineFactor}×).${limitText}`,
      },
      recommendation:
        metric === 'heap'
          ? 'Take two heap snapshots a few minutes apart and compare retained sizes by constructor; look for caches without a bound, listeners never removed and closures held by timers.'
          : 'Check for unbounded caches and buffers, and profile allocations; if the JS heap is flat while RSS grows, look at native memory (buffers, addons) instead.',
    });
  }
  return findings;
}
