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

export const TRACE_VALUED_FLAGS = [
  'port',
  'n-plus-one',
  'slow-statement-ms',
  'max-body',
  'max-inflated',
  'max-spans-per-minute',
  'workspace',
];

export const TRACE_USAGE = `  --port P                 receiver port (default 4318, or a free one when 4318 is taken; 0 = any free one)
  --n-plus-one N           a statement run N or more times under one parent span is an N+1 (default 5)
  --slow-statement-ms MS   a statement whose p95 is at least MS is slow (default 100)
  --max-body BYTES         largest request body taken (default 8388608)
  --max-inflated BYTES     largest size a gzip body may inflate to (default 33554432)
  --max-spans-per-minute N spans stored per minute; the rest are refused (default ${DEFAULT_MAX_SPANS_PER_MINUTE})
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
  startedAt: number;
  close(): Promise<void>;
}

export async function startTracing(args: ParsedArgs, io: CommandIO): Promise<Tracing> {
  const port = positiveInt(args, 'port', 0);
  if (port !== undefined && port > 65535) throw new UserError(`--port must be at most 65535, not ${port}.`);
  const store = await SpanStore.open({ maxSpansPerMinute: positiveInt(args, 'max-spans-per-minute') });
  let receiver: OtlpReceiver;
  try {
    receiver = await startOtlpReceiver({
      sink: store,
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
    startedAt: Date.now(),
    close: async () => {
      await receiver.close();
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

/** Prints the report (JSON or tables); exit 1 when there is a finding. */
export function printTraceReport(
  report: TraceReport,
  t: Tracing,
  io: CommandIO,
  json: boolean,
  extra: Record<string, unknown> = {},
): number {
  const received = { spans: t.receiver.stats.spans, rejectedSpans: t.receiver.stats.rejectedSpans };
  if (json) {
    io.out(JSON.stringify({ endpoint: t.receiver.endpoint, ...extra, received, ...report }, null, 2));
  } else {
    const lines = [`Received ${received.spans} span(s) at ${t.receiver.endpoint}.`];
    if (!report.routes.length) lines.push('', 'No requests were traced (no server spans arrived).');
    else {
      lines.push('', 'route  count  p50  p95  p99  errors  code  db  http  other');
      for (const r of report.routes)
        lines.push(
          [
            r.route,
            r.count,
            formatMs(r.p50Ms),
            formatMs(r.p95Ms),
            formatMs(r.p99Ms),
            `${(r.errorRate * 100).toFixed(1)} %`,
            formatMs(r.breakdown.codeMs),
            formatMs(r.breakdown.dbMs),
            formatMs(r.breakdown.httpMs),
            formatMs(r.breakdown.otherMs),
          ].join('  '),
        );
    }
    for (const f of report.findings) {
      const where = f.location ? ` (${f.location.file}:${f.location.line})` : '';
      lines.push('', `${f.severity}: ${f.title}${where}`, `  ${f.evidence.text}`, `  ${f.recommendation}`);
    }
    io.out(lines.join('\n'));
  }
  return report.findings.length ? EXIT_FINDING : EXIT_OK;
}
