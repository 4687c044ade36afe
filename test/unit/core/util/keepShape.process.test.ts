import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const CHECKS = path.join(__dirname, 'keepShapeChecks.ts');
const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

describe('keepShape (in a process of its own: optimised code also relies on other tests’ shapes)', () => {
  it('keeps the readers’ and the HTTP exchange’s optimised code through full collections, and nothing they read', async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(process.execPath, [MOCHA, '--reporter', 'dot', CHECKS], { cwd: ROOT }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    assert.equal(code, 0, out);
    assert.match(out, /4 passing/);
  });
});
