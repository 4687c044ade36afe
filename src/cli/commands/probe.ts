import type { CliCommand } from '../command';
import { flagString, parseArgs, parseDuration } from '../args';
import { EXIT_FINDING, EXIT_OK } from '../io';
import type { EndpointProbe } from '../../core/collectors/probe';
import {
  DEFAULT_HEALTH_PATH,
  DEFAULT_METRICS_PATH,
  DEFAULT_PROBE_TIMEOUT_MS,
  endpointOk,
  probeOk,
  probeTarget,
} from '../../core/collectors/probe';
import { connectPolicy } from '../../core/util/connect';
import { parseTarget } from '../../core/util/target';
import { UserError } from '../../core/util/result';
import { formatMs } from '../../shared/format';

const USAGE = `Usage: perflens probe --url URL [--metrics-path /metrics] [--health-path /health] [--timeout 2s] [--allow-remote] [--json]

Checks that a service's metrics and health endpoints answer: reachability, HTTP status, content type
and latency of each. URL may be the service's base (http://localhost:3000), its scrape URL
(http://localhost:3000/metrics) or a bare port (3000). Only loopback hosts unless --allow-remote.

Health is looked for where attach and report look: the --health-path, then /status, /healthz,
/-/healthy (Prometheus) and /actuator/health (Spring Boot), until one gives a verdict. An HTML page,
a redirect (never followed), or a body without a status is "reachable, no health verdict".

Exit codes: 0 /metrics answers 2xx with metrics (not HTML or JSON) and a health path gives a
verdict other than down; 1 otherwise (no verdict counts: there is no usable health check); 2 bad usage.
--json prints {baseUrl, metrics, health}; each endpoint is
{path, url, reachable, status?, contentType?, latencyMs?, error?}, and health adds
verdict? ("healthy"|"degraded"|"down"|"no-verdict") with path the one that answered.`;

function row(e: EndpointProbe): string[] {
  return [
    e.path,
    e.verdict === 'no-verdict'
      ? 'no verdict'
      : e.verdict === 'down'
        ? 'unhealthy'
        : endpointOk(e)
          ? 'ok'
          : e.reachable
            ? 'error'
            : 'unreachable',
    e.status !== undefined ? String(e.status) : '-',
    e.contentType ?? '-',
    formatMs(e.latencyMs),
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export const probeCommand: CliCommand = {
  path: ['probe'],
  summary: "Check that a service's /metrics and /health answer (status, content type, latency)",
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['url', 'metrics-path', 'health-path', 'timeout'],
      boolean: ['allow-remote'],
    });
    const input = flagString(args, 'url') ?? args.positionals[0];
    if (!input) throw new UserError('probe needs --url, e.g. perflens probe --url http://localhost:3000');
    if (args.positionals.length > (flagString(args, 'url') ? 0 : 1))
      throw new UserError(`Unexpected argument ${args.positionals.at(-1)}.`);
    const target = parseTarget(input, { allowRemote: args.flags.has('allow-remote') });
    if (!target.ok) throw new UserError(target.error.message);
    if (target.value.kind === 'pid') throw new UserError('probe needs a URL or a port, not a process id.');
    const timeoutText = flagString(args, 'timeout');
    const timeoutMs = timeoutText === undefined ? DEFAULT_PROBE_TIMEOUT_MS : parseDuration(timeoutText);
    if (!(timeoutMs > 0)) throw new UserError('--timeout must be longer than 0.');
    const metricsPath = flagString(args, 'metrics-path') ?? DEFAULT_METRICS_PATH;
    const healthPath = flagString(args, 'health-path') ?? DEFAULT_HEALTH_PATH;
    for (const [flag, p] of [
      ['metrics-path', metricsPath],
      ['health-path', healthPath],
    ] as const) {
      if (!p.trim() || /^[a-z]+:\/\//i.test(p))
        throw new UserError(`--${flag} is a path such as /metrics, not "${p}".`);
    }

    const result = await probeTarget(target.value.baseUrl, {
      metricsPath,
      healthPath,
      timeoutMs,
      connect: connectPolicy(args.flags.has('allow-remote')),
    });
    const good = probeOk(result);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(result, null, 2));
      return good ? EXIT_OK : EXIT_FINDING;
    }
    const lines = [
      `Target ${result.baseUrl}`,
      '',
      table([['endpoint', 'result', 'status', 'content type', 'latency'], row(result.metrics), row(result.health)]),
    ];
    const problems = [result.metrics, result.health].filter((e) => !endpointOk(e));
    if (problems.length) {
      lines.push('');
      for (const e of problems) lines.push(`${e.path}: ${e.error ?? 'no usable answer'}`);
    } else lines.push('', `Both ${result.metrics.path} and ${result.health.path} answer.`);
    io.out(lines.join('\n'));
    return good ? EXIT_OK : EXIT_FINDING;
  },
};
