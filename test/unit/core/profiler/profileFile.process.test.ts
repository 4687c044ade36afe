import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfileFile } from '../../../../src/core/profiler/load';
import { summarizeInWorker } from '../../../../src/core/profiler/workerClient';

describe('profile files: a named pipe', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-profile-fifo-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused at once, in process and on the worker, as a FIFO named like a .cpuprofile (no writer, nothing read)', async () => {
    const fifo = path.join(dir, 'live.cpuprofile');
    execFileSync('mkfifo', [fifo]);
    const inProcess = await loadProfileFile(fifo);
    const onWorker = await summarizeInWorker(fifo);
    for (const r of [inProcess, onWorker]) {
      assert.equal(!r.ok && r.error.kind, 'read');
      assert.match(
        !r.ok ? r.error.message : '',
        /^Cannot read .*live\.cpuprofile: it is a named pipe \(FIFO\), not a regular file; PerfLens reads a profile only from a regular file\.$/,
      );
    }
  });
});
