import * as assert from 'node:assert/strict';
import { isProfileWebviewMessage } from '../../../../src/shared/protocol/profile';

describe('profile view protocol', () => {
  it('accepts well-formed page messages only', () => {
    for (const good of [
      { type: 'ready' },
      { type: 'openSource', frame: 0 },
      { type: 'openDiffSource', row: 12 },
      { type: 'rendered', view: 'diff', ms: 3.5, firstRow: '<b>x</b>' },
    ]) {
      assert.ok(isProfileWebviewMessage(good), JSON.stringify(good));
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
      { type: 'rendered', view: 'flame', ms: 1, firstRow: '' },
      { type: 'rendered', view: 'profile', ms: Infinity, firstRow: '' },
    ]) {
      assert.equal(isProfileWebviewMessage(bad), false, JSON.stringify(bad));
    }
  });
});
