import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { HangObserver } from '../../helpers/hostile/round';
import { capture } from './liveHelpers';

/**
 * Metrics and health that both hang, with a request timeout (60 s) far longer than the window and
 * than this test's own limit: the command can only finish if --duration stops the requests.
 */
describe('cli: --duration is kept when the service hangs (report, check, watch)', function () {
  this.timeout(40_000);
  let hostile: HostileService;
  let hangs: HangObserver;
  beforeEach(async () => {
    hangs = new HangObserver();
    hostile = await startHostileService({
      '/hang-metrics': hangs.route('metrics'),
      '/hang-health': hangs.route('health'),
    });
  });
  afterEach(() => hostile.stop());

  const target = () => [
    '--url',
    hostile.url,
    '--metrics-path',
    '/hang-metrics',
    '--health-path',
    '/hang-health',
    '--timeout',
    '60s',
  ];

  it('report: ends, says that the metrics and the health had not answered, and closed both requests', async () => {
    const io = capture();
    const code = await runCli(['report', ...target(), '--duration', '1s', '--interval', '500ms'], io);
    const all = io.stdout + io.stderr;
    // The process (this test's own, which serves the routes) may still be measured: then the
    // report stands and lists the two sources under its collection problems; else exit 2 says why.
    assert.ok(code === 0 || code === 2, all);
    assert.doesNotMatch(all, /unexpected error/i);
    assert.match(all, /(metrics|scrape)\b.*: .*\/hang-metrics had not answered when the collection window ended/);
    assert.match(all, /health\b.*: .*\/hang-health had not answered when the collection window ended/);
    assert.deepEqual([...new Set(hangs.seen)].sort(), ['health', 'metrics']);
    await hangs.until(() => hangs.open.size === 0);
  });

  it('check: ends with the same account of both sources', async () => {
    const io = capture();
    const code = await runCli(
      ['check', ...target(), '--duration', '1s', '--interval', '500ms', '--budget', 'p95<1s'],
      io,
    );
    const all = io.stdout + io.stderr;
    // No latency was read: the clause has no data (exit 1), or nothing at all was (exit 2).
    assert.ok(code === 1 || code === 2, all);
    assert.match(all, /(metrics|scrape)\b.*: .*\/hang-metrics had not answered when the collection window ended/);
    assert.match(all, /health\b.*: .*\/hang-health had not answered when the collection window ended/);
    await hangs.until(() => hangs.open.size === 0);
  });

  it('watch --duration: stops and closes the requests in flight', async () => {
    const io = capture();
    const code = await runCli(['watch', ...target(), '--interval', '500ms', '--duration', '1s'], io);
    assert.equal(code, 0, io.stderr);
    assert.match(io.stdout, /\[scrape: aborted\]/);
    await hangs.until(() => hangs.open.size === 0);
  });
});
