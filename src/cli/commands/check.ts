import type { CliCommand } from '../command';
import { flagString } from '../args';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { budgetResultJson, evaluateBudget, parseBudget } from '../../core/analyzers/budget';
import { UserError } from '../../core/util/result';
import {
  LIVE_USAGE,
  WEBHOOK_USAGE,
  liveRunFooter,
  liveRunHeading,
  liveRunJson,
  parseLiveArgs,
  runLiveWindow,
} from './analyze';
import { PROMETHEUS_USAGE, runPrometheusCheck, wantsPrometheus } from './prometheus';

const USAGE = `Usage: perflens check --url URL --budget "p95<300ms,error_rate<1%,rss<512MB" [--duration 30s] [options] [--json]
       perflens check --prometheus URL --selector 'job="api"' --budget "…" [--duration 5m] [--json]

Watches a running service for --duration and checks it against a performance budget: usable in CI.
Budget clauses are METRIC OP LIMIT separated by commas; OP is <, <=, > or >=.
  p50 p90 p95 p99 avg   response time over the run (ms, s, us); from the merged latency histogram
                        when the service exposes one, else request-weighted interval values
  error_rate            failed / all requests (1% or 0.01)
  rss heap              peak memory (B, KB, MB, GB; MB = 1024² bytes)
  cpu                   mean process CPU (%)
  rps                   mean requests per second

${LIVE_USAGE}
${WEBHOOK_USAGE}

${PROMETHEUS_USAGE}
  With --prometheus the budget is checked over the last --duration of the server's history (no
  waiting): response times, error rate and rps over the whole window across instances; rss, heap
  and cpu for the worst instance. --json adds instances and serverAlerts.

Health is shown but is no budget clause: a health endpoint answering "down" or with no health
verdict (an HTML page, a redirect) does not by itself change the exit code.
Exit codes: 0 every clause holds, 1 a clause is broken or had no data, 2 bad usage (a budget
that does not parse, say) or nothing could be collected.
--json prints {target, durationMs, intervalMs, window: {from, to}, snapshots, passed, budget:
[{clause, metric, op, limit, status: "pass"|"fail"|"no-data", actual?, method?, message}],
alerts: {events, firing}, errors}.`;

export const checkCommand: CliCommand = {
  path: ['check'],
  summary: 'Watch a service and fail (exit 1) when a performance budget is broken',
  usage: USAGE,
  async run(argv, io) {
    const args = parseLiveArgs(argv, ['budget']);
    const budgetText = flagString(args, 'budget');
    if (budgetText === undefined)
      throw new UserError('check needs --budget, e.g. --budget "p95<300ms,error_rate<1%,rss<512MB".');
    // Parse before attaching so a typo fails in milliseconds, not after the whole duration.
    const parsed = parseBudget(budgetText);
    if (!parsed.ok) throw new UserError(parsed.error.message);
    if (wantsPrometheus(args)) return runPrometheusCheck(args, io, parsed.value);
    const run = await runLiveWindow(args, io, 30_000, 'check');
    const results = evaluateBudget(parsed.value, run.snapshots);
    const passed = results.every((r) => r.status === 'pass');
    if (args.flags.has('json')) {
      io.out(
        liveRunJson(run, {
          passed,
          budget: results.map(budgetResultJson),
        }),
      );
      return passed ? EXIT_OK : EXIT_FINDING;
    }
    const mark = { pass: 'PASS', fail: 'FAIL', 'no-data': 'NO DATA' } as const;
    const lines = [liveRunHeading('Checked', run), ''];
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
    lines.push(...liveRunFooter(run));
    io.out(lines.join('\n'));
    return passed ? EXIT_OK : EXIT_FINDING;
  },
};
