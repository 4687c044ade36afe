import type { CacheStats, Snapshot } from '../session/types';
import { mean, theilSenFit } from '../util/stats';
import type { AnalyzerSettings } from './settings';
import { DEFAULT_ANALYZER_SETTINGS } from './settings';
import type { Finding } from './types';
import { round } from './types';
import { formatBytes, formatShare } from '../../shared/format';

interface CacheSample {
  t: number;
  hitRate?: number;
  hits?: number;
  misses?: number;
  evictions?: number;
  size?: number;
  maxSize?: number;
  memory?: number;
  memoryLimit?: number;
}

function toSample(t: number, c: CacheStats): CacheSample {
  const hitRate =
    c.hitRate ??
    (c.hitsPerSec !== undefined && c.missesPerSec !== undefined && c.hitsPerSec + c.missesPerSec > 0
      ? c.hitsPerSec / (c.hitsPerSec + c.missesPerSec)
      : undefined);
  return {
    t,
    hitRate,
    hits: c.hitsPerSec,
    misses: c.missesPerSec,
    evictions: c.evictionsPerSec,
    size: c.size,
    maxSize: c.maxSize,
    memory: c.memoryBytes,
    memoryLimit: c.memoryLimitBytes,
  };
}

/** Hit rate over samples: request-weighted when hit and miss rates are known, else the mean. */
export function windowHitRate(samples: readonly CacheSample[]): number | undefined {
  const withCounts = samples.filter((s) => s.hits !== undefined && s.misses !== undefined);
  if (withCounts.length > 0) {
    const hits = withCounts.reduce((a, s) => a + s.hits!, 0);
    const total = withCounts.reduce((a, s) => a + s.hits! + s.misses!, 0);
    if (total > 0) return hits / total;
  }
  const rates = samples.map((s) => s.hitRate).filter((x): x is number => x !== undefined);
  return rates.length ? mean(rates) : undefined;
}

function lastDefined<T>(xs: readonly (T | undefined)[]): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== undefined) return xs[i];
  return undefined;
}

/** Cache findings: low or falling hit rate (with a cold start told apart), evictions, memory. */
export function analyzeCaches(
  snapshots: readonly Snapshot[],
  settings: AnalyzerSettings['cache'] = DEFAULT_ANALYZER_SETTINGS.cache,
): Finding[] {
  const byName = new Map<string, CacheSample[]>();
  for (const s of snapshots) {
    for (const c of s.caches ?? []) {
      const key = c.name ?? 'cache';
      const list = byName.get(key) ?? [];
      list.push(toSample(s.time, c));
      byName.set(key, list);
    }
  }
  const findings: Finding[] = [];
  for (const [name, samples] of byName) {
    if (samples.length === 0) continue;
    const window = { from: samples[0]!.t, to: samples[samples.length - 1]!.t };
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const overall = windowHitRate(samples);
    const early = windowHitRate(samples.slice(0, quarter));
    const recent = windowHitRate(samples.slice(-quarter));
    const rated = samples.filter((s) => s.hitRate !== undefined);
    const trend =
      rated.length >= 3
        ? theilSenFit(
            rated.map((s) => (s.t - window.from) / 60_000),
            rated.map((s) => s.hitRate!),
          )
        : undefined;
    const trendPerMin = trend?.slope ?? 0;
    const spanMin = (window.to - window.from) / 60_000;
    const evictions = mean(samples.map((s) => s.evictions).filter((x): x is number => x !== undefined));
    const misses = mean(samples.map((s) => s.misses).filter((x): x is number => x !== undefined));
    const size = lastDefined(samples.map((s) => s.size));
    const maxSize = lastDefined(samples.map((s) => s.maxSize));
    const fill = size !== undefined && maxSize ? size / maxSize : undefined;
    const numbers: Record<string, number | string> = { samples: samples.length };
    if (overall !== undefined) numbers.hitRate = round(overall, 4);
    if (recent !== undefined) numbers.recentHitRate = round(recent, 4);
    if (early !== undefined) numbers.earlyHitRate = round(early, 4);
    if (trend) numbers.hitRateTrendPerMin = round(trendPerMin, 5);
    if (Number.isFinite(evictions)) numbers.evictionsPerSec = round(evictions, 3);
    if (Number.isFinite(misses)) numbers.missesPerSec = round(misses, 3);
    if (size !== undefined) numbers.size = size;
    if (maxSize !== undefined) numbers.maxSize = maxSize;
    if (fill !== undefined) numbers.fillPct = round(fill * 100, 1);

    const min = settings.minHitRate;
    if (overall !== undefined && recent !== undefined) {
      const warming = early !== undefined && early < min && recent >= min && trendPerMin > 0;
      if (warming) {
        findings.push({
          id: `cache.warming:${name}`,
          analyzer: 'cache',
          severity: 'info',
          target: name,
          title: `Cache "${name}" is warming up (cold start)`,
          evidence: {
            window,
            numbers,
            text: `hit rate rose from ${formatShare(early)} to ${formatShare(recent)} (${round(trendPerMin * 100, 2)} points/min); the window average ${formatShare(overall)} is below ${formatShare(min, 0)} only because the cache started empty.`,
          },
          recommendation: 'No change needed. If cold starts hurt after deploys, pre-warm the hottest keys at startup.',
        });
      } else if (recent < min) {
        const full = fill !== undefined && fill >= 0.9 && Number.isFinite(evictions) && evictions > 0;
        // Advice quotes only what was read from the service: its TTL is not exposed, so no TTL
        // (or size derived from one) is named.
        let recommendation: string;
        if (maxSize === 0) {
          // A cache configured to hold nothing misses every lookup: TTL advice would be beside the point.
          recommendation =
            'The cache holds no entries (its maximum size is 0), so every lookup misses: give it room (a max size of at least the number of hot keys), or remove the lookups if it is disabled on purpose.';
        } else if (full) {
          recommendation = `The cache is full (${formatShare(fill)}) and evicts ${round(evictions, 2)} entries/s, so entries leave before they are reused: raise maxSize above ${maxSize}, then check that evictions fall and the hit rate (${formatShare(recent)}) rises.`;
        } else {
          const why =
            fill !== undefined
              ? `Misses are not caused by evictions (cache ${formatShare(fill)} full)`
              : 'Misses are not explained by the cache being full';
          recommendation = `${why}: entries expire before they are reused, or keys are rarely repeated. Lengthen the TTL of hot keys, and check that cache keys do not include per-request values.`;
        }
        findings.push({
          id: `cache.lowHitRate:${name}`,
          analyzer: 'cache',
          severity: recent < min / 2 ? 'critical' : 'warning',
          target: name,
          title: `Cache "${name}" hit rate ${formatShare(recent)} is below ${formatShare(min, 0)}`,
          evidence: {
            window,
            numbers,
            text: `hit rate ${formatShare(recent)} over the last quarter of the window (${formatShare(overall)} overall), threshold ${formatShare(min, 0)}.`,
          },
          recommendation,
        });
      } else if (trend && trendPerMin * spanMin < -0.1) {
        findings.push({
          id: `cache.hitRateFalling:${name}`,
          analyzer: 'cache',
          severity: 'warning',
          target: name,
          title: `Cache "${name}" hit rate is falling`,
          evidence: {
            window,
            numbers,
            text: `hit rate fell ${round(-trendPerMin * spanMin * 100, 1)} points over ${round(spanMin, 1)} min (now ${formatShare(recent)}).`,
          },
          recommendation:
            'The working set is outgrowing the cache or keys changed: compare the eviction rate and key patterns with before the drop.',
        });
      }
    }
    const memShares = samples
      .filter((s) => s.memory !== undefined && s.memoryLimit !== undefined && s.memoryLimit > 0)
      .map((s) => ({ share: s.memory! / s.memoryLimit!, s }));
    if (memShares.length > 0) {
      const last = memShares[memShares.length - 1]!;
      if (last.share > settings.maxMemoryShare) {
        const perEntry = last.s.size ? last.s.memory! / last.s.size : undefined;
        const fitEntries = perEntry
          ? Math.floor((settings.maxMemoryShare * last.s.memoryLimit!) / perEntry)
          : undefined;
        findings.push({
          id: `cache.memory:${name}`,
          analyzer: 'cache',
          severity: last.share > 0.95 ? 'critical' : 'warning',
          target: name,
          title: `Cache "${name}" uses ${formatShare(last.share)} of its memory limit`,
          evidence: {
            window,
            numbers: {
              ...numbers,
              memoryBytes: last.s.memory!,
              memoryLimitBytes: last.s.memoryLimit!,
              memoryShare: round(last.share, 4),
              threshold: settings.maxMemoryShare,
              ...(fitEntries !== undefined ? { maxEntriesUnderThreshold: fitEntries } : {}),
            },
            text: `${formatBytes(last.s.memory)} of ${formatBytes(last.s.memoryLimit)} (threshold ${formatShare(settings.maxMemoryShare, 0)}).`,
          },
          recommendation:
            fitEntries !== undefined
              ? `At ${Math.round(perEntry!)} bytes per entry, cap the cache at ${fitEntries} entries to stay under ${formatShare(settings.maxMemoryShare, 0)} of the limit, or raise the limit.`
              : 'Enable LRU eviction with a size cap, clear expired entries more often, or raise the memory limit.',
        });
      }
    }
  }
  return findings;
}
