import type { CliCommand } from '../command';
import type { ParsedArgs } from '../args';
import { durationFlag, flagString, parseArgs } from '../args';
import type { CliIO } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../io';
import type { AttachSession } from '../../core/session/session';
import { createAttachSession } from '../../core/session/session';
import { healthStateLabel } from '../../core/collectors/health';
import type { SessionSummary } from '../../core/session/summary';
import { summarizeErrors, summarizeSnapshots } from '../../core/session/summary';
import type { HealthState, Snapshot } from '../../core/session/types';
import { openHistoryStore } from '../../core/store';
import { MISSING, formatBytes, formatMs, formatPercent, formatRate, formatShare, plural } from '../../shared/format';
import { UserError } from '../../core/util/result';
import { WindowInterrupt } from '../interrupt';
import { reportJson } from '../../core/insights/json';
import {
  PROMETHEUS_BOOLEAN_FLAGS,
  PROMETHEUS_USAGE,
  PROMETHEUS_VALUED_FLAGS,
  metricNameOverrides,
  runPrometheusReport,
  unusedMetricNames,
  wantsPrometheus,
} from './prometheus';

/** Flags every live command of this family takes to say what to attach to. */
export const TARGET_FLAGS = [
  'url',
  'interval',
  'duration',
  'metrics-path',
  'health-path',
  'status-path',
  'timeout',
  'max-series',
  'max-routes',
  'metric-names',
];

export const TARGET_USAGE = `  --url URL               service base URL (http://localhost:3000), a port (3000) or pid:1234;
                          loopback only unless --allow-remote
  --metrics-path P        default /metrics
  --health-path P         default /health; when it answers 404 or gives no health verdict (an HTML
                          page, a redirect, a body without a status), /status, /healthz, /-/healthy
                          and /actuator/health are tried; "reachable, no health verdict" when none
                          gives one (not healthy, not down)
  --status-path P         default /status
  --timeout D             scrape and health timeout (default 2s)
  --max-series N          series kept per scrape (default 50000): above it the largest families
                          are cut, and a warning names them
  --max-routes N          routes per round (default 200): the busiest; the rest are summed as
                          "(other routes)"
  --metric-names C=M,…    metric names for concepts when the exporter is not a known preset, e.g.
                          httpRequests=api_requests_total,httpDuration=api_latency_seconds`;

/** A whole-number flag within [min, max] (throws UserError for exit 2). */
function countFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = flagString(args, name);
  if (text === undefined) return undefined;
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UserError(
      `--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}".`,
    );
  return v;
}

/** Builds the session the flags describe (throws UserError for exit 2). */
export function sessionFromArgs(args: ParsedArgs, command: string, intervalMs: number): AttachSession {
  const url = flagString(args, 'url') ?? args.positionals[0];
  if (!url) throw new UserError(`${command} needs --url, e.g. perflens ${command} --url http://localhost:3000`);
  if (args.positionals.length > (flagString(args, 'url') ? 0 : 1))
    throw new UserError(`Unexpected argument ${args.positionals.at(-1)}.`);
  for (const flag of ['metrics-path', 'health-path', 'status-path']) {
    const p = flagString(args, flag);
    if (p !== undefined && (!p.trim() || /^[a-z]+:\/\//i.test(p)))
      throw new UserError(`--${flag} is a path such as /metrics, not "${p}".`);
  }
  const created = createAttachSession({
    target: url,
    intervalMs,
    allowRemote: args.flags.has('allow-remote'),
    metricsPath: flagString(args, 'metrics-path'),
    healthPath: flagString(args, 'health-path'),
    statusPath: flagString(args, 'status-path'),
    scrapeTimeoutMs: durationFlag(args, 'timeout'),
    maxSeries: countFlag(args, 'max-series', 100, 10_000_000),
    maxRoutes: countFlag(args, 'max-routes', 1, 100_000),
    presetOverrides: metricNameOverrides(args),
  });
  if (!created.ok) throw new UserError(created.error.message);
  return created.value;
}

export function intervalFlag(args: ParsedArgs, fallback: number): number {
  const ms = durationFlag(args, 'interval') ?? fallback;
  if (ms < 100) throw new UserError('--interval must be at least 100ms.');
  return ms;
}

/**
 * How long past --duration the last round may take: then every request still in flight is
 * stopped, so a command never runs longer than its window and this.
 */
export const WINDOW_GRACE_MS = 2000;

const SOURCE_WORDS: Record<string, string> = {
  scrape: 'metrics',
  health: 'health',
  process: 'process',
  system: 'system',
  prometheus: 'Prometheus',
};

/** Why a window yielded nothing usable: one line per source that failed (and a health that was down). */
export function nothingCollectedMessage(target: string, snaps: readonly Snapshot[], within = ''): string {
  const lines = new Map<string, string>();
  for (const e of summarizeErrors(snaps))
    if (!lines.has(e.source)) lines.set(e.source, `${SOURCE_WORDS[e.source] ?? e.source}: ${e.message}`);
  const down = [...snaps].reverse().find((s) => s.health?.state === 'down')?.health;
  if (down && !lines.has('health')) lines.set('health', `health: down (${down.reasons.join('; ')})`);
  return `Nothing could be collected from ${target}${within}${lines.size ? `:\n  ${[...lines.values()].join('\n  ')}` : '.'}`;
}

/** Referenced timer: the session's own timers are unref'd and would let the CLI exit early. */
export const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Collects a round at 0, interval, 2·interval … up to durationMs (the last round lands on the end),
 * or until `stopped()` says the window was cut short (Ctrl-C). Requests still in flight
 * WINDOW_GRACE_MS after the end are stopped, and rounds that fell behind are not started then.
 */
export async function collectWindow(
  session: AttachSession,
  durationMs: number,
  intervalMs: number,
  wait = realWait,
  onSnapshot?: (s: Snapshot) => void,
  stopped = () => false,
): Promise<Snapshot[]> {
  const snaps: Snapshot[] = [];
  const start = Date.now();
  const deadline = start + durationMs + WINDOW_GRACE_MS;
  session.endBy(deadline);
  const rounds = Math.max(1, Math.floor(durationMs / intervalMs));
  for (let i = 0; i <= rounds; i++) {
    const delay = start + Math.min(durationMs, i * intervalMs) - Date.now();
    if (delay > 0) await wait(delay);
    if ((stopped() || Date.now() >= deadline) && snaps.length > 0) break;
    const s = await session.collectOnce();
    snaps.push(s);
    onSnapshot?.(s);
  }
  return snaps;
}

export function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable report. */
export function reportLines(s: SessionSummary, intervalMs: number): string[] {
  const lines = [
    `PerfLens report for ${s.target}: ${(s.window.durationMs / 1000).toFixed(0)} s, ${s.snapshots} snapshots every ${formatMs(intervalMs)}`,
    '',
  ];
  if (s.health) {
    const seen = Object.entries(s.health.statesSeen)
      .map(([k, n]) => `${healthStateLabel(k as HealthState)} ×${n}`)
      .join(', ');
    lines.push(
      `Health   ${healthStateLabel(s.health.state)}${s.health.reasons.length ? `: ${s.health.reasons.join('; ')}` : ''}  (seen: ${seen})`,
    );
  }
  if (s.http) {
    const h = s.http;
    lines.push(
      `HTTP     ${formatRate(h.requestRate)} (${plural(h.requests, 'request')}), errors ${formatShare(h.errorRate)}, avg ${formatMs(h.avgMs)}, p50 ${formatMs(h.p50Ms)}, p95 ${formatMs(h.p95Ms)}, p99 ${formatMs(h.p99Ms)}`,
    );
    if (h.routes.length) {
      lines.push('');
      lines.push(
        ...table([
          ['  ROUTE', 'RATE', 'ERRORS', 'AVG', 'P50', 'P95', 'P99'],
          ...h.routes.map((r) => [
            `  ${r.method ? r.method + ' ' : ''}${r.route}`,
            formatRate(r.requestRate),
            formatShare(r.errorRate),
            formatMs(r.avgMs),
            formatMs(r.p50Ms),
            formatMs(r.p95Ms),
            formatMs(r.p99Ms),
          ]),
        ]),
      );
      lines.push('');
    }
  } else {
    lines.push('HTTP     no request metrics (none recognised, or fewer than two scrapes succeeded)');
  }
  for (const p of s.pools ?? []) {
    lines.push(
      `Pool     ${p.name ? p.name + ': ' : ''}size ${p.size ?? MISSING}${p.max !== undefined ? `/${p.max}` : ''}, active ${p.active ?? MISSING}, idle ${p.idle ?? MISSING}, pending ${p.pending ?? MISSING}, acquires ${formatRate(p.acquireRate)}, wait p95 ${formatMs(p.acquireWaitP95Ms)}, hold ${formatMs(p.holdTimeMs)}`,
    );
  }
  for (const c of s.caches ?? []) {
    lines.push(
      `Cache    ${c.name ? c.name + ': ' : ''}hit rate ${formatShare(c.hitRate)}, size ${c.size ?? MISSING}${c.maxSize !== undefined ? `/${c.maxSize}` : ''}, evictions ${formatRate(c.evictionsPerSec)}, memory ${formatBytes(c.memoryBytes)}`,
    );
  }
  if (s.queries?.length) {
    lines.push('Queries  (top 5 by rate)');
    lines.push(
      ...table(
        s.queries
          .slice(0, 5)
          .map((q) => [
            `  ${formatRate(q.rate)}`,
            `avg ${formatMs(q.avgMs)}`,
            `p95 ${formatMs(q.p95Ms)}`,
            (q.statement ?? q.query).replace(/\s+/g, ' ').slice(0, 80),
          ]),
      ),
    );
  }
  if (s.process) {
    const p = s.process;
    lines.push(
      `Process  pid ${p.pid}: CPU ${formatPercent(p.cpuPercentAvg)} avg (max ${formatPercent(p.cpuPercentMax)}), RSS ${formatBytes(p.rssBytes)} (max ${formatBytes(p.rssBytesMax)})${p.heapUsedBytes !== undefined ? `, heap ${formatBytes(p.heapUsedBytes)}` : ''}${p.openConnections !== undefined ? `, ${p.openConnections} TCP connections` : ''}`,
    );
  }
  if (s.system) {
    const y = s.system;
    lines.push(
      `System   CPU ${formatPercent(y.cpuPercent)}, memory ${formatBytes(y.memUsedBytes)} of ${formatBytes(y.memTotalBytes)}${y.diskTotalBytes ? `, disk ${formatBytes(y.diskUsedBytes)} of ${formatBytes(y.diskTotalBytes)}` : ''}${y.netRxBytesPerSec !== undefined ? `, network in ${formatBytes(y.netRxBytesPerSec)}/s out ${formatBytes(y.netTxBytesPerSec)}/s` : ''}`,
    );
  }
  if (s.presets && Object.keys(s.presets).length) {
    lines.push('', 'Metrics read (concept → metric (preset)):');
    for (const [k, v] of Object.entries(s.presets)) lines.push(`  ${k.padEnd(22)} ${v}`);
  }
  lines.push(...problemLines(s.errors));
  return lines;
}

/** What could not be collected during a window, worded alike by report, analyze and check. */
export function problemLines(errors: SessionSummary['errors']): string[] {
  if (errors.length === 0) return [];
  return ['', 'Collection problems:', ...errors.map((e) => `  ${e.source} (${e.count}×): ${e.message}`)];
}

const USAGE = `Usage: perflens report --url URL [--duration 30s] [--interval 5s] [--history FILE] [--json]
       perflens report --prometheus URL --selector 'job="api"' [--duration 5m] [--json]

Attaches to a running service for --duration and reports what it saw: request rate, error rate
(5xx share), latency (avg, p50, p95, p99) overall and per route, health, connection pools, caches,
the busiest queries, the process (CPU, RSS, heap, TCP connections), the machine (CPU, memory, disk,
network) and which exporter preset each metric was read with. Rates cover the whole window;
percentiles come from the window's merged histogram buckets.

${TARGET_USAGE}
  --duration D            how long to watch (default 30s; at least 1s: rates need two scrapes)
  --interval D            time between collections (default: duration / 10, between 1s and 5s)
  --history FILE          also record the snapshots into this PerfLens history file (created if
                          missing; an existing file that is not a PerfLens history is refused
                          and left untouched)

Ctrl-C ends the window early; what was collected is still reported (and saved to --history).
Exit codes: 0 reported, 2 bad usage, nothing could be collected, or --history could not be used or
written.
--json prints {target, window: {from, to, durationMs}, intervalMs, snapshots, measuredSeconds,
health?, http?: {requestRate, errorRate, requests, avgMs?, p50Ms?, p95Ms?, p99Ms?, routes: [...]},
pools?, caches?, queries?, process?, system?, presets?, errors: [{source, kind, message, count}],
history?: {file, movedAside?, error?}}.

${PROMETHEUS_USAGE}
  With --prometheus the report covers the last --duration of the server's history at once (no
  waiting), per instance. --json prints {server: {url, version?}, selector, window: {from, to},
  scrapeIntervalSeconds?, summary: Snapshot (with instances and serverAlerts), history: Snapshot[],
  historyStepSeconds}.`;

export const reportCommand: CliCommand = {
  path: ['report'],
  summary: 'Watch a service for a while and report rates, latencies, health, process and system',
  usage: USAGE,
  async run(argv, io: CliIO) {
    const args = parseArgs(argv, {
      valued: [...TARGET_FLAGS, 'history', 'db', ...PROMETHEUS_VALUED_FLAGS],
      boolean: ['allow-remote', ...PROMETHEUS_BOOLEAN_FLAGS],
    });
    // --db names an application's database (explain); a history given there could be that database.
    if (args.flags.has('db'))
      throw new UserError(
        'report records into a PerfLens history file with --history FILE; --db is the application database that explain reads.',
      );
    if (wantsPrometheus(args)) {
      if (args.flags.has('history'))
        throw new UserError(
          '--history records what PerfLens collects itself; with --prometheus the server already keeps the history.',
        );
      return runPrometheusReport(args, io);
    }
    const durationMs = durationFlag(args, 'duration') ?? 30_000;
    if (durationMs < 1000) throw new UserError('--duration must be at least 1s: rates need two scrapes.');
    const intervalMs = intervalFlag(args, Math.min(5000, Math.max(1000, Math.round(durationMs / 10))));
    if (intervalMs > durationMs) throw new UserError('--interval must not be longer than --duration.');
    const session = sessionFromArgs(args, 'report', intervalMs);
    const historyPath = flagString(args, 'history');
    const store = historyPath ? await openHistoryStore({ file: historyPath }) : undefined;
    if (store && !store.ok)
      throw new UserError(
        store.error.kind === 'refused'
          ? `${store.error.message} Pass a new file name to --history.`
          : store.error.message,
      );
    const history = store?.value;
    if (history?.movedAside) io.err(`perflens: ${history.movedAside.reason}`);
    let snaps: Snapshot[];
    let saveError: string | undefined;
    const interrupt = new WindowInterrupt(io);
    io.err(`Watching ${session.id} for ${durationMs / 1000} s (Ctrl-C to stop early and report)…`);
    try {
      snaps = await collectWindow(
        session,
        durationMs,
        intervalMs,
        interrupt.wait,
        (s) => history?.recordSnapshot(s),
        () => interrupt.interrupted,
      );
    } finally {
      interrupt.dispose();
      await session.stop();
      const saved = await history?.close();
      if (saved && !saved.ok) saveError = saved.error.message;
    }
    const summary = summarizeSnapshots(session.id, snaps);
    for (const line of unusedMetricNames(args, summary.presets)) io.err(`perflens: ${line}`);
    const usable = snaps.some(
      (s) => s.http || s.pools || s.caches || s.process || (s.health && s.health.state !== 'down'),
    );
    if (!usable) throw new UserError(nothingCollectedMessage(session.target.baseUrl ?? session.id, snaps));
    if (args.flags.has('json')) {
      const out = reportJson(
        summary,
        intervalMs,
        historyPath
          ? {
              file: historyPath,
              ...(history?.movedAside ? { movedAside: history.movedAside } : {}),
              ...(saveError ? { error: saveError } : {}),
            }
          : undefined,
      );
      io.out(JSON.stringify(out, null, 2));
    } else {
      io.out(reportLines(summary, intervalMs).join('\n'));
      if (historyPath && !saveError) io.out(`\nRecorded ${snaps.length} snapshots into ${historyPath}.`);
    }
    // The report stands, but the history asked for was not written: that is a failed run.
    if (saveError)
      io.err(
        `perflens: ${saveError.replace(/\.?$/, '.')} The report above was not recorded; choose a writable --history path.`,
      );
    return saveError ? EXIT_USAGE : EXIT_OK;
  },
};
