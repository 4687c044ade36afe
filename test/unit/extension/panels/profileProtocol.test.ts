import * as assert from 'node:assert/strict';
import { checkProfileToHost } from '../../../../src/shared/protocol/profile';

const accepts = (m: unknown): boolean => checkProfileToHost(m).ok;

describe('profile view protocol', () => {
  it('accepts well-formed page messages only', () => {
    for (const good of [
      { type: 'ready' },
      { type: 'openSource', frame: 0 },
      { type: 'openDiffSource', row: 12 },
      { type: 'rendered', view: 'diff', renderMs: 3.5, firstRow: '<b>x</b>' },
    ]) {
      assert.ok(accepts(good), JSON.stringify(good));
    }
    for (const bad of [
      null,
      'ready',
      7,
      { type: 'eval', code: '1' },
      { type: 'openSource', frame: -1 },
      { type: 'openSource', frame: 1.5 },
      { type: 'openSource', file: '/etc/passwd' },
      { type: 'openDiffSource' },
      { type: 'rendered', view: 'flame', renderMs: 1, firstRow: '' },
      { type: 'rendered', view: 'profile', renderMs: Infinity, firstRow: '' },
    ]) {
      assert.equal(accepts(bad), false, JSON.stringify(bad));
    }
  });
});
