/**
 * Preloaded into a Node service by `perflens run` (NODE_OPTIONS=--require): starts the
 * OpenTelemetry Node SDK with HTTP and better-sqlite3 instrumentation, exporting spans as OTLP
 * protobuf to the endpoint in the standard OTEL_* variables. The service's code is not changed.
 * Spans still buffered when the process exits are sent first (process.exit waits up to 2 s).
 * A failure here is reported in one line and never stops the service.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { BetterSqlite3Instrumentation } from './betterSqlite3';

const FLUSH_ON_EXIT_MS = 2000;

try {
  const sdk = new NodeSDK({
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [new HttpInstrumentation(), new BetterSqlite3Instrumentation()],
  });
  sdk.start();
  const exit = process.exit.bind(process);
  let exiting = false;
  process.exit = ((code?: number) => {
    if (exiting) return exit(code);
    exiting = true;
    const force = setTimeout(() => exit(code), FLUSH_ON_EXIT_MS);
    void sdk.shutdown().finally(() => {
      clearTimeout(force);
      exit(code);
    });
  }) as typeof process.exit;
} catch (e) {
  process.stderr.write(
    `perflens: tracing could not start in this process (${(e as Error).message}); it runs untraced.\n`,
  );
}
