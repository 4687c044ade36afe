import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');
const CHILD = path.join(__dirname, 'listenerShapeChild.ts');

describe('collectSource through a full collection (own process: no other abort listeners alive)', () => {
  it('stays optimised: a listener kept on a signal that never aborts keeps the shape of the ones a round adds and removes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', CHILD], { cwd: ROOT });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { before: boolean; after: boolean };
    assert.deepEqual(result, { before: true, after: true });
  });
});
