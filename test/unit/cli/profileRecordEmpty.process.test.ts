import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { emptyGoPprof } from '../../helpers/bombs';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { capture } from './liveHelpers';

describe('cli: profiles without samples, and what is left on disk', function () {
  this.timeout(60_000);
  let hostile: HostileService;
  let dir: string;
  before(async () => {
    hostile = await startHostileService();
  });
  after(async () => {
    await hostile.stop();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-record-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('profile record --pprof of an idle Go service says "No samples in 1 s", exits 1 and leaves no file', async () => {
    const io = capture();
    io.cwd = dir;
    const code = await runCli(
      ['profile', 'record', '--pprof', hostile.at('/pprof-empty'), '--duration', '1s', '-o', 'idle.pb.gz'],
      io,
    );
    assert.equal(code, 1, io.stderr);
    assert.match(
      io.stderr,
      /^perflens: No samples in 1 s: the Go service at .*\/pprof-empty answered with a profile that has no samples/,
    );
    assert.match(io.stderr, /No file was written\. Put load on the service while recording, or record for longer\./);
    assert.doesNotMatch(io.stderr, /Not a valid/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('profile record --pprof of a service answering a pprof bomb leaves no file and names the limit', async () => {
    const io = capture();
    io.cwd = dir;
    const code = await runCli(
      ['profile', 'record', '--pprof', hostile.at('/pprof-bomb'), '--duration', '1s', '-o', 'bomb.pb.gz'],
      io,
    );
    assert.equal(code, 2, io.stderr);
    assert.match(io.stderr, /no file was written: .*256 MB limit for profiles.*--max-profile-size/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('profile summarize of a valid, empty pprof says the profile has no samples, not that the file is invalid', async () => {
    const file = path.join(dir, 'idle.pb.gz');
    fs.writeFileSync(file, emptyGoPprof(30));
    const io = capture();
    assert.equal(await runCli(['profile', 'summarize', file], io), 2);
    assert.equal(
      io.stderr,
      'perflens: idle.pb.gz is a valid pprof file, but the profile has no samples in 30 s: nothing ran on the CPU while it was recorded. Record again while the code of interest is busy (put load on the service).\n',
    );
  });
});
