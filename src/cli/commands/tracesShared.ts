/** What `otel listen` and `run` share: the receiver and store they start, their flags, and the report. */
import type { ParsedArgs } from '../args';
import { flagString } from '../args';
import type { CommandIO } from '../io';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { analyzeTraces, DEFAULT_TRACE_INSIGHT_SETTINGS, type TraceReport } from '../../core/traces/analyze';
import { startOtlpReceiver, type OtlpReceiver } from '../../core/traces/receiver';
import { SpanStore, DEFAULT_MAX_SPANS_PER_MINUTE } from '../../core/traces/spanStore';
import { scanWorkspace } from '../../core/queries/workspace';
import { UserError } from '../../core/util/result';
import { formatMs } from '../../shared/format';
import { OtlpMetricsHub } from '../../core/traces/metricsHub';
import type { Snapshot } from '../../core/session/types';
import { summarizeSnapshots } from '../../core/session/summary';
import { reportJson, type ReportJson } from '../../core/insights/json';
import { reportLines, table } from './report';

/** Snapshots kept per service for the run's metrics summary (a day of exports every minute). */
const MAX_SNAPSHOTS_PER_SERVICE = 1440;

export const TRACE_VALUED_FLAGS = [
  'port',
  'n-plus-one',
  'slow-statement-ms',
  'max-body',
  'max-inflated',
  'max-spans-per-minute',
  'max-series',
  'max-routes',
  'workspace',
];

export const TRACE_USAGE = `  --port P                 receiver port (default 4318, or a free one when 4318 is taken; 0 = any free one)
  --n-plus-one N           a statement run N or more times under one parent span is an N+1 (default 5)
  --slow-statement-ms MS   a statement whose p95 is at least MS is slow (default 100)
  --max-body BYTES         largest request body taken (default 8388608)
  --max-inflated BYTES     largest size a gzip body may inflate to (default 33554432)
  --max-spans-per-minute N spans stored per minute; the rest are refused (default ${DEFAULT_MAX_SPANS_PER_MINUTE})
  --max-series N           OTLP metric series kept per service (default 50000), as report's --max-series
  --max-routes N           routes per metrics snapshot (default 200), as report's --max-routes
  --workspace DIR          where to find the SQL that statements are joined to (default: the current folder)`;

function positiveInt(args: ParsedArgs, flag: string, min = 1): number | undefined {
  const text = flagString(args, flag);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UserError(`--${flag} must be a whole number of at least ${min}, not "${text}".`);
  return n;
}

export interface Tracing {
  receiver: OtlpReceiver;
  store: SpanStore;
  /** Snapshots of the metrics received, per service (target id otlp:<service.name>), oldest first. */
  metrics: Map<string, Snapshot[]>;
  startedAt: number;
  close(): Promise<void>;
}

export async function startTracing(args: ParsedArgs, io: CommandIO): Promise<Tracing> {
  const port = positiveInt(args, 'port', 0);
  if (port !== undefined && port > 65535) throw new UserError(`--port must be at most 65535, not ${port}.`);
  const store = await SpanStore.open({ maxSpansPerMinute: positiveInt(args, 'max-spans-per-minute') });
  const metrics = new Map<string, Snapshot[]>();
  const hub = new OtlpMetricsHub({
    maxSeries: positiveInt(args, 'max-series', 100),
    maxRoutes: positiveInt(args, 'max-routes'),
    onRefused: (m) => io.err(`perflens: ${m}`),
  });
  hub.onSnapshot(({ snapshot }) => {
    let list = metrics.get(snapshot.targetId);
    if (!list) metrics.set(snapshot.targetId, (list = []));
    list.push(snapshot);
    if (list.length > MAX_SNAPSHOTS_PER_SERVICE) list.shift();
  });
  let receiver: OtlpReceiver;
  try {
    receiver = await startOtlpReceiver({
      sink: store,
      onMetrics: (families) => hub.receive(families),
      port,
      maxBodyBytes: positiveInt(args, 'max-body'),
      maxInflatedBytes: positiveInt(args, 'max-inflated'),
    });
  } catch (e) {
    store.close();
    throw new UserError((e as Error).message);
  }
  if (receiver.portNote) io.err(`perflens: ${receiver.portNote}`);
  return {
    receiver,
    store,
    metrics,
    startedAt: Date.now(),
    close: async () => {
      await receiver.close();
      hub.dispose();
      store.close();
    },
  };
}

export async function traceReport(t: Tracing, args: ParsedArgs, cwd: string): Promise<TraceReport> {
  await t.store.idle();
  const workspace = await scanWorkspace(flagString(args, 'workspace') ?? cwd).catch(() => ({ statements: [] }));
  return analyzeTraces(
    t.store,
    { from: t.startedAt - 60_000, to: Date.now() + 1000 },
    {
      ...DEFAULT_TRACE_INSIGHT_SETTINGS,
      nPlusOneThreshold: positiveInt(args, 'n-plus-one', 2) ?? DEFAULT_TRACE_INSIGHT_SETTINGS.nPlusOneThreshold,
      slowStatementMs: positiveInt(args, 'slow-statement-ms') ?? DEFAULT_TRACE_INSIGHT_SETTINGS.slowStatementMs,
    },
    workspace.statements,
  );
}

/** The typical time between two exports of a service (ms), the "interval" of its summary. */
function exportIntervalMs(snaps: readonly Snapshot[]): number {
  const gaps = snaps.flatMap((s) => (s.intervalSeconds ? [s.intervalSeconds * 1000] : [])).sort((a, b) => a - b);
  return gaps.length ? Math.round(gaps[Math.floor(gaps.length / 2)]!) : 0;
}

/**
 * The metrics received over OTLP, one summary per service, built as `perflens report` builds its
 * own (the same summary and JSON shape), so a pushed service reads like a scraped one.
 */
export function metricsSummaries(t: Pick<Tracing, 'metrics'>): { summary: ReportJson; intervalMs: number }[] {
  return [...t.metrics].map(([target, snaps]) => {
    const intervalMs = exportIntervalMs(snaps);
    return { summary: reportJson(summarizeSnapshots(target, snaps), intervalMs), intervalMs };
  });
}

/** Prints the report (JSON or tables); exit 1 when there is a finding. */
export function printTraceReport(
  report: TraceReport,
  t: Tracing,
  io: CommandIO,
  json: boolean,
  extra: Record<string, unknown> = {},
): number {
  const received = { spans: t.receiver.stats.spans, rejectedSpans: t.receiver.stats.rejectedSpans };
  const metrics = metricsSummaries(t);
  if (json) {
    const summaries = metrics.length ? { metrics: metrics.map((m) => m.summary) } : {};
    io.out(JSON.stringify({ endpoint: t.receiver.endpoint, ...extra, received, ...report, ...summaries }, null, 2));
  } else {
    const lines = [`Received ${received.spans} span(s) at ${t.receiver.endpoint}.`];
    if (!report.routes.length) lines.push('', 'No requests were traced (no server spans arrived).');
    else {
      const rows = report.routes.map((r) => [
        r.route,
        String(r.count),
        formatMs(r.p50Ms),
        formatMs(r.p95Ms),
        formatMs(r.p99Ms),
        `${(r.errorRate * 100).toFixed(1)} %`,
        formatMs(r.breakdown.codeMs),
        formatMs(r.breakdown.dbMs),
        formatMs(r.breakdown.httpMs),
        formatMs(r.breakdown.otherMs),
      ]);
      lines.push(
        '',
        ...table([['ROUTE', 'COUNT', 'P50', 'P95', 'P99', 'ERRORS', 'CODE', 'DB', 'HTTP', 'OTHER'], ...rows]),
      );
    }
    for (const f of report.findings) {
      const where = f.location ? ` (${f.location.file}:${f.location.line})` : '';
      lines.push('', `${f.severity}: ${f.title}${where}`, `  ${f.evidence.text}`, `  ${f.recommendation}`);
    }
    for (const m of metrics) lines.push('', ...reportLines(m.summary, m.intervalMs));
    io.out(lines.join('\n'));
  }
  return report.findings.length ? EXIT_FINDING : EXIT_OK;
}
