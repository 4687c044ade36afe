import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { capture } from './liveHelpers';

/** Metrics that are fine beside a health body 3,000 arrays deep. */
describe('cli: a deeply nested health body leaves the metrics counted (report, analyze, check, watch)', function () {
  this.timeout(60_000);
  let hostile: HostileService;
  before(async () => {
    hostile = await startHostileService();
  });
  after(() => hostile.stop());

  const target = () => ['--url', hostile.url, '--metrics-path', '/metrics-small', '--health-path', '/health-deep'];

  it('report: rates from the metrics, and the health says why it could not be read in full', async () => {
    const io = capture();
    const code = await runCli(['report', ...target(), '--duration', '1s', '--interval', '500ms'], io);
    assert.equal(code, 0, io.stderr);
    assert.doesNotMatch(io.stdout + io.stderr, /unexpected error/i);
    assert.match(io.stdout, /HTTP {5}\d/);
    assert.match(io.stdout, /Health {3}\w+: .*nested more than \d+ levels deep/);
  });

  it('analyze: judges the service and exits with a verdict, not an error', async () => {
    const io = capture();
    const code = await runCli(['analyze', ...target(), '--duration', '1s', '--interval', '500ms', '--json'], io);
    assert.ok(code === 0 || code === 1, io.stderr);
    assert.doesNotMatch(io.stdout + io.stderr, /unexpected error/i);
    const out = JSON.parse(io.stdout) as { snapshots: number };
    assert.ok(out.snapshots >= 2);
  });

  it('check: the budget is checked against the metrics that were collected', async () => {
    const io = capture();
    const code = await runCli(
      ['check', ...target(), '--duration', '1s', '--interval', '500ms', '--budget', 'rps>0', '--json'],
      io,
    );
    assert.doesNotMatch(io.stdout + io.stderr, /unexpected error|Nothing could be collected/i);
    assert.equal(code, 0, io.stdout + io.stderr);
    const out = JSON.parse(io.stdout) as { passed: boolean; budget: { status: string }[] };
    assert.equal(out.budget[0]!.status, 'pass');
  });

  it('watch: prints every round, with the health verdict and the rates', async () => {
    const io = capture();
    const code = await runCli(['watch', ...target(), '--interval', '300ms', '--duration', '1s'], io);
    assert.equal(code, 0, io.stderr);
    const lines = io.stdout.trim().split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, io.stdout);
    assert.ok(
      lines.every((l) => /health=\w+/.test(l)),
      io.stdout,
    );
    assert.ok(
      lines.some((l) => /rate=/.test(l)),
      io.stdout,
    );
  });
});
