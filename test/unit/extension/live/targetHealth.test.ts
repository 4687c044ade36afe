import * as assert from 'node:assert/strict';
import type { AlertStatus } from '../../../../src/core/analyzers/alerts/engine';
import type { Snapshot } from '../../../../src/core/session/types';
import { assessTargetHealth, failingChecks, worseOf } from '../../../../src/extension/live/targetHealth';
import { httpStats, snapshot } from '../../../helpers/builders';

const base = (over: Partial<Snapshot> = {}): Snapshot =>
  snapshot({
    time: 1000,
    http: httpStats({ requestRate: 10, p95Ms: 20 }),
    health: { state: 'healthy', reasons: [], checks: [{ name: 'database', status: 'healthy' }] },
    ...over,
  });

const firing: AlertStatus = {
  ruleId: 'errorRate',
  name: 'High error rate',
  labels: {},
  state: 'firing',
  value: 0.3,
  activeAt: 1,
  firedAt: 2,
};

describe('assessTargetHealth', () => {
  it('is unknown before the first snapshot', () => {
    assert.equal(assessTargetHealth(undefined).level, 'unknown');
  });

  it('is healthy when the service says so and nothing fires', () => {
    assert.deepEqual(assessTargetHealth(base()), { level: 'healthy', reasons: [] });
  });

  it('is degraded when the health endpoint says degraded, with its reasons', () => {
    const h = assessTargetHealth(
      base({
        health: {
          state: 'degraded',
          reasons: ['cache: hit rate 31%'],
          checks: [{ name: 'cache', status: 'degraded', detail: 'hit rate 31%' }],
        },
      }),
    );
    assert.equal(h.level, 'degraded');
    assert.deepEqual(h.reasons, ['cache: hit rate 31%']);
  });

  it('is degraded while an alert fires, even if the health endpoint is happy', () => {
    const h = assessTargetHealth(base(), [firing]);
    assert.equal(h.level, 'degraded');
    assert.deepEqual(h.reasons, ['Alert firing: High error rate']);
  });

  it('is degraded when metrics fail but health answers', () => {
    const h = assessTargetHealth(
      base({ http: undefined, errors: [{ source: 'scrape', kind: 'http-status', message: 'HTTP 500' }] }),
    );
    assert.equal(h.level, 'degraded');
    assert.match(h.reasons[0]!, /Metrics: HTTP 500/);
  });

  it('is down when the endpoint reports down, or when neither metrics nor health can be read', () => {
    assert.equal(
      assessTargetHealth(base({ health: { state: 'down', reasons: ['database: unreachable'], checks: [] } })).level,
      'down',
    );
    const unreachable = assessTargetHealth(
      snapshot({
        time: 1,
        errors: [
          { source: 'scrape', kind: 'refused', message: 'connection refused' },
          { source: 'health', kind: 'refused', message: 'connection refused' },
        ],
      }),
    );
    assert.equal(unreachable.level, 'down');
    assert.equal(unreachable.reasons.length, 2);
  });

  it('lists failing checks and ranks levels worst first', () => {
    const s = base({
      health: {
        state: 'degraded',
        reasons: [],
        checks: [
          { name: 'a', status: 'healthy' },
          { name: 'b', status: 'down', detail: 'x' },
        ],
      },
    });
    assert.deepEqual(failingChecks(s), [{ name: 'b', status: 'down', detail: 'x' }]);
    assert.equal(worseOf('healthy', 'degraded'), 'degraded');
    assert.equal(worseOf('down', 'unknown'), 'down');
    assert.equal(worseOf('unknown', 'healthy'), 'unknown');
  });
});
