import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { capture } from './liveHelpers';

describe('perflens profile record --heap --pprof against misbehaving heap endpoints', function () {
  this.timeout(60_000);
  let hostile: HostileService;
  let dir: string;
  before(async () => {
    hostile = await startHostileService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-heap-hostile-'));
  });
  after(async () => {
    await hostile.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, RegExp][] = [
    ['/heap-html', /answered, but not with a gzipped pprof profile/],
    ['/heap-garbage', /not with a profile PerfLens can read.*Not a valid pprof file/],
    [
      '/heap-negative',
      /sample 0 has a negative value.*a pprof difference \(-diff_base\) is not a profile PerfLens reads/,
    ],
  ];
  for (const [route, says] of cases) {
    it(`${route}: exit 2 with a message saying what is wrong, and no file written`, async () => {
      const io = capture();
      io.cwd = dir;
      const out = `${route.slice(1)}.pb.gz`;
      const code = await runCli(['profile', 'record', '--heap', '--pprof', `${hostile.url}${route}`, '-o', out], io);
      assert.equal(code, 2, io.stdout);
      assert.match(io.stderr, says);
      assert.ok(!fs.existsSync(path.join(dir, out)), 'no file is left behind');
      assert.ok(
        hostile.requests.some((r) => r.startsWith(`${route}/debug/pprof/heap?gc=1`)),
        hostile.requests.join(' '),
      );
    });
  }

  it('refuses --duration with --heap --pprof: a Go heap profile is a snapshot', async () => {
    const io = capture();
    const code = await runCli(['profile', 'record', '--heap', '--pprof', hostile.url, '--duration', '5s'], io);
    assert.equal(code, 2);
    assert.match(io.stderr, /--duration has no effect with --heap --pprof/);
  });
});
