import { formatMs, formatShare, plural } from '../../shared/format';
import type { PoolStats, Snapshot } from '../session/types';
import { mean, quantile } from '../util/stats';
import type { AnalyzerSettings } from './settings';
import { DEFAULT_ANALYZER_SETTINGS } from './settings';
import type { Finding } from './types';
import { round } from './types';

interface PoolSample {
  t: number;
  size: number;
  active: number;
  pending: number;
  acquireRate?: number;
  waitP95Ms?: number;
  holdTimeMs?: number;
}

export interface PoolSizing {
  /** 95th percentile over the window of the concurrency the pool was asked for. */
  peakDemand: number;
  recommendedSize: number;
  /** How peakDemand was measured, for the recommendation text. */
  basis: 'littles-law' | 'active-plus-waiting';
  acquireRate?: number;
  holdTimeMs?: number;
}

function poolKey(p: PoolStats): string {
  return p.name ?? 'pool';
}

function samplesByPool(snapshots: readonly Snapshot[]): Map<string, PoolSample[]> {
  const out = new Map<string, PoolSample[]>();
  for (const s of snapshots) {
    for (const p of s.pools ?? []) {
      // Saturation is measured against the configured maximum when the service exposes one.
      const capacity = p.max ?? p.size;
      if (capacity === undefined || p.active === undefined || capacity <= 0) continue;
      const list = out.get(poolKey(p)) ?? [];
      list.push({
        t: s.time,
        size: capacity,
        active: p.active,
        pending: p.pending ?? 0,
        acquireRate: p.acquireRate,
        waitP95Ms: p.acquireWaitP95Ms,
        holdTimeMs: p.holdTimeMs,
      });
      out.set(poolKey(p), list);
    }
  }
  return out;
}

/**
 * Little's law: busy connections L = λ (acquisitions per second) × W (hold time). Under saturation
 * λ is capped by the pool itself, so the queue (active + waiting) is the better demand signal;
 * each sample takes the larger of the two, and the window's 95th percentile is the peak.
 */
export function recommendPoolSize(samples: readonly PoolSample[], headroom: number): PoolSizing {
  let usedLittle = false;
  const demand = samples.map((s) => {
    const queued = s.active + s.pending;
    if (s.acquireRate !== undefined && s.holdTimeMs !== undefined) {
      const little = s.acquireRate * (s.holdTimeMs / 1000);
      if (little >= queued) usedLittle = true;
      return Math.max(little, queued);
    }
    return queued;
  });
  const peakDemand = quantile(demand, 0.95);
  const rates = samples.map((s) => s.acquireRate).filter((x): x is number => x !== undefined);
  const holds = samples.map((s) => s.holdTimeMs).filter((x): x is number => x !== undefined);
  return {
    peakDemand,
    recommendedSize: Math.max(1, Math.ceil(peakDemand * headroom)),
    basis: usedLittle ? 'littles-law' : 'active-plus-waiting',
    acquireRate: rates.length ? mean(rates) : undefined,
    holdTimeMs: holds.length ? mean(holds) : undefined,
  };
}

function longestRun(flags: readonly boolean[]): { length: number; endIndex: number } {
  let best = 0;
  let bestEnd = -1;
  let cur = 0;
  flags.forEach((f, i) => {
    cur = f ? cur + 1 : 0;
    if (cur > best) [best, bestEnd] = [cur, i];
  });
  return { length: best, endIndex: bestEnd };
}

function sizingText(z: PoolSizing, headroom: number): string {
  const head = `+${Math.round((headroom - 1) * 100)}% headroom`;
  if (z.basis === 'littles-law' && z.acquireRate !== undefined && z.holdTimeMs !== undefined) {
    return `Little's law: ${round(z.acquireRate, 1)} acquisitions/s × ${round(z.holdTimeMs, 1)} ms hold ≈ ${round(z.peakDemand, 1)} busy connections at peak, ${head}`;
  }
  return `peak demand ${round(z.peakDemand, 1)} connections in use or waiting (95th percentile), ${head}`;
}

/** Pool findings: exhaustion, pressure, slow acquisition and oversizing, one pool at a time. */
export function analyzePools(
  snapshots: readonly Snapshot[],
  settings: AnalyzerSettings['pool'] = DEFAULT_ANALYZER_SETTINGS.pool,
): Finding[] {
  const findings: Finding[] = [];
  for (const [name, samples] of samplesByPool(snapshots)) {
    if (samples.length === 0) continue;
    const window = { from: samples[0]!.t, to: samples[samples.length - 1]!.t };
    const size = samples[samples.length - 1]!.size;
    const utilisation = samples.map((s) => s.active / s.size);
    const peakActive = Math.max(...samples.map((s) => s.active));
    const maxPending = Math.max(...samples.map((s) => s.pending));
    const meanPending = mean(samples.map((s) => s.pending));
    const run = longestRun(samples.map((s) => s.active >= s.size));
    const saturatedSamples = samples.filter((s) => s.active >= s.size).length;
    const sizing = recommendPoolSize(samples, settings.headroom);
    const base = {
      size,
      peakActive,
      meanUtilisationPct: round(mean(utilisation) * 100, 1),
      maxPending,
      meanPending: round(meanPending, 2),
      samples: samples.length,
      peakDemand: round(sizing.peakDemand, 2),
      recommendedSize: sizing.recommendedSize,
      ...(sizing.acquireRate !== undefined ? { acquireRatePerSec: round(sizing.acquireRate, 2) } : {}),
      ...(sizing.holdTimeMs !== undefined ? { holdTimeMs: round(sizing.holdTimeMs, 1) } : {}),
    };
    const saturated = run.length >= settings.saturationSamples;
    if (saturated) {
      const recommended = Math.max(sizing.recommendedSize, size + 1);
      const runFrom = samples[run.endIndex - run.length + 1]!.t;
      const runTo = samples[run.endIndex]!.t;
      findings.push({
        id: `pool.saturated:${name}`,
        analyzer: 'pool',
        severity: 'critical',
        target: name,
        title: `Connection pool "${name}" exhausted: ${size === 1 ? 'its only connection' : `all ${size} connections`} busy`,
        evidence: {
          window,
          numbers: {
            ...base,
            recommendedSize: recommended,
            longestSaturatedRun: run.length,
            saturatedSamples,
            saturatedForMs: runTo - runFrom,
          },
          text: `active ≥ size (${size}) for ${run.length} consecutive samples (${Math.round((runTo - runFrom) / 1000)} s; threshold ${settings.saturationSamples}), up to ${plural(maxPending, 'request')} waiting for a connection.`,
        },
        recommendation: `Raise the pool size to ${recommended} (${sizingText(sizing, settings.headroom)}), or shorten how long each request holds its connection.`,
      });
    } else if (mean(utilisation) >= 0.8 || meanPending > 0) {
      findings.push({
        id: `pool.pressure:${name}`,
        analyzer: 'pool',
        severity: 'warning',
        target: name,
        title: `Connection pool "${name}" is running near capacity`,
        evidence: {
          window,
          numbers: base,
          text: `mean utilisation ${formatShare(mean(utilisation))} of ${size} connections, on average ${round(meanPending, 2)} requests waiting.`,
        },
        recommendation: `Plan for ${Math.max(sizing.recommendedSize, size)} connections (${sizingText(sizing, settings.headroom)}) before load grows.`,
      });
    }
    const waits = samples.map((s) => s.waitP95Ms).filter((x): x is number => x !== undefined);
    if (waits.length > 0) {
      const waitP95 = quantile(waits, 0.95);
      if (waitP95 > settings.acquireWaitP95ThresholdMs) {
        findings.push({
          id: `pool.slowAcquire:${name}`,
          analyzer: 'pool',
          severity: 'warning',
          target: name,
          title: `Slow connection acquisition on "${name}": p95 wait ${formatMs(waitP95)}`,
          evidence: {
            window,
            numbers: { ...base, acquireWaitP95Ms: round(waitP95, 1), thresholdMs: settings.acquireWaitP95ThresholdMs },
            text: `acquire wait p95 ${Math.round(waitP95)} ms is above the ${settings.acquireWaitP95ThresholdMs} ms threshold.`,
          },
          recommendation: saturated
            ? `Waits come from exhaustion: raise the pool to ${Math.max(sizing.recommendedSize, size + 1)} connections.`
            : 'Connections are slow to open or validate: check the database server and keep connections warm (min idle).',
        });
      }
    }
    if (
      !saturated &&
      samples.length >= settings.saturationSamples &&
      size >= 4 &&
      peakActive <= settings.oversizeUsedShare * size
    ) {
      const recommended = Math.max(2, sizing.recommendedSize);
      findings.push({
        id: `pool.oversized:${name}`,
        analyzer: 'pool',
        severity: 'info',
        target: name,
        title: `Connection pool "${name}" is much larger than ever used`,
        evidence: {
          window,
          numbers: { ...base, recommendedSize: recommended },
          text: `at most ${peakActive} of ${size} connections were in use (${formatShare(peakActive / size)}) over ${samples.length} samples.`,
        },
        recommendation: `Shrink the pool to about ${recommended} connections (${sizingText(sizing, settings.headroom)}); idle connections hold memory on both sides.`,
      });
    }
  }
  return findings;
}
