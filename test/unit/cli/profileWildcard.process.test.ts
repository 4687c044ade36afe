import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { findInspector } from '../../../src/core/profiler/capture/inspector';
import type { NodeTarget } from '../core/profiler/capture/nodeTarget';
import { startNodeTarget } from '../core/profiler/capture/nodeTarget';
import { capture } from './liveHelpers';
import { freePort } from '../../helpers/freePort';

describe('cli: profile record reaches inspectors over loopback (wildcard binds, *.localhost names)', function () {
  this.timeout(60_000);
  let dir: string;
  let target: NodeTarget | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-wildcard-'));
  });
  afterEach(async () => {
    await target?.stop();
    target = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const bind of ['0.0.0.0:PORT', '[::]:PORT']) {
    it(`records a process started with --inspect=${bind} through loopback`, async () => {
      const port = await freePort();
      target = await startNodeTarget([`--inspect=${bind.replace('PORT', String(port))}`]);
      const io = capture();
      io.cwd = dir;
      const code = await runCli(
        ['profile', 'record', '--pid', String(target.pid), '--duration', '500ms', '-o', 'wild.cpuprofile', '--json'],
        io,
      );
      assert.equal(code, 0, io.stderr);
      const out = JSON.parse(io.stdout) as { file: string; source: string; samples: number };
      assert.equal(out.source, 'inspector');
      assert.equal(out.file, path.join(dir, 'wild.cpuprofile'));
      assert.ok(out.samples > 0);
    });
  }

  it('records through an inspector named by a *.localhost name, HTTP and WebSocket both on loopback without DNS', async () => {
    target = await startNodeTarget(['--inspect=127.0.0.1:0']);
    const addr = await findInspector(target.pid);
    assert.ok(addr.ok, !addr.ok ? addr.error.message : '');
    const io = capture();
    io.cwd = dir;
    // The inspector names its debugger URL after the Host header: ws://perflens-no-dns-7f3a.localhost:PORT/….
    const code = await runCli(
      [
        'profile',
        'record',
        '--inspect',
        `perflens-no-dns-7f3a.localhost:${addr.value.port}`,
        '--duration',
        '300ms',
        '-o',
        'named.cpuprofile',
        '--json',
      ],
      io,
    );
    assert.equal(code, 0, io.stderr);
    assert.equal((JSON.parse(io.stdout) as { source: string }).source, 'inspector');
  });
});
