import type { CliCommand } from '../command';
import { durationFlag, parseArgs } from '../args';
import { UserError } from '../../core/util/result';
import { WindowInterrupt } from '../interrupt';
import { TRACE_USAGE, TRACE_VALUED_FLAGS, printTraceReport, startTracing, traceReport } from './tracesShared';

const USAGE = `Usage: perflens otel listen [--port P] --duration D [--json] [options]

Receives OpenTelemetry traces and metrics (OTLP/HTTP, protobuf or JSON) on 127.0.0.1 for D, then
reports per route (count, p50/p95/p99, error rate, where the time went: own code, database,
outbound HTTP, other) and the findings: n-plus-one, slow-statement, repeated-call, error-hot-spot.
Point a service at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:PORT (printed on start).
Ctrl-C ends the window early and reports on what arrived.

${TRACE_USAGE}

Exit codes: 0 no finding; 1 a finding; 2 bad usage.
--json prints {endpoint, received: {spans, rejectedSpans}, routes: [{route, count, p50Ms, p95Ms,
p99Ms, errorRate, breakdown: {codeMs, dbMs, httpMs, otherMs}, slowestTraceId?, errorTraceId?}],
findings: [{kind, route?, statement?, count?, traceId, location?: {file, line}, severity, title,
evidence, recommendation}], metrics?: [<report --json of each service that sent metrics, target
otlp:<service.name>>]}. Metrics received are read like a scrape (request rate, latency percentiles,
error rate from http.server.request.duration or http.server.duration) and reported per service.`;

export const otelListenCommand: CliCommand = {
  path: ['otel', 'listen'],
  summary: 'Receive OpenTelemetry traces for a while and report per route, N+1 and slow statements',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { valued: [...TRACE_VALUED_FLAGS, 'duration'], boolean: [] });
    if (args.positionals.length) throw new UserError(`Unexpected argument ${args.positionals[0]}.`);
    const durationMs = durationFlag(args, 'duration');
    if (durationMs === undefined) throw new UserError('otel listen needs --duration, e.g. --duration 60s.');
    const tracing = await startTracing(args, io);
    const interrupt = new WindowInterrupt(io);
    try {
      io.err(
        `perflens: receiving OTLP at ${tracing.receiver.endpoint} (OTEL_EXPORTER_OTLP_ENDPOINT=${tracing.receiver.endpoint})`,
      );
      await interrupt.wait(durationMs);
      const report = await traceReport(tracing, args, io.cwd);
      return printTraceReport(report, tracing, io, args.flags.has('json'));
    } finally {
      interrupt.dispose();
      await tracing.close();
    }
  },
};
