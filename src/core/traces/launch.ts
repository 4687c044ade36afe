/**
 * How a command is started with tracing and no code change: the standard OTEL_* variables point
 * every OpenTelemetry SDK it starts at the receiver; Node processes (the command itself, or any
 * node a script starts) preload the PerfLens bootstrap through NODE_OPTIONS; a Python command is
 * wrapped in `opentelemetry-instrument` when that is installed; a JVM gets the agent jar through
 * JAVA_TOOL_OPTIONS when one is given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TracedLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** What was set up, and what could not be, in sentences for the user. */
  notes: string[];
}

export interface LaunchOptions {
  endpoint: string;
  /** dist/otel-bootstrap.js; Node tracing is skipped with a note when undefined. */
  nodeBootstrap?: string;
  /** The OpenTelemetry Java agent jar, when the service is a JVM. */
  javaAgent?: string;
  /** Looks a program up on PATH (injected so tests choose what is installed). */
  which?(program: string): string | undefined;
  /** Spans are exported this often (ms); short, so a run's report is current. */
  exportDelayMs?: number;
}

export function whichOnPath(program: string, envPath = process.env.PATH ?? ''): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of envPath.split(path.delimiter).filter(Boolean))
    for (const ext of exts) {
      const full = path.join(dir, program + ext);
      try {
        fs.accessSync(full, fs.constants.X_OK);
        if (fs.statSync(full).isFile()) return full;
      } catch {
        // not here
      }
    }
  return undefined;
}

const PYTHON = /^(python[0-9.]*|py|gunicorn|uvicorn|flask|django-admin|celery|hypercorn)(\.exe)?$/i;

/** NODE_OPTIONS quotes a path with spaces in double quotes, backslashes and quotes escaped. */
function nodeOptionPath(p: string): string {
  return /[\s"\\]/.test(p) ? `"${p.replace(/(["\\])/g, '\\$1')}"` : p;
}

export function tracedLaunch(
  argv: readonly string[],
  baseEnv: Record<string, string | undefined>,
  opts: LaunchOptions,
): TracedLaunch {
  const [first, ...rest] = argv;
  if (!first) throw new Error('tracedLaunch needs a command');
  const notes: string[] = [];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  const name = path.basename(first).replace(/\.(exe|cmd)$/i, '');
  Object.assign(env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: opts.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: String(opts.exportDelayMs ?? 500),
    OTEL_METRIC_EXPORT_INTERVAL: '5000',
  });
  // An endpoint set for one signal would send that signal elsewhere.
  for (const k of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']) delete env[k];
  env.OTEL_SERVICE_NAME ??= name;
  if (opts.nodeBootstrap) {
    env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${nodeOptionPath(opts.nodeBootstrap)}`].filter(Boolean).join(' ');
    notes.push('Node processes preload the PerfLens tracing bootstrap (HTTP and better-sqlite3 spans).');
  }
  let command = first;
  let args = [...rest];
  const isPython = PYTHON.test(name) || /\.py$/i.test(first);
  if (isPython) {
    const instrument = (opts.which ?? whichOnPath)('opentelemetry-instrument');
    if (instrument) {
      [command, args] = [instrument, [first, ...rest]];
      notes.push(`Python runs under ${instrument}.`);
    } else
      notes.push(
        'Python is not traced: opentelemetry-instrument is not on PATH. Install it with ' +
          '`pip install opentelemetry-distro opentelemetry-exporter-otlp` then `opentelemetry-bootstrap -a install`.',
      );
  }
  if (opts.javaAgent) {
    env.JAVA_TOOL_OPTIONS = [env.JAVA_TOOL_OPTIONS, `-javaagent:${opts.javaAgent}`].filter(Boolean).join(' ');
    notes.push(`JVMs load the agent ${opts.javaAgent}.`);
  }
  return { command, args, env, notes };
}

/** dist/otel-bootstrap.js beside the running bundle, or the built one when running from source. */
export function locateNodeBootstrap(fromDir: string): string | undefined {
  for (const p of [
    path.join(fromDir, 'otel-bootstrap.js'),
    path.resolve(fromDir, '..', '..', '..', 'dist', 'otel-bootstrap.js'),
  ])
    if (fs.existsSync(p)) return p;
  return undefined;
}
