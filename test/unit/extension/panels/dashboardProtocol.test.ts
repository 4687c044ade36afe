import * as assert from 'node:assert/strict';
import { checkDashboardToHost, isRangeId, RANGES } from '../../../../src/shared/protocol/dashboard';

const accepts = (m: unknown): boolean => checkDashboardToHost(m).ok;

describe('dashboard protocol', () => {
  it('accepts well-formed page messages only', () => {
    assert.ok(accepts({ type: 'ready' }));
    assert.ok(accepts({ type: 'ready', targetId: 'http://127.0.0.1:1', range: '30d' }));
    assert.ok(accepts({ type: 'select', targetId: 'x', range: '1h' }));
    assert.ok(accepts({ type: 'rendered', reason: 'update', renderMs: 12.5, points: 300 }));
    for (const bad of [
      null,
      'ready',
      { type: 'eval' },
      { type: 'select', targetId: 'x', range: '2y' },
      { type: 'select', range: '1h' },
      { type: 'rendered', reason: 'x', renderMs: 1, points: 1 },
      { type: 'detach', targetId: 3 },
    ]) {
      assert.equal(accepts(bad), false, JSON.stringify(bad));
    }
  });

  it('has the four ranges of the issue, shortest first', () => {
    assert.deepEqual(Object.keys(RANGES), ['15m', '1h', '24h', '30d']);
    assert.deepEqual(
      Object.values(RANGES).map((r) => r.ms),
      [900_000, 3_600_000, 86_400_000, 2_592_000_000],
    );
    assert.equal(isRangeId('toString'), false);
  });
});
