import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CPROFILE_INSTRUCTIONS, findOnPath, recordWithPySpy } from '../../../../../src/core/profiler/capture/pyspy';
import { importProfile } from '../../../../../src/core/profiler/formats/index';

/**
 * py-spy is not installed on CI machines, so the runs below put small executables named py-spy on
 * a private PATH that behave like py-spy does in each situation (records; lacks ptrace rights).
 */
describe('Python capture with py-spy', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-pyspy-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function tool(body: string): string {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'py-spy'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return bin;
  }

  it('without py-spy on PATH, fails with instructions for a cProfile file', async () => {
    const r = await recordWithPySpy({
      pid: process.pid,
      durationSeconds: 1,
      outFile: path.join(dir, 'o.txt'),
      pathEnv: dir,
    });
    assert.equal(!r.ok && r.error.kind, 'py-spy-missing');
    assert.equal(!r.ok && r.error.message, CPROFILE_INSTRUCTIONS);
    assert.match(CPROFILE_INSTRUCTIONS, /python -m cProfile -o profile\.pstats/);
  });

  it('runs py-spy record with pid, duration, output and format, and the output imports', async () => {
    const bin = tool(
      'echo "$@" > "$(dirname "$0")/args"\nout=""; while [ $# -gt 0 ]; do [ "$1" = "--output" ] && out="$2"; shift; done\nprintf "main (app.py:3);work (app.py:9) 40\\nmain (app.py:3) 2\\n" > "$out"',
    );
    assert.equal(findOnPath('py-spy', bin), path.join(bin, 'py-spy'));
    const out = path.join(dir, 'o.txt');
    const r = await recordWithPySpy({ pid: 4242, durationSeconds: 2, outFile: out, pathEnv: bin });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.equal(
      fs.readFileSync(path.join(bin, 'args'), 'utf8').trim(),
      `record --pid 4242 --duration 2 --output ${out} --format raw --nonblocking`,
    );
    const imp = importProfile(fs.readFileSync(out), 'o.txt');
    assert.ok(imp.ok && imp.value.format === 'folded');
    assert.equal(imp.value.profiles[0]!.sampleCount, 42);
  });

  it('explains ptrace rights when py-spy is denied', async () => {
    const bin = tool('echo "Error: Permission Denied (os error 13)" >&2\nexit 1');
    const r = await recordWithPySpy({ pid: 4242, durationSeconds: 1, outFile: path.join(dir, 'o.txt'), pathEnv: bin });
    assert.equal(!r.ok && r.error.kind, 'permission');
    assert.match(!r.ok ? r.error.message : '', /Permission Denied[\s\S]*ptrace[\s\S]*SYS_PTRACE/);
  });
});
