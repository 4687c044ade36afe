import type { CliCommand } from '../command';
import { flagString, parseArgs, parseDuration } from '../args';
import type { CommandIO } from '../io';
import { EXIT_OK } from '../io';
import { healthStateLabel } from '../../core/collectors/health';
import type { Snapshot } from '../../core/session/types';
import { UserError } from '../../core/util/result';
import { unusedMetricNames } from './prometheus';
import { TARGET_FLAGS, TARGET_USAGE, WINDOW_GRACE_MS, intervalFlag, sessionFromArgs, table } from './report';
import { MISSING, formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../shared/format';

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

/** One line per round, for logs and pipes. */
export function snapshotLine(s: Snapshot): string {
  const parts = [clock(s.time)];
  if (s.health) parts.push(`health=${s.health.state}`);
  if (s.http)
    parts.push(
      `rate=${formatRate(s.http.requestRate)}`,
      `errors=${formatShare(s.http.errorRate)}`,
      `p50=${formatMs(s.http.p50Ms)}`,
      `p95=${formatMs(s.http.p95Ms)}`,
      `p99=${formatMs(s.http.p99Ms)}`,
    );
  for (const p of s.pools ?? [])
    parts.push(
      `pool${p.name ? ':' + p.name : ''}=${p.active ?? MISSING}/${p.size ?? MISSING} pending=${p.pending ?? MISSING}`,
    );
  for (const c of s.caches ?? []) parts.push(`cache${c.name ? ':' + c.name : ''}=${formatShare(c.hitRate)}`);
  if (s.process) parts.push(`cpu=${formatPercent(s.process.cpuPercent)}`, `rss=${formatBytes(s.process.rssBytes)}`);
  if (s.system) parts.push(`sys.cpu=${formatPercent(s.system.cpuPercent, 0)}`);
  for (const e of s.errors) parts.push(`[${e.source}: ${e.kind}]`);
  return parts.join('  ');
}

/** The live table a terminal redraws every round. */
export function snapshotTable(s: Snapshot, target: string): string {
  const lines = [`PerfLens watching ${target}  ${clock(s.time)}  (Ctrl-C to stop)`, ''];
  const h = s.health;
  lines.push(`Health  ${h ? healthStateLabel(h.state) + (h.reasons.length ? ': ' + h.reasons.join('; ') : '') : '-'}`);
  if (s.http) {
    lines.push(
      `HTTP    ${formatRate(s.http.requestRate)}  errors ${formatShare(s.http.errorRate)}  avg ${formatMs(s.http.avgMs)}  p50 ${formatMs(s.http.p50Ms)}  p95 ${formatMs(s.http.p95Ms)}  p99 ${formatMs(s.http.p99Ms)}`,
      '',
    );
    // The same columns as perflens report's route table.
    const rows = s.http.routes
      .slice(0, 15)
      .map((r) => [
        `  ${r.method ? r.method + ' ' : ''}${r.route}`,
        formatRate(r.requestRate),
        formatShare(r.errorRate),
        formatMs(r.avgMs),
        formatMs(r.p50Ms),
        formatMs(r.p95Ms),
        formatMs(r.p99Ms),
      ]);
    lines.push(...table([['  ROUTE', 'RATE', 'ERRORS', 'AVG', 'P50', 'P95', 'P99'], ...rows]), '');
  } else {
    lines.push('HTTP    (waiting for a second scrape)');
  }
  for (const p of s.pools ?? [])
    lines.push(
      `Pool    ${p.name ? p.name + ' ' : ''}active ${p.active ?? MISSING}/${p.size ?? MISSING}  idle ${p.idle ?? MISSING}  pending ${p.pending ?? MISSING}  wait p95 ${formatMs(p.acquireWaitP95Ms)}`,
    );
  for (const c of s.caches ?? [])
    lines.push(
      `Cache   ${c.name ? c.name + ' ' : ''}hit rate ${formatShare(c.hitRate)}  size ${c.size ?? MISSING}${c.maxSize !== undefined ? '/' + c.maxSize : ''}  evictions ${formatRate(c.evictionsPerSec)}`,
    );
  const p = s.process;
  if (p)
    lines.push(
      `Process pid ${p.pid}  CPU ${formatPercent(p.cpuPercent)}  RSS ${formatBytes(p.rssBytes)}${p.heapUsedBytes !== undefined ? `  heap ${formatBytes(p.heapUsedBytes)}` : ''}${p.openConnections !== undefined ? `  ${p.openConnections} TCP connections` : ''}`,
    );
  if (s.system)
    lines.push(
      `System  CPU ${formatPercent(s.system.cpuPercent)}  memory ${formatBytes(s.system.memUsedBytes)} of ${formatBytes(s.system.memTotalBytes)}`,
    );
  if (s.errors.length) lines.push('', ...s.errors.map((e) => `! ${e.source}/${e.kind}: ${e.message}`));
  return lines.join('\n');
}

const USAGE = `Usage: perflens watch --url URL [--interval 1s] [--duration D] [--json]

Shows a service's live numbers: on a terminal a table redrawn every interval (health, request
rate, errors, p50/p95/p99 overall and per route, pools, caches, process, system); otherwise one
line per round. Runs until Ctrl-C, or for --duration.

${TARGET_USAGE}
  --interval D            time between collections (default 1s)
  --duration D            stop after this long (default: until Ctrl-C)

Exit codes: 0 stopped normally, 2 bad usage.
--json prints one Snapshot per line (NDJSON) as the session emits them:
{targetId, time, health?, http?, pools?, caches?, queries?, process?, system?, presets?,
histograms?, intervalSeconds?, errors: [{source, kind, message}]}.`;

export const watchCommand: CliCommand = {
  path: ['watch'],
  summary: "Live table of a service's rates, latencies, health, pools, caches and resources",
  usage: USAGE,
  async run(argv, io: CommandIO) {
    const args = parseArgs(argv, { valued: TARGET_FLAGS, boolean: ['allow-remote'] });
    const intervalMs = intervalFlag(args, 1000);
    const durationText = flagString(args, 'duration');
    const durationMs = durationText === undefined ? undefined : parseDuration(durationText);
    if (durationMs !== undefined && !(durationMs > 0)) throw new UserError('--duration must be longer than 0.');
    const session = sessionFromArgs(args, 'watch', intervalMs);
    const json = args.flags.has('json');
    const live = io.isTTY && !json;
    let presetsChecked = false;
    session.onSnapshot((s) => {
      if (!presetsChecked && s.presets) {
        presetsChecked = true;
        for (const line of unusedMetricNames(args, s.presets)) io.err(`perflens: ${line}`);
      }
      if (json) io.out(JSON.stringify(s));
      else if (live) io.redraw(snapshotTable(s, session.id));
      else io.out(snapshotLine(s));
    });
    let onSigint: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    // A referenced timer keeps the process alive: the session's own timers are unref'd.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      await new Promise<void>((resolve) => {
        onSigint = resolve;
        process.once('SIGINT', onSigint);
        if (durationMs !== undefined) timer = setTimeout(resolve, durationMs);
        session.start();
      });
    } finally {
      if (onSigint) process.off('SIGINT', onSigint);
      if (timer) clearTimeout(timer);
      clearInterval(keepAlive);
      // A round in flight at the end gets the grace, then its requests are stopped.
      session.endBy(Date.now() + WINDOW_GRACE_MS);
      await session.stop();
    }
    return EXIT_OK;
  },
};
