import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import type { SessionSummary } from '../../../src/core/session/summary';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { EXPLODED_FAMILY } from '../../helpers/hostile/round';
import { capture } from './liveHelpers';

describe('cli: --max-series and --max-routes against 100,000 series', function () {
  this.timeout(120_000);
  let hostile: HostileService;
  before(async () => {
    hostile = await startHostileService();
  });
  after(() => hostile.stop());

  it('report warns which family exploded and reports the busiest routes plus "(other routes)"', async () => {
    const io = capture();
    const code = await runCli(
      [
        'report',
        '--url',
        hostile.url,
        '--metrics-path',
        '/series-100k',
        '--health-path',
        '/health-deep',
        '--max-series',
        '1000',
        '--max-routes',
        '5',
        '--duration',
        '3s',
        '--interval',
        '1s',
        '--json',
      ],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as SessionSummary;
    const cap = out.errors.find((e) => e.kind === 'cardinality');
    assert.ok(cap, JSON.stringify(out.errors));
    assert.match(cap.message, new RegExp(`${EXPLODED_FAMILY} \\(93,324 series`));
    assert.match(cap.message, /limit of 1,000 per scrape/);
    assert.ok(out.http, JSON.stringify(out.errors));
    assert.equal(out.http.routes.length, 6);
    assert.ok(out.http.routes.some((r) => r.route === '(other routes)'));
  });

  it('refuses a limit that is not a whole number in range (exit 2)', async () => {
    for (const argv of [
      ['--max-series', 'lots'],
      ['--max-series', '10'],
      ['--max-routes', '0'],
    ]) {
      const io = capture();
      assert.equal(await runCli(['report', '--url', hostile.url, ...argv], io), 2, argv.join(' '));
      assert.match(io.stderr, new RegExp(`${argv[0]} must be a whole number`));
    }
  });
});
