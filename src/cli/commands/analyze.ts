import type { CliCommand } from '../command';
import type { ParsedArgs } from '../args';
import { durationFlag, flagString, parseArgs, parseDuration } from '../args';
import type { CliIO } from '../io';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { analyzeSnapshots } from '../../core/analyzers/analyze';
import type { AlertStatus } from '../../core/analyzers/alerts/engine';
import { defaultAlertRules } from '../../core/analyzers/alerts/rules';
import { ALERT_USAGE, WEBHOOK_ENV, createCliAlerts } from './alerting';
import type { AlertEvent } from '../../core/analyzers/alerts/types';
import { recordSnapshots, summarizeErrors } from '../../core/analyzers/record';
import { windowJson } from '../../core/insights/json';
import { healthStateLabel } from '../../core/collectors/health';
import type { AnalyzerSettingsInput } from '../../core/analyzers/settings';
import type { Finding } from '../../core/analyzers/types';
import { severityAtLeast } from '../../core/analyzers/types';
import type { Snapshot } from '../../core/session/types';
import { UserError } from '../../core/util/result';
import {
  TARGET_FLAGS,
  TARGET_USAGE,
  WINDOW_GRACE_MS,
  nothingCollectedMessage,
  problemLines,
  sessionFromArgs,
} from './report';
import { formatMs } from '../../shared/format';
import { WindowInterrupt } from '../interrupt';
import {
  PROMETHEUS_BOOLEAN_FLAGS,
  PROMETHEUS_USAGE,
  PROMETHEUS_VALUED_FLAGS,
  runPrometheusAnalyze,
  unusedMetricNames,
  wantsPrometheus,
} from './prometheus';

/**
 * Flags shared by analyze and check: what to attach to (the same target flags as report and watch),
 * for how long, and alert timing.
 */
export const LIVE_FLAGS = [...TARGET_FLAGS, 'alert-for', 'alert-keep-firing', 'max-memory'];

export const LIVE_USAGE = `${TARGET_USAGE}
  --duration D            how long to watch (500ms, 30s, 2m)
  --interval D            time between snapshots (default: duration / 30, between 500ms and 5s)
${ALERT_USAGE}`;

export const WEBHOOK_USAGE = `Alert events are POSTed as Slack-compatible JSON to $${WEBHOOK_ENV} when it is set.
Ctrl-C ends the window early; what was collected is still judged and reported.`;

export interface LiveRun {
  target: string;
  durationMs: number;
  intervalMs: number;
  snapshots: Snapshot[];
  alertEvents: AlertEvent[];
  firing: AlertStatus[];
  deliveryErrors: string[];
  maxMemoryMb: number;
  /** Ctrl-C ended the window before --duration. */
  interrupted: boolean;
}

/** Attaches to --url for --duration, evaluating alert rules on every snapshot as it arrives. */
export async function runLiveWindow(
  args: ParsedArgs,
  io: CliIO,
  defaultDurationMs: number,
  command: string,
): Promise<LiveRun> {
  if (!flagString(args, 'url') && !args.positionals[0])
    throw new UserError(`${command} needs --url, e.g. perflens ${command} --url http://localhost:3000`);
  const durationMs = durationFlag(args, 'duration', { allowZero: true }) ?? defaultDurationMs;
  if (durationMs < 1000) throw new UserError('--duration must be at least 1s: rates need two scrapes.');
  const intervalMs =
    durationFlag(args, 'interval', { allowZero: true }) ?? Math.min(5000, Math.max(500, Math.round(durationMs / 30)));
  if (intervalMs < 100 || intervalMs > durationMs / 2)
    throw new UserError('--interval must be at least 100ms and at most half of --duration.');
  const session = sessionFromArgs(args, command, intervalMs);
  // Checked before watching.
  const { engine, events: alertEvents, deliveryErrors, maxMemoryMb } = createCliAlerts(args, io.env, defaultAlertRules);
  const announce = `Watching ${session.id} for ${durationMs / 1000} s (Ctrl-C to stop early and report)…`;
  const interrupt = new WindowInterrupt(io);
  let snapshots: Snapshot[];
  // A round in flight when the window ends gets the grace, then its requests are stopped.
  session.endBy(Date.now() + durationMs + WINDOW_GRACE_MS);
  try {
    snapshots = await recordSnapshots(
      session,
      durationMs,
      (ms) => {
        // Said only once the Ctrl-C handler is in place, so a Ctrl-C right after reading it is handled.
        io.err(announce);
        return interrupt.wait(ms);
      },
      (s) => engine.evaluate(s),
    );
  } finally {
    interrupt.dispose();
  }
  await engine.flush();
  for (const d of deliveryErrors) io.err(`perflens: alert delivery failed: ${d}`);
  for (const line of unusedMetricNames(args, [...snapshots].reverse().find((s) => s.presets)?.presets))
    io.err(`perflens: ${line}`);
  // A health probe answering "down" (or refused) says the service is not there: nothing to analyze.
  const usable = snapshots.some(
    (s) => s.http || s.process || s.pools || s.caches || (s.health && s.health.state !== 'down'),
  );
  if (!usable)
    throw new UserError(
      nothingCollectedMessage(session.target.baseUrl ?? session.id, snapshots, ` in ${durationMs / 1000} s`),
    );
  return {
    target: session.id,
    durationMs,
    intervalMs,
    snapshots,
    alertEvents,
    firing: engine.firing(),
    deliveryErrors,
    maxMemoryMb,
    interrupted: interrupt.interrupted,
  };
}

/** analyze's and check's flags: the live window's, the Prometheus source's, and the command's own. */
export function parseLiveArgs(argv: string[], ownValued: string[]): ParsedArgs {
  return parseArgs(argv, {
    valued: [...LIVE_FLAGS, ...ownValued, ...PROMETHEUS_VALUED_FLAGS],
    boolean: ['allow-remote', ...PROMETHEUS_BOOLEAN_FLAGS],
  });
}

/** The --json of a live window: its common fields around the command's own (findings, or budget results). */
export function liveRunJson(run: LiveRun, own: Record<string, unknown>): string {
  return JSON.stringify(windowJson({ ...run, alerts: { events: run.alertEvents, firing: run.firing } }, own), null, 2);
}

/** First line of the human output, e.g. "Analyzed http://127.0.0.1:3000 for 60 s (31 snapshots every 2.00 s)". */
export function liveRunHeading(verb: string, run: LiveRun): string {
  const first = run.snapshots[0]!.time;
  const last = run.snapshots[run.snapshots.length - 1]!.time;
  // After Ctrl-C the window is what was watched, not what --duration asked for.
  const every = `${run.snapshots.length} snapshots every ${formatMs(run.intervalMs)}`;
  if (run.interrupted)
    return `${verb} ${run.target} for ${Math.round((last - first) / 1000)} s, stopped early (--duration ${run.durationMs / 1000} s; ${every})`;
  return `${verb} ${run.target} for ${run.durationMs / 1000} s (${every})`;
}

/** Health at the end of the window when it is not healthy, alert events, alerts still firing, and what could not be collected (why a number is missing). */
export function liveRunFooter(run: LiveRun): string[] {
  const lines: string[] = [];
  const health = [...run.snapshots].reverse().find((s) => s.health)?.health;
  if (health && health.state !== 'healthy')
    lines.push(
      '',
      `Health: ${healthStateLabel(health.state)}${health.reasons.length ? `: ${health.reasons.join(' ')}` : ''}`,
    );
  if (run.alertEvents.length || run.firing.length) lines.push('', 'Alerts:');
  for (const e of run.alertEvents)
    lines.push(`  ${new Date(e.at).toISOString()}  ${e.type.toUpperCase().padEnd(8)} ${e.message}`);
  for (const f of run.firing) lines.push(`  still firing: ${f.name}`);
  lines.push(...problemLines(summarizeErrors(run.snapshots)));
  return lines;
}

export function findingLines(f: Finding): string[] {
  // Route findings already name the route in their title.
  const where = f.route && !f.title.includes(f.route) ? ` [${f.route}]` : '';
  return [
    `${f.severity.toUpperCase().padEnd(8)}  ${f.title}${where}`,
    `          ${f.evidence.text}`,
    `          → ${f.recommendation}`,
  ];
}

const USAGE = `Usage: perflens analyze --url URL [--duration 60s] [options] [--json]

Watches a running service for --duration and reports findings from every analyzer: connection
pool saturation and sizing (Little's law), cache hit rate/evictions/memory, slow responses ranked by
cause (database, cache misses, CPU, then network/external), memory leaks, trends and capacity
forecasts; alert rules (p95 > 1 s, error rate > 5%, memory > 80% of the limit, CPU > 80%) run
on every snapshot.

${LIVE_USAGE}
  --pool-wait-threshold D acquire-wait p95 above which the pool analyzer warns (default 5s)
  --leak-min-observation D memory history the leak analyzer needs before it judges growth
                          (default 10m, 1m–24h); a --duration shorter than this reports no leak
${WEBHOOK_USAGE}

${PROMETHEUS_USAGE}
  With --prometheus the analyzers run over the server's last --duration (no waiting): pools and
  caches per instance, slow routes across instances, trends; memory per instance through the alert
  rules (the leak analyzer needs a local process). --json adds instances and serverAlerts.

Exit codes: 0 nothing of warning severity or above, 1 a warning/critical finding or an alert
still firing at the end, 2 bad usage or nothing could be collected.
--json prints {target, durationMs, intervalMs, window: {from, to}, snapshots, findings: Finding[],
alerts: {events: AlertEvent[], firing: AlertStatus[]}, errors: [{source, kind, message, count}]}.`;

const LEAK_OBSERVATION_MIN_MS = 60_000;
const LEAK_OBSERVATION_MAX_MS = 1440 * 60_000;

/** The analyzer thresholds analyze's flags set (the same knobs as the extension's settings). */
export function analyzerSettingsFromFlags(args: ParsedArgs): AnalyzerSettingsInput {
  const settings: AnalyzerSettingsInput = {};
  const poolWait = flagString(args, 'pool-wait-threshold');
  if (poolWait !== undefined) settings.pool = { acquireWaitP95ThresholdMs: parseDuration(poolWait) };
  const observe = flagString(args, 'leak-min-observation');
  if (observe !== undefined) {
    const ms = parseDuration(observe);
    if (ms < LEAK_OBSERVATION_MIN_MS || ms > LEAK_OBSERVATION_MAX_MS)
      throw new UserError(
        `--leak-min-observation ${observe} is out of range: the leak analyzer needs between 1m and 24h of memory history (default 10m).`,
      );
    settings.leak = { minSpanMs: ms };
  }
  return settings;
}

export const analyzeCommand: CliCommand = {
  path: ['analyze'],
  summary: 'Watch a service and report pool, cache, bottleneck, leak and trend findings',
  usage: USAGE,
  async run(argv, io) {
    const args = parseLiveArgs(argv, ['pool-wait-threshold', 'leak-min-observation']);
    const settings = analyzerSettingsFromFlags(args);
    if (wantsPrometheus(args)) return runPrometheusAnalyze(args, io, settings);
    const run = await runLiveWindow(args, io, 60_000, 'analyze');
    settings.leak = { ...settings.leak, maxMemoryMb: run.maxMemoryMb };
    const findings = analyzeSnapshots(run.snapshots, settings);
    const failing = findings.some((f) => severityAtLeast(f.severity, 'warning')) || run.firing.length > 0;
    const code = failing ? EXIT_FINDING : EXIT_OK;
    if (args.flags.has('json')) {
      io.out(liveRunJson(run, { findings }));
      return code;
    }
    const lines = [liveRunHeading('Analyzed', run), ''];
    if (findings.length === 0) {
      // Without a single scrape "within thresholds" would be a claim about numbers never read.
      const scraped = run.snapshots.some((s) => s.http || s.pools || s.caches);
      lines.push(
        scraped
          ? 'No findings: pool, cache, latency, memory and trends are within their thresholds.'
          : 'No findings, but no metrics could be read from the service (see the collection problems below): pool, cache and latency were not judged.',
      );
    }
    for (const f of findings) lines.push(...findingLines(f), '');
    lines.push(...liveRunFooter(run));
    io.out(lines.join('\n').trimEnd());
    return code;
  },
};
