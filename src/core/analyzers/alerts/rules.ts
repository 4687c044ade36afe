import type { Snapshot } from '../../session/types';
import type { AlertRule, RuleSample } from './types';
import { formatMs, formatPercent, formatShare } from '../../../shared/format';

/** Default thresholds: p95 1 s, error rate 5 %, memory 80 % of the limit, CPU 80 % of a core. */
export interface AlertThresholds {
  /** p95 response time, seconds. */
  responseTimeSeconds: number;
  /** Share of failed requests, 0..1. */
  errorRate: number;
  /** Share of the memory limit used by the process's RSS, 0..1. */
  memoryShare: number;
  maxMemoryMb: number;
  /** Process CPU, percent of one core (system CPU when the process is unknown). */
  cpuPercent: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  responseTimeSeconds: 1.0,
  errorRate: 0.05,
  memoryShare: 0.8,
  maxMemoryMb: 1024,
  cpuPercent: 80,
};

export interface AlertTiming {
  forMs: number;
  keepFiringForMs: number;
}

/** A local service is sampled every few seconds: 30 s to fire, 60 s of keep-firing to stop flapping. */
export const DEFAULT_ALERT_TIMING: AlertTiming = { forMs: 30_000, keepFiringForMs: 60_000 };

const one = (v: number | undefined): RuleSample[] =>
  v === undefined || !Number.isFinite(v) ? [] : [{ labels: {}, value: v }];

/** The four built-in alerts as rules; `timing` may differ per rule id. */
export function defaultAlertRules(
  thresholds: Partial<AlertThresholds> = {},
  timing: Partial<AlertTiming> & { perRule?: Record<string, Partial<AlertTiming>> } = {},
): AlertRule[] {
  const th = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  const t = (id: string): AlertTiming => ({
    ...DEFAULT_ALERT_TIMING,
    ...stripUndefined(timing),
    ...timing.perRule?.[id],
  });
  const limitBytes = th.maxMemoryMb * 1024 * 1024;
  return [
    {
      id: 'responseTime',
      name: 'High response time',
      severity: 'warning',
      op: '>',
      threshold: th.responseTimeSeconds,
      ...t('responseTime'),
      read: (s: Snapshot) => one(s.http?.p95Ms !== undefined ? s.http.p95Ms / 1000 : undefined),
      format: (v) => formatMs(v * 1000),
    },
    {
      id: 'errorRate',
      name: 'High error rate',
      severity: 'critical',
      op: '>',
      threshold: th.errorRate,
      ...t('errorRate'),
      read: (s: Snapshot) => one(s.http?.errorRate),
      format: (v) => formatShare(v),
    },
    {
      id: 'memory',
      name: 'High memory usage',
      severity: 'warning',
      op: '>',
      threshold: th.memoryShare,
      ...t('memory'),
      read: (s: Snapshot) => one(s.process ? s.process.rssBytes / limitBytes : undefined),
      format: (v) => formatShare(v),
    },
    {
      id: 'cpu',
      name: 'High CPU usage',
      severity: 'warning',
      op: '>',
      threshold: th.cpuPercent,
      ...t('cpu'),
      read: (s: Snapshot) => one(s.process?.cpuPercent ?? s.system?.cpuPercent),
      format: (v) => formatPercent(v),
    },
  ];
}

function stripUndefined(t: Partial<AlertTiming>): Partial<AlertTiming> {
  const out: Partial<AlertTiming> = {};
  if (t.forMs !== undefined) out.forMs = t.forMs;
  if (t.keepFiringForMs !== undefined) out.keepFiringForMs = t.keepFiringForMs;
  return out;
}
