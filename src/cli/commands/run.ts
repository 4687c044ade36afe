import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { durationFlag, flagString, parseArgs } from '../args';
import { UserError } from '../../core/util/result';
import { locateNodeBootstrap, tracedLaunch } from '../../core/traces/launch';
import { TRACE_USAGE, TRACE_VALUED_FLAGS, printTraceReport, startTracing, traceReport } from './tracesShared';

const USAGE = `Usage: perflens run [--json] [--duration D] [options] -- <command…>

Starts <command> traced with no code change, receives its spans, and when it exits (or after D,
when it is stopped with SIGTERM) reports per route and the findings, as \`otel listen\` does.
The command gets the standard OTEL_* variables pointing at PerfLens's receiver. Node processes it
starts preload PerfLens's bundled OpenTelemetry bootstrap (HTTP server and client spans, and
better-sqlite3 statements); a Python command runs under opentelemetry-instrument when that is on
PATH; a JVM loads the OpenTelemetry Java agent given with --java-agent. A service that already
exports OTLP needs nothing more. With --json the command's own output goes to stderr.

  --duration D             stop the command after D (default: wait until it exits; Ctrl-C stops it)
  --java-agent JAR         the OpenTelemetry Java agent (opentelemetry-javaagent.jar) for a JVM service
${TRACE_USAGE}

Exit codes: 0 no finding; 1 a finding; 2 bad usage or the command could not start.
--json prints what \`otel listen --json\` prints (with metrics: [...] when the command sent OTLP
metrics; Node processes do, through the bootstrap), plus command: {exitCode, signal}.`;

const STOP_GRACE_MS = 10_000;

export const runCommand: CliCommand = {
  path: ['run'],
  summary: 'Start a command traced with OpenTelemetry (no code change) and report per route, N+1 and slow statements',
  usage: USAGE,
  async run(argv, io) {
    const dash = argv.indexOf('--');
    if (dash < 0 || dash === argv.length - 1)
      throw new UserError('run needs the command after --, e.g. perflens run -- node server.js');
    const args = parseArgs(argv.slice(0, dash), {
      valued: [...TRACE_VALUED_FLAGS, 'duration', 'java-agent'],
      boolean: [],
    });
    if (args.positionals.length)
      throw new UserError(`Unexpected argument ${args.positionals[0]}; put the command after --.`);
    const command = argv.slice(dash + 1);
    const durationMs = durationFlag(args, 'duration');
    const javaAgent = flagString(args, 'java-agent');
    if (javaAgent && !fs.existsSync(javaAgent))
      throw new UserError(
        `--java-agent ${javaAgent}: there is no such file; give the path of opentelemetry-javaagent.jar.`,
      );
    const json = args.flags.has('json');
    const bootstrap = locateNodeBootstrap(__dirname);
    const tracing = await startTracing(args, io);
    try {
      const launch = tracedLaunch(command, io.env, {
        endpoint: tracing.receiver.endpoint,
        nodeBootstrap: bootstrap,
        javaAgent: javaAgent ? path.resolve(io.cwd, javaAgent) : undefined,
      });
      if (!bootstrap)
        io.err('perflens: Node is not traced: dist/otel-bootstrap.js is missing (npm run build makes it).');
      for (const n of launch.notes) io.err(`perflens: ${n}`);
      io.err(`perflens: receiving OTLP at ${tracing.receiver.endpoint}; starting ${command.join(' ')}`);
      const child = spawn(launch.command, launch.args, {
        env: launch.env,
        cwd: io.cwd,
        stdio: ['inherit', json ? 'pipe' : 'inherit', 'inherit'],
      });
      child.stdout?.on('data', (c: Buffer) => process.stderr.write(c));
      const forward = () => child.kill('SIGINT');
      process.on('SIGINT', forward);
      let timer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const ended = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        child.once('error', (e: NodeJS.ErrnoException) =>
          reject(
            new UserError(
              e.code === 'ENOENT'
                ? `Could not start ${command[0]}: no such program (is it on PATH?).`
                : `Could not start ${command[0]} (${e.message}).`,
            ),
          ),
        );
        child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
        if (durationMs !== undefined)
          timer = setTimeout(() => {
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          }, durationMs);
      }).finally(() => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        process.off('SIGINT', forward);
      });
      const report = await traceReport(tracing, args, io.cwd);
      return printTraceReport(report, tracing, io, json, { command: ended });
    } finally {
      await tracing.close();
    }
  },
};
