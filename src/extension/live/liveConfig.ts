/** Maps the user's settings onto what the core's sessions, analyzers and alert rules take. */
import { defaultAlertRules } from '../../core/analyzers/alerts/rules';
import type { PerfLensSettings } from '../config';
import type { LiveConfig } from './liveMonitor';

export function liveConfigFrom(s: PerfLensSettings): LiveConfig {
  return {
    enabled: s.monitoringEnabled,
    intervalMs: s.collectionIntervalSeconds * 1000,
    metricsPath: s.metricsPath,
    healthPath: s.healthPath,
    statusPath: s.statusPath,
    requestTimeoutMs: s.requestTimeoutMs,
    maxSeries: s.maxSeriesPerScrape,
    maxRoutes: s.maxRoutesPerRound,
    allowRemote: s.allowRemoteTargets,
    analyzer: {
      pool: { acquireWaitP95ThresholdMs: s.poolAcquireWaitThresholdMs, saturationSamples: s.poolSaturationSamples },
      cache: { minHitRate: s.cacheMinHitRate, maxMemoryShare: s.cacheMaxMemoryShare },
      bottleneck: { responseTimeSeconds: s.alertsResponseTimeSeconds, cpuPercent: s.maxCpuPercent },
      leak: { maxMemoryMb: s.maxMemoryMb, minSpanMs: s.leakMinObservationMinutes * 60_000 },
    },
    alertsEnabled: s.alertsEnabled,
    alertRules: defaultAlertRules(
      {
        responseTimeSeconds: s.alertsResponseTimeSeconds,
        errorRate: s.alertsErrorRate,
        memoryShare: s.alertsMemoryUsage,
        maxMemoryMb: s.maxMemoryMb,
        cpuPercent: s.alertsCpuPercent,
      },
      { forMs: s.alertsForSeconds * 1000, keepFiringForMs: s.alertsKeepFiringForSeconds * 1000 },
    ),
  };
}

/** Settings whose change restarts the sessions (new paths, interval, thresholds or rules). */
export const RESTARTING_SETTINGS: readonly (keyof PerfLensSettings)[] = [
  'monitoringEnabled',
  'allowRemoteTargets',
  'metricsPath',
  'healthPath',
  'statusPath',
  'collectionIntervalSeconds',
  'requestTimeoutMs',
  'maxSeriesPerScrape',
  'maxRoutesPerRound',
  'maxMemoryMb',
  'maxCpuPercent',
  'poolAcquireWaitThresholdMs',
  'poolSaturationSamples',
  'cacheMinHitRate',
  'cacheMaxMemoryShare',
  'leakMinObservationMinutes',
  'alertsEnabled',
  'alertsResponseTimeSeconds',
  'alertsErrorRate',
  'alertsMemoryUsage',
  'alertsCpuPercent',
  'alertsForSeconds',
  'alertsKeepFiringForSeconds',
];

export function needsRestart(before: PerfLensSettings, after: PerfLensSettings): boolean {
  return RESTARTING_SETTINGS.some((k) => before[k] !== after[k]);
}
