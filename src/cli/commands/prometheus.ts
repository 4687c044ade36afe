/**
 * The `--prometheus URL --selector SEL` option shared by `perflens report` and `perflens check`:
 * flag names, target and credentials from flags and environment, reading the report, and its
 * human-readable rendering. The commands call into this when --prometheus is given.
 */
import type { ParsedArgs } from '../args';
import { flagString, parseDuration } from '../args';
import type { CliIO } from '../io';
import type { InstanceStats, RouteStats, ServerAlert, Snapshot } from '../../core/session/types';
import type { PrometheusReport } from '../../core/prometheus/report';
import { readPrometheusReport } from '../../core/prometheus/report';
import { PrometheusSource } from '../../core/prometheus/source';
import type { PrometheusTarget } from '../../core/prometheus/target';
import { parsePrometheusTarget, prometheusAuthFromEnv } from '../../core/prometheus/target';
import { UserError } from '../../core/util/result';

/** Flags to add to a command's FlagSpec so it accepts a Prometheus server as its source. */
export const PROMETHEUS_VALUED_FLAGS = ['prometheus', 'selector', 'query-timeout'] as const;
export const PROMETHEUS_BOOLEAN_FLAGS = ['allow-remote'] as const;

export const PROMETHEUS_USAGE = `Reading from a Prometheus server (several instances, or history the server already holds):
  --prometheus URL       Prometheus (or Thanos, Mimir, VictoriaMetrics) base URL, e.g. http://127.0.0.1:9090
  --selector SEL         label matchers naming the service, e.g. 'job="demo"' or 'job="api", instance=~"10\\\\.0\\\\..*"'
  --duration D           the window read from the server's history, ending now (default 5m)
  --query-timeout D      server-side limit per query (default 10s)
  --allow-remote         allow a server that is not on this machine
  Credentials from the environment: PERFLENS_PROMETHEUS_TOKEN (bearer), or
  PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD (basic auth).`;

export const DEFAULT_PROMETHEUS_DURATION_MS = 5 * 60_000;

export function wantsPrometheus(p: ParsedArgs): boolean {
  return p.flags.has('prometheus');
}

export function prometheusTargetFromFlags(p: ParsedArgs, io: Pick<CliIO, 'env'>): PrometheusTarget {
  const url = flagString(p, 'prometheus');
  if (!url) throw new UserError('--prometheus needs the server URL, e.g. --prometheus http://127.0.0.1:9090');
  const selector = flagString(p, 'selector');
  if (!selector) throw new UserError('--prometheus needs --selector naming the service, e.g. --selector \'job="demo"\'');
  const auth = prometheusAuthFromEnv(io.env);
  if (!auth.ok) throw new UserError(auth.error.message);
  const timeoutText = flagString(p, 'query-timeout');
  const queryTimeoutMs = timeoutText === undefined ? undefined : parseDuration(timeoutText);
  if (queryTimeoutMs !== undefined && !(queryTimeoutMs >= 1)) throw new UserError('--query-timeout must be at least 1ms.');
  const target = parsePrometheusTarget(url, selector, {
    allowRemote: p.flags.has('allow-remote'),
    ...(auth.value ? { auth: auth.value } : {}),
    ...(queryTimeoutMs !== undefined ? { queryTimeoutMs } : {}),
  });
  if (!target.ok) throw new UserError(target.error.message);
  return target.value;
}

/** Reads the report for the flags given; any failure is a UserError (exit 2) with the reason. */
export async function readPrometheusReportFromFlags(p: ParsedArgs, io: Pick<CliIO, 'env'>): Promise<PrometheusReport> {
  const target = prometheusTargetFromFlags(p, io);
  const durationText = flagString(p, 'duration');
  const durationMs = durationText === undefined ? DEFAULT_PROMETHEUS_DURATION_MS : parseDuration(durationText);
  if (!(durationMs >= 1000)) throw new UserError('--duration must be at least 1s.');
  const report = await readPrometheusReport(new PrometheusSource({ target }), { durationMs });
  if (!report.ok) throw new UserError(report.error.message);
  return report.value;
}

/** Every snapshot of a report, oldest first, summary last: what analyzers and budgets read. */
export function reportSnapshots(report: PrometheusReport): Snapshot[] {
  return [...report.history, report.summary];
}

const num = (v: number | undefined, digits = 1) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

function routeRows(routes: RouteStats[]): string[][] {
  return routes.map((r) => [`${r.method ? r.method + ' ' : ''}${r.route}`, num(r.requestRate, 2), pct(r.errorRate), num(r.avgMs), num(r.p50Ms), num(r.p95Ms), num(r.p99Ms)]);
}

function instanceRows(list: InstanceStats[]): string[][] {
  return list.map((i) => [i.instance, i.up ? 'up' : 'DOWN', num(i.requestRate, 2), pct(i.errorRate), num(i.p95Ms), num(i.cpuPercent), i.rssBytes === undefined ? '-' : num(i.rssBytes / 1048576)]);
}

function alertLine(a: ServerAlert): string {
  const labels = Object.entries(a.labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  const since = a.activeAt ? ` since ${time(a.activeAt)}` : '';
  const summary = a.annotations.summary ?? a.annotations.description;
  return `  ${a.state.toUpperCase().padEnd(7)} ${a.name}${labels ? ` {${labels}}` : ''}${since}${summary ? `: ${summary}` : ''}${a.matchesTarget ? '' : ' (other service)'}`;
}

export function formatPrometheusReport(r: PrometheusReport): string {
  const s = r.summary;
  const seconds = Math.round((r.window.to - r.window.from) / 1000);
  const lines = [
    `Prometheus ${r.server.url}${r.server.version ? ` (${r.server.version})` : ''}  {${r.selector}}`,
    `Window ${time(r.window.from)}–${time(r.window.to)} UTC (${seconds} s)${r.scrapeIntervalSeconds ? `, scraped every ${r.scrapeIntervalSeconds} s` : ''}; health ${s.health?.state ?? 'unknown'}`,
  ];
  for (const reason of s.health?.reasons ?? []) lines.push(`  ${reason}`);
  if (s.http) {
    lines.push('', `Requests ${num(s.http.requestRate, 2)}/s  errors ${pct(s.http.errorRate)}  avg ${num(s.http.avgMs)} ms  p50 ${num(s.http.p50Ms)}  p95 ${num(s.http.p95Ms)}  p99 ${num(s.http.p99Ms)} ms`);
    if (s.http.routes.length) lines.push('', ...table([['route', 'req/s', 'errors', 'avg ms', 'p50', 'p95', 'p99'], ...routeRows(s.http.routes)]));
  }
  const instances = s.instances ?? [];
  lines.push('', `Instances (${instances.length})`);
  if (instances.length) lines.push(...table([['instance', 'state', 'req/s', 'errors', 'p95 ms', 'cpu %', 'rss MB'], ...instanceRows(instances)]));
  if (s.pools?.length) {
    lines.push('', 'Pools');
    lines.push(...table([['pool', 'size', 'active', 'idle', 'pending', 'acquire/s', 'wait p95 ms', 'hold ms'], ...s.pools.map((p) => [p.name ?? '-', num(p.size, 0), num(p.active, 0), num(p.idle, 0), num(p.pending, 0), num(p.acquireRate, 2), num(p.acquireWaitP95Ms, 2), num(p.holdTimeMs)])]));
  }
  if (s.caches?.length) {
    lines.push('', 'Caches');
    lines.push(...table([['cache', 'hit rate', 'hits/s', 'misses/s', 'evictions/s', 'size', 'max'], ...s.caches.map((c) => [c.name ?? '-', pct(c.hitRate), num(c.hitsPerSec, 2), num(c.missesPerSec, 2), num(c.evictionsPerSec, 2), num(c.size, 0), num(c.maxSize, 0)])]));
  }
  const alerts = s.serverAlerts ?? [];
  lines.push('', alerts.length ? `Server alerts (${alerts.length})` : 'Server alerts: none pending or firing');
  lines.push(...alerts.map(alertLine));
  if (s.errors.length) lines.push('', 'Not read:', ...s.errors.map((e) => `  ${e.kind}: ${e.message}`));
  if (s.presets && Object.keys(s.presets).length) lines.push('', `Metrics: ${Object.entries(s.presets).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return lines.join('\n');
}

/** `perflens report --prometheus …`: prints the report (or its JSON) and returns the exit code. */
export async function runPrometheusReport(p: ParsedArgs, io: CliIO): Promise<number> {
  const report = await readPrometheusReportFromFlags(p, io);
  io.out(p.flags.has('json') ? JSON.stringify(report, null, 2) : formatPrometheusReport(report));
  return 0;
}
