import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertScansLikeFullParse } from './cpuprofileOracle';

describe('cpuprofile byte scanner on a profile Node itself wrote', () => {
  it('reads a real `node --cpu-prof` profile exactly as the full parse does', function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-scan-'));
    try {
      const script = path.join(dir, 'work.js');
      fs.writeFileSync(
        script,
        'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nfor (let i = 0; i < 30; i++) fib(22);\n',
      );
      const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, script], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
      assertScansLikeFullParse(fs.readFileSync(path.join(dir, file)), file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
