import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ProcCpuMeter, readKeptProcText } from '../../../../src/core/collectors/procStat';

describe('ProcCpuMeter: a process stat file kept open between readings', () => {
  if (process.platform === 'linux')
    it("reads a process's stat file kept open, then throws what its path throws once the process has gone", async () => {
      const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const pid = child.pid!;
      // Measured once it runs (between fork and exec its resident set reads 0).
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const meter = new ProcCpuMeter();
      try {
        const first = meter.read(pid);
        assert.ok(first.memory > 0 && first.cpu >= 0, JSON.stringify(first));
        assert.ok(meter.read(pid).memory > 0, 'read again through the kept file');
      } finally {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
      // The kept file now fails with ESRCH; the path, opened again, with ENOENT as it always did.
      assert.throws(() => meter.read(pid), { code: 'ENOENT' });
      assert.throws(() => readKeptProcText(`/proc/${pid}/stat`), { code: 'ENOENT' });
    });
});
