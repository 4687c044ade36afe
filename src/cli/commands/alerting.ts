/**
 * The CLI's alert engine, set up in one place for every command that evaluates alerts (analyze and
 * check, live or over a Prometheus server): rules timed by --alert-for / --alert-keep-firing and
 * the memory limit from --max-memory, the engine's own defaults otherwise; events POSTed to
 * $PERFLENS_WEBHOOK_URL when it is set.
 */
import type { ParsedArgs } from '../args';
import { durationFlag, maxMemoryFlag } from '../args';
import type { CliIO } from '../io';
import { AlertEngine } from '../../core/analyzers/alerts/engine';
import type { AlertThresholds, AlertTiming } from '../../core/analyzers/alerts/rules';
import { DEFAULT_ALERT_THRESHOLDS, DEFAULT_ALERT_TIMING } from '../../core/analyzers/alerts/rules';
import type { AlertEvent, AlertRule } from '../../core/analyzers/alerts/types';
import { WebhookAlertHandler } from '../../core/analyzers/alerts/webhook';
import { UserError } from '../../core/util/result';

/** Environment variable holding the alert webhook URL (a secret: never a flag, never a file). */
export const WEBHOOK_ENV = 'PERFLENS_WEBHOOK_URL';

/** The alert flags' help lines, with the defaults the engine uses. */
export const ALERT_USAGE = `  --alert-for D           how long an alert condition must hold before firing (default ${DEFAULT_ALERT_TIMING.forMs / 1000}s)
  --alert-keep-firing D   how long a fired alert stays firing after it clears (default ${DEFAULT_ALERT_TIMING.keepFiringForMs / 1000}s)
  --max-memory SIZE       memory limit for the leak and memory alerts, e.g. 1024MB (default ${DEFAULT_ALERT_THRESHOLDS.maxMemoryMb}MB)`;

export interface CliAlertSettings {
  maxMemoryMb: number;
  timing: AlertTiming;
}

/** The memory limit and alert timing the flags ask for, the defaults where they are not given. */
export function cliAlertSettings(p: ParsedArgs): CliAlertSettings {
  return {
    maxMemoryMb: maxMemoryFlag(p),
    timing: {
      forMs: durationFlag(p, 'alert-for', { allowZero: true }) ?? DEFAULT_ALERT_TIMING.forMs,
      keepFiringForMs:
        durationFlag(p, 'alert-keep-firing', { allowZero: true }) ?? DEFAULT_ALERT_TIMING.keepFiringForMs,
    },
  };
}

/** An engine with what it reported collected, for a command's output once the run is over. */
export interface CliAlerts {
  engine: AlertEngine;
  events: AlertEvent[];
  deliveryErrors: string[];
  maxMemoryMb: number;
}

export type CliAlertRules = (thresholds: Partial<AlertThresholds>, timing: Partial<AlertTiming>) => AlertRule[];

/** Checks the webhook URL first (exit 2 before any watching), then builds the engine. */
export function createCliAlerts(p: ParsedArgs, env: CliIO['env'], rules: CliAlertRules): CliAlerts {
  const webhookUrl = env[WEBHOOK_ENV]?.trim() || undefined;
  // The message never repeats the URL, which is a secret.
  if (webhookUrl && !/^https?:\/\/[^/\s]+/i.test(webhookUrl))
    throw new UserError(`${WEBHOOK_ENV} is set but is not an http(s) URL.`);
  const { maxMemoryMb, timing } = cliAlertSettings(p);
  const engine = new AlertEngine(rules({ maxMemoryMb }, timing), {
    handlers: webhookUrl ? [new WebhookAlertHandler({ url: webhookUrl })] : [],
  });
  const events: AlertEvent[] = [];
  const deliveryErrors: string[] = [];
  engine.onEvent((e) => events.push(e));
  engine.onDeliveryError((d) => deliveryErrors.push(`${d.handler}: ${d.message}`));
  return { engine, events, deliveryErrors, maxMemoryMb };
}
