/**
 * The `--prometheus URL --selector SEL` option shared by `perflens report` and `perflens check`:
 * flag names, target and credentials from flags and environment, reading the report, and its
 * human-readable rendering. The commands call into this when --prometheus is given.
 */
import type { ParsedArgs } from '../args';
import { flagString, maxMemoryFlag, parseDuration, refuseFlags } from '../args';
import type { CliIO } from '../io';
import type { InstanceStats, RouteStats, ServerAlert, Snapshot } from '../../core/session/types';
import type { Concept, PresetOverrides } from '../../core/metrics/presets';
import { CONCEPTS } from '../../core/metrics/presets';
import type { PrometheusReport } from '../../core/prometheus/report';
import { readPrometheusReport } from '../../core/prometheus/report';
import { table } from './report';
import { PrometheusSource } from '../../core/prometheus/source';
import type { PrometheusTarget } from '../../core/prometheus/target';
import { parsePrometheusTarget, prometheusAuthFromEnv } from '../../core/prometheus/target';
import { UserError } from '../../core/util/result';
import { healthStateLabel } from '../../core/collectors/health';
import type { AlertStatus } from '../../core/analyzers/alerts/engine';
import type { AlertEvent } from '../../core/analyzers/alerts/types';
import { createCliAlerts } from './alerting';
import type { BudgetResult, BudgetRule } from '../../core/analyzers/budget';
import { budgetResultJson } from '../../core/analyzers/budget';
import { summarizeErrors } from '../../core/analyzers/record';
import { evaluatePrometheusBudget, instanceAlertRules } from '../../core/prometheus/judge';
import { analyzeSnapshots } from '../../core/analyzers/analyze';
import type { AnalyzerSettingsInput } from '../../core/analyzers/settings';
import type { Finding } from '../../core/analyzers/types';
import { severityAtLeast } from '../../core/analyzers/types';
import { MISSING, formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../shared/format';

/** Flags to add to a command's FlagSpec so it accepts a Prometheus server as its source. */
export const PROMETHEUS_VALUED_FLAGS = ['prometheus', 'selector', 'query-timeout', 'metric-names'] as const;
export const PROMETHEUS_BOOLEAN_FLAGS = ['allow-remote'] as const;

export const PROMETHEUS_USAGE = `Reading from a Prometheus server (several instances, or history the server already holds):
  --prometheus URL       Prometheus (or Thanos, Mimir, VictoriaMetrics) base URL, e.g. http://127.0.0.1:9090
  --selector SEL         label matchers naming the service, e.g. 'job="demo"' or 'job="api", instance=~"10\\\\.0\\\\..*"'
  --duration D           the window read from the server's history, ending now (default 5m; 7d works)
  --query-timeout D      server-side limit per query (default 10s)
  --allow-remote         allow a server that is not on this machine
  --metric-names C=M,…   metric names for concepts when the exporter is not a known preset (also
                         with --url), e.g. httpRequests=api_requests_total,httpDuration=api_latency_seconds
  Credentials from the environment: PERFLENS_PROMETHEUS_TOKEN (bearer), or
  PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD (basic auth).`;

export const DEFAULT_PROMETHEUS_DURATION_MS = 5 * 60_000;

/** Flags that shape a direct scrape, which a Prometheus server does for PerfLens. */
const SCRAPE_ONLY_FLAGS = ['interval', 'metrics-path', 'health-path', 'status-path', 'timeout'] as const;

/**
 * True when the command should read from a Prometheus server instead of attaching to --url.
 * Flags that belong to the other way of reading are refused, not ignored.
 */
export function wantsPrometheus(p: ParsedArgs): boolean {
  if (!p.flags.has('prometheus')) {
    if (p.flags.has('selector'))
      throw new UserError('--selector goes with --prometheus URL (the server to read the selected series from).');
    refuseFlags(
      p,
      ['query-timeout'],
      'without --prometheus (it limits each query to a Prometheus server; --timeout limits a direct scrape)',
    );
    return false;
  }
  if (p.flags.has('url') || p.positionals.length > 0)
    throw new UserError(
      'Give either --url (attach to one service) or --prometheus with --selector (read it from a Prometheus server), not both.',
    );
  refuseFlags(
    p,
    SCRAPE_ONLY_FLAGS,
    'with --prometheus: the server scrapes the service, at its own interval and paths (--query-timeout limits its queries)',
  );
  return true;
}

export function prometheusTargetFromFlags(p: ParsedArgs, io: Pick<CliIO, 'env'>): PrometheusTarget {
  const url = flagString(p, 'prometheus');
  if (!url) throw new UserError('--prometheus needs the server URL, e.g. --prometheus http://127.0.0.1:9090');
  const selector = flagString(p, 'selector');
  if (!selector)
    throw new UserError('--prometheus needs --selector naming the service, e.g. --selector \'job="demo"\'');
  const auth = prometheusAuthFromEnv(io.env);
  if (!auth.ok) throw new UserError(auth.error.message);
  const timeoutText = flagString(p, 'query-timeout');
  const queryTimeoutMs = timeoutText === undefined ? undefined : parseDuration(timeoutText);
  if (queryTimeoutMs !== undefined && !(queryTimeoutMs >= 1))
    throw new UserError('--query-timeout must be at least 1ms.');
  const target = parsePrometheusTarget(url, selector, {
    allowRemote: p.flags.has('allow-remote'),
    ...(auth.value ? { auth: auth.value } : {}),
    ...(queryTimeoutMs !== undefined ? { queryTimeoutMs } : {}),
  });
  if (!target.ok) throw new UserError(target.error.message);
  return target.value;
}

/** `--metric-names httpRequests=api_requests_total,httpDuration=api_latency_seconds` as overrides. */
export function metricNameOverrides(p: ParsedArgs): PresetOverrides {
  const text = flagString(p, 'metric-names');
  if (text === undefined) return {};
  const out: PresetOverrides = {};
  for (const pair of text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-zA-Z]+)=([a-zA-Z_:][a-zA-Z0-9_:]*)$/.exec(pair);
    if (!m)
      throw new UserError(
        `--metric-names: "${pair}" is not CONCEPT=metric_name (e.g. httpRequests=api_requests_total).`,
      );
    if (!(CONCEPTS as readonly string[]).includes(m[1]!))
      throw new UserError(`--metric-names: unknown concept "${m[1]}". Known: ${CONCEPTS.join(', ')}.`);
    out[m[1] as Concept] = m[2]!;
  }
  return out;
}

/**
 * What became of --metric-names: an entry whose metric the scrape (or server) did not have was not
 * used, and the user is told so, with what was read instead. Empty when every entry was used.
 */
export function unusedMetricNames(p: ParsedArgs, presets: Record<string, string> | undefined): string[] {
  return Object.entries(metricNameOverrides(p))
    .filter(([concept]) => !(presets?.[concept] ?? '').endsWith('(override)'))
    .map(
      ([concept, metric]) =>
        `--metric-names ${concept}=${metric} was not used: no ${metric} (with _bucket/_count for a duration) was found${presets?.[concept] ? `; ${concept} was read from ${presets[concept]}` : ''}.`,
    );
}

/** Reads the report for the flags given; any failure is a UserError (exit 2) with the reason. */
export async function readPrometheusReportFromFlags(
  p: ParsedArgs,
  io: Pick<CliIO, 'env' | 'err'>,
): Promise<PrometheusReport> {
  const target = prometheusTargetFromFlags(p, io);
  const durationText = flagString(p, 'duration');
  // A server keeps weeks of history, so days are accepted here too (7d), beside 500ms/30s/2m/1h.
  const days = durationText === undefined ? null : /^(\d+(?:\.\d+)?)d$/.exec(durationText.trim());
  const durationMs =
    durationText === undefined
      ? DEFAULT_PROMETHEUS_DURATION_MS
      : days
        ? Number(days[1]) * 86_400_000
        : parseDuration(durationText);
  if (!(durationMs >= 1000)) throw new UserError('--duration must be at least 1s.');
  const report = await readPrometheusReport(new PrometheusSource({ target, overrides: metricNameOverrides(p) }), {
    durationMs,
  });
  if (!report.ok) throw new UserError(report.error.message);
  for (const line of unusedMetricNames(p, report.value.summary.presets)) io.err(`perflens: ${line}`);
  return report.value;
}

/** Every snapshot of a report, oldest first, summary last: what analyzers and budgets read. */
export function reportSnapshots(report: PrometheusReport): Snapshot[] {
  return [...report.history, report.summary];
}

/** A count as it is, or the shared mark for a missing value. */
const count = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? MISSING : String(v));
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function routeRows(routes: RouteStats[]): string[][] {
  return routes.map((r) => [
    `${r.method ? r.method + ' ' : ''}${r.route}`,
    formatRate(r.requestRate),
    formatShare(r.errorRate),
    formatMs(r.avgMs),
    formatMs(r.p50Ms),
    formatMs(r.p95Ms),
    formatMs(r.p99Ms),
  ]);
}

function instanceRows(list: InstanceStats[]): string[][] {
  return list.map((i) => [
    i.instance,
    i.up ? 'up' : 'DOWN',
    formatRate(i.requestRate),
    formatShare(i.errorRate),
    formatMs(i.p95Ms),
    formatPercent(i.cpuPercent),
    formatBytes(i.rssBytes),
  ]);
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
    `Window ${time(r.window.from)}–${time(r.window.to)} UTC (${seconds} s)${r.scrapeIntervalSeconds ? `, scraped every ${r.scrapeIntervalSeconds} s` : ''}; health ${healthStateLabel(s.health?.state ?? 'unknown')}`,
  ];
  for (const reason of s.health?.reasons ?? []) lines.push(`  ${reason}`);
  if (s.http) {
    lines.push(
      '',
      `Requests ${formatRate(s.http.requestRate)}  errors ${formatShare(s.http.errorRate)}  avg ${formatMs(s.http.avgMs)}  p50 ${formatMs(s.http.p50Ms)}  p95 ${formatMs(s.http.p95Ms)}  p99 ${formatMs(s.http.p99Ms)}`,
    );
    if (s.http.routes.length)
      lines.push('', ...table([['route', 'rate', 'errors', 'avg', 'p50', 'p95', 'p99'], ...routeRows(s.http.routes)]));
  }
  const instances = s.instances ?? [];
  lines.push('', `Instances (${instances.length})`);
  if (instances.length)
    lines.push(...table([['instance', 'state', 'rate', 'errors', 'p95', 'cpu', 'rss'], ...instanceRows(instances)]));
  if (s.pools?.length) {
    lines.push('', 'Pools');
    lines.push(
      ...table([
        ['pool', 'size', 'active', 'idle', 'pending', 'acquires', 'wait p95', 'hold'],
        ...s.pools.map((p) => [
          p.name ?? MISSING,
          count(p.size),
          count(p.active),
          count(p.idle),
          count(p.pending),
          formatRate(p.acquireRate),
          formatMs(p.acquireWaitP95Ms),
          formatMs(p.holdTimeMs),
        ]),
      ]),
    );
  }
  if (s.caches?.length) {
    lines.push('', 'Caches');
    lines.push(
      ...table([
        ['cache', 'hit rate', 'hits', 'misses', 'evictions', 'size', 'max'],
        ...s.caches.map((c) => [
          c.name ?? MISSING,
          formatShare(c.hitRate),
          formatRate(c.hitsPerSec),
          formatRate(c.missesPerSec),
          formatRate(c.evictionsPerSec),
          count(c.size),
          count(c.maxSize),
        ]),
      ]),
    );
  }
  if (s.queries?.length) {
    lines.push('', 'Queries (top 5 by rate, all instances)');
    lines.push(
      ...table([
        ['rate', 'avg', 'p95', 'statement'],
        ...s.queries
          .slice(0, 5)
          .map((q) => [
            formatRate(q.rate),
            formatMs(q.avgMs),
            formatMs(q.p95Ms),
            (q.statement ? `${q.statement}: ` : '') + q.query.replace(/\s+/g, ' ').slice(0, 80),
          ]),
      ]),
    );
  }
  const alerts = s.serverAlerts ?? [];
  lines.push('', alerts.length ? `Server alerts (${alerts.length})` : 'Server alerts: none pending or firing');
  lines.push(...alerts.map(alertLine));
  if (s.errors.length) lines.push('', 'Not read:', ...s.errors.map((e) => `  ${e.kind}: ${e.message}`));
  if (s.presets && Object.keys(s.presets).length) {
    lines.push('', 'Metrics read (concept → metric (preset)):');
    for (const [k, v] of Object.entries(s.presets)) lines.push(`  ${k.padEnd(22)} ${v}`);
  }
  return lines.join('\n');
}

/** `perflens report --prometheus …`: prints the report (or its JSON) and returns the exit code. */
export async function runPrometheusReport(p: ParsedArgs, io: CliIO): Promise<number> {
  const report = await readPrometheusReportFromFlags(p, io);
  io.out(p.flags.has('json') ? JSON.stringify(report, null, 2) : formatPrometheusReport(report));
  return 0;
}

export interface PrometheusAlertRun {
  events: AlertEvent[];
  firing: AlertStatus[];
  deliveryErrors: string[];
}

/**
 * PerfLens's alert rules replayed over the report's history in time order (memory, CPU and
 * "instance down" per instance), with events delivered to $PERFLENS_WEBHOOK_URL when it is set.
 */
export async function replayAlerts(
  report: PrometheusReport,
  p: ParsedArgs,
  io: Pick<CliIO, 'env'>,
): Promise<PrometheusAlertRun> {
  const { engine, events, deliveryErrors } = createCliAlerts(p, io.env, instanceAlertRules);
  for (const s of report.history) engine.evaluate(s);
  await engine.flush();
  return { events, firing: engine.firing(), deliveryErrors };
}

/** `perflens check --prometheus …`: the budget over the window read from the server. */
export async function runPrometheusCheck(p: ParsedArgs, io: CliIO, rules: BudgetRule[]): Promise<number> {
  const report = await readPrometheusReportFromFlags(p, io);
  const results: BudgetResult[] = evaluatePrometheusBudget(rules, report.summary, report.history);
  const alerts = await replayAlerts(report, p, io);
  for (const d of alerts.deliveryErrors) io.err(`perflens: alert delivery failed: ${d}`);
  const passed = results.every((r) => r.status === 'pass');
  const target = `prometheus:${report.server.url}{${report.selector}}`;
  const durationMs = report.window.to - report.window.from;
  if (p.flags.has('json')) {
    io.out(
      JSON.stringify(
        {
          target,
          durationMs,
          window: report.window,
          snapshots: report.history.length + 1,
          passed,
          budget: results.map(budgetResultJson),
          alerts: { events: alerts.events, firing: alerts.firing },
          instances: report.summary.instances ?? [],
          serverAlerts: report.summary.serverAlerts ?? [],
          errors: summarizeErrors(reportSnapshots(report)),
        },
        null,
        2,
      ),
    );
    return passed ? 0 : 1;
  }
  const mark = { pass: 'PASS', fail: 'FAIL', 'no-data': 'NO DATA' } as const;
  const instances = report.summary.instances ?? [];
  const lines = [
    `Checked {${report.selector}} on ${report.server.url} over the last ${durationMs / 1000} s (${instances.length} instance${instances.length === 1 ? '' : 's'}: ${instances.map((i) => i.instance).join(', ')})`,
    '',
  ];
  for (const r of results) lines.push(`${mark[r.status].padEnd(8)} ${r.rule.text.padEnd(24)} ${r.message}`);
  lines.push(
    '',
    passed
      ? 'Budget met.'
      : `Budget broken: ${results
          .filter((r) => r.status !== 'pass')
          .map((r) => r.rule.text)
          .join(', ')}.`,
  );
  if (alerts.events.length || alerts.firing.length) {
    lines.push('', 'Alerts (PerfLens rules over the window):');
    for (const e of alerts.events)
      lines.push(`  ${new Date(e.at).toISOString()}  ${e.type.toUpperCase().padEnd(8)} ${e.message}`);
    for (const f of alerts.firing) lines.push(`  still firing: ${f.name}`);
  }
  const serverAlerts = report.summary.serverAlerts ?? [];
  if (serverAlerts.length) lines.push('', `Server alerts (${serverAlerts.length})`, ...serverAlerts.map(alertLine));
  io.out(lines.join('\n'));
  return passed ? 0 : 1;
}

/**
 * `perflens analyze --prometheus …`: every analyzer over the window's history (pools and caches
 * per instance, slow routes across instances, trends) plus the alert rules. The leak analyzer
 * reads a local process's memory and has nothing to read here; memory is judged per instance by
 * the alert rules instead.
 */
export async function runPrometheusAnalyze(p: ParsedArgs, io: CliIO, settings: AnalyzerSettingsInput): Promise<number> {
  const report = await readPrometheusReportFromFlags(p, io);
  const findings: Finding[] = analyzeSnapshots(report.history, {
    ...settings,
    leak: { ...settings.leak, maxMemoryMb: maxMemoryFlag(p) },
  });
  const alerts = await replayAlerts(report, p, io);
  for (const d of alerts.deliveryErrors) io.err(`perflens: alert delivery failed: ${d}`);
  const failing = findings.some((f) => severityAtLeast(f.severity, 'warning')) || alerts.firing.length > 0;
  const target = `prometheus:${report.server.url}{${report.selector}}`;
  const durationMs = report.window.to - report.window.from;
  if (p.flags.has('json')) {
    io.out(
      JSON.stringify(
        {
          target,
          durationMs,
          intervalMs: report.historyStepSeconds * 1000,
          window: report.window,
          snapshots: report.history.length,
          findings,
          alerts: { events: alerts.events, firing: alerts.firing },
          instances: report.summary.instances ?? [],
          serverAlerts: report.summary.serverAlerts ?? [],
          errors: summarizeErrors(reportSnapshots(report)),
        },
        null,
        2,
      ),
    );
    return failing ? 1 : 0;
  }
  const lines = [
    `Analyzed {${report.selector}} on ${report.server.url} over the last ${durationMs / 1000} s (${report.history.length} points every ${report.historyStepSeconds} s, ${(report.summary.instances ?? []).length} instances)`,
    '',
  ];
  if (findings.length === 0) lines.push('No findings: pools, caches, latency and trends are within their thresholds.');
  for (const f of findings) {
    lines.push(
      `${f.severity.toUpperCase().padEnd(8)}  ${f.title}${f.route ? ` [${f.route}]` : ''}`,
      `          ${f.evidence.text}`,
      `          → ${f.recommendation}`,
      '',
    );
  }
  if (alerts.events.length || alerts.firing.length) {
    lines.push('Alerts (PerfLens rules over the window):');
    for (const e of alerts.events)
      lines.push(`  ${new Date(e.at).toISOString()}  ${e.type.toUpperCase().padEnd(8)} ${e.message}`);
    for (const f of alerts.firing) lines.push(`  still firing: ${f.name}`);
  }
  const serverAlerts = report.summary.serverAlerts ?? [];
  if (serverAlerts.length) lines.push('', `Server alerts (${serverAlerts.length})`, ...serverAlerts.map(alertLine));
  io.out(lines.join('\n').trimEnd());
  return failing ? 1 : 0;
}
