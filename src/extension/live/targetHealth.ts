/**
 * What one attached target's state is, in the words the status bar and the Services view use:
 * not yet known, healthy, degraded, down, or "no health verdict" (its health endpoint answers with
 * nothing that says healthy or not), with the reasons behind it. Pure: no editor API.
 */
import type { AlertStatus } from '../../core/analyzers/alerts/engine';
import type { Snapshot } from '../../core/session/types';

export type HealthLevel = 'unknown' | 'healthy' | 'degraded' | 'down' | 'no-verdict';

export interface TargetHealth {
  level: HealthLevel;
  /** One line each, most important first; empty when healthy. */
  reasons: string[];
}

/** Worst first: the status bar shows the target whose level ranks lowest here. */
export const LEVEL_RANK: Record<HealthLevel, number> = {
  down: 0,
  degraded: 1,
  'no-verdict': 2,
  unknown: 3,
  healthy: 4,
};

/** How a level reads to people (the id 'no-verdict' is for code and JSON). */
export const LEVEL_LABEL: Record<HealthLevel, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  down: 'down',
  unknown: 'unknown',
  'no-verdict': 'no health verdict',
};

export function worseOf(a: HealthLevel, b: HealthLevel): HealthLevel {
  return LEVEL_RANK[a] <= LEVEL_RANK[b] ? a : b;
}

/**
 * Level from the latest snapshot and the target's firing alerts:
 * - down: the health endpoint says so, or neither metrics nor health could be read;
 * - degraded: the health endpoint says degraded, an alert fires, or one source failed;
 * - no-verdict: the health endpoint answers, but says nothing about health (an HTML page, a
 *   redirect, a body without a status) and nothing above is worse: not healthy, not down;
 * - unknown: no snapshot yet (collecting), a process-only target with nothing to read, or a
 *   Prometheus server that could not tell (unreachable, nothing matches the selector);
 * - healthy otherwise.
 */
export function assessTargetHealth(latest: Snapshot | undefined, firing: readonly AlertStatus[] = []): TargetHealth {
  if (!latest) return { level: 'unknown', reasons: ['Collecting the first sample…'] };
  const reasons: string[] = [];
  const scrapeError = latest.errors.find((e) => e.source === 'scrape');
  const healthError = latest.errors.find((e) => e.source === 'health');
  // Read through a Prometheus server: its failures say nothing about the service itself.
  const serverError = latest.errors.find((e) => e.source === 'prometheus' && e.kind !== 'warning');
  if (serverError && !latest.http && !latest.instances?.length)
    return { level: 'unknown', reasons: [`Prometheus server: ${serverError.message}`] };
  const h = latest.health;
  let level: HealthLevel = 'healthy';
  if (h?.state === 'down') {
    level = 'down';
    reasons.push(...(h.reasons.length ? h.reasons : ['The health endpoint reports the service down.']));
  } else if (!h && !latest.http && (scrapeError || healthError)) {
    level = 'down';
    if (scrapeError) reasons.push(`Metrics: ${scrapeError.message}`);
    if (healthError) reasons.push(`Health: ${healthError.message}`);
  } else {
    if (h?.state === 'degraded') {
      level = 'degraded';
      reasons.push(...(h.reasons.length ? h.reasons : ['The health endpoint reports the service degraded.']));
    } else if (h?.state === 'no-verdict') {
      level = 'no-verdict';
      reasons.push(...(h.reasons.length ? h.reasons : ['The health endpoint answers, but with no health verdict.']));
    }
    for (const a of firing) {
      level = worseOf(level, 'degraded');
      reasons.push(`Alert firing: ${a.name}`);
    }
    if (scrapeError && scrapeError.kind !== 'malformed') {
      level = worseOf(level, 'degraded');
      reasons.push(`Metrics: ${scrapeError.message}`);
    }
    if (serverError) {
      level = worseOf(level, 'degraded');
      reasons.push(`Prometheus server: ${serverError.message}`);
    }
    if (healthError && !latest.http) {
      level = worseOf(level, 'degraded');
      reasons.push(`Health: ${healthError.message}`);
    }
    if (!h && !latest.http && !latest.process) {
      level = 'unknown';
      reasons.push('Nothing to read yet: no metrics, health or process numbers.');
    }
  }
  return { level, reasons };
}

/** The health checks that are not healthy, as "name: status (detail)". */
export function failingChecks(latest: Snapshot | undefined): { name: string; status: string; detail?: string }[] {
  return (latest?.health?.checks ?? [])
    .filter((c) => c.status !== 'healthy')
    .map((c) => ({ name: c.name, status: c.status, ...(c.detail ? { detail: c.detail } : {}) }));
}
