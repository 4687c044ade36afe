import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');
const CHILD = path.join(__dirname, 'listenerShapeChild.ts');

interface ChildResult {
  before: boolean;
  after: boolean;
  keptListeners: number;
}

async function child(...args: string[]): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', CHILD, ...args], {
    cwd: ROOT,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

describe('collectSource through a full collection (own process: no other abort listeners alive)', () => {
  it('stays optimised: a listener kept on a signal that never aborts keeps the shape of the ones a round adds and removes', async () => {
    // The kept listener outlives a full collection run right after the module loaded, and the two after the rounds.
    assert.deepEqual(await child(), { before: true, after: true, keptListeners: 1 });
  });

  it('is thrown away by the same collections once that signal is let go (the control)', async () => {
    assert.deepEqual(await child('forget'), { before: true, after: false, keptListeners: 0 });
  });
});
