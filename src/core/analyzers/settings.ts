/**
 * Thresholds and defaults for every analyzer, the defaults of a typical web service's performance
 * configuration unless noted. The extension maps its settings onto this shape.
 */
export interface AnalyzerSettings {
  pool: {
    /** Consecutive samples with active ≥ size before the pool counts as saturated ("pool exhausted"). */
    saturationSamples: number;
    /** "Long connection wait times": above 5 s. */
    acquireWaitP95ThresholdMs: number;
    /** Multiplier on measured concurrency for the recommended size. */
    headroom: number;
    /** A pool whose peak use stays below this share of its size is oversized. */
    oversizeUsedShare: number;
  };
  cache: {
    /** Hit rate < 0.7 → increase the TTL. */
    minHitRate: number;
    /** Memory usage > 0.8 of the limit → eviction. */
    maxMemoryShare: number;
  };
  bottleneck: {
    /** Alert threshold for response time, seconds (applied to p95). */
    responseTimeSeconds: number;
    /** A query slower than 0.5 s. */
    dbQuerySeconds: number;
    /** Share of service time spent in the database above which it is the bottleneck. */
    dbTimeShare: number;
    /** Cache miss rate > 0.5. */
    cacheMissRate: number;
    /** CPU usage > 80 % of one core. */
    cpuPercent: number;
  };
  leak: {
    /** Memory limit 1024 MB. */
    maxMemoryMb: number;
    /** Current > baseline × 1.5. */
    baselineFactor: number;
    /** Minimum R² of the robust fit before a growth counts as steady. */
    minR2: number;
    /** Growth below this is noise for a dev service, MB per minute. */
    minGrowthMbPerMin: number;
    minSamples: number;
    /** Ten checks one minute apart; shorter windows mostly show start-up warm-up. */
    minSpanMs: number;
  };
  trend: {
    /** One hour. */
    windowMs: number;
    /** 30 days ahead. */
    forecastDays: number;
    /** Growth > 10 % → scale out. */
    scaleOutGrowth: number;
    /** Growth > 5 % → monitor closely. */
    monitorGrowth: number;
    /** |change over the window| / level below this is flat. */
    flatShare: number;
    /** Trend findings need at least this much history (a few seconds of slope is noise). */
    minSpanMs: number;
  };
}

export const DEFAULT_ANALYZER_SETTINGS: AnalyzerSettings = {
  pool: { saturationSamples: 3, acquireWaitP95ThresholdMs: 5000, headroom: 1.25, oversizeUsedShare: 0.25 },
  cache: { minHitRate: 0.7, maxMemoryShare: 0.8 },
  bottleneck: { responseTimeSeconds: 1.0, dbQuerySeconds: 0.5, dbTimeShare: 0.5, cacheMissRate: 0.5, cpuPercent: 80 },
  leak: {
    maxMemoryMb: 1024,
    baselineFactor: 1.5,
    minR2: 0.6,
    minGrowthMbPerMin: 0.5,
    minSamples: 8,
    minSpanMs: 10 * 60_000,
  },
  trend: {
    windowMs: 3_600_000,
    forecastDays: 30,
    scaleOutGrowth: 0.1,
    monitorGrowth: 0.05,
    flatShare: 0.05,
    minSpanMs: 5 * 60_000,
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type AnalyzerSettingsInput = DeepPartial<AnalyzerSettings>;

export function resolveSettings(input: AnalyzerSettingsInput = {}): AnalyzerSettings {
  const d = DEFAULT_ANALYZER_SETTINGS;
  return {
    pool: { ...d.pool, ...input.pool },
    cache: { ...d.cache, ...input.cache },
    bottleneck: { ...d.bottleneck, ...input.bottleneck },
    leak: { ...d.leak, ...input.leak },
    trend: { ...d.trend, ...input.trend },
  };
}
