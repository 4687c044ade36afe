import * as assert from 'node:assert/strict';
import { summarizeSnapshots } from '../../../../src/core/session/summary';
import type { Snapshot } from '../../../../src/core/session/types';
import { histogram, snapshot } from '../../../helpers/builders';

const ROUTE_A = { series: 'http.route.duration', labels: { route: '/a', method: 'GET' } };

describe('summarizeSnapshots', () => {
  const snaps: Snapshot[] = [
    snapshot({
      time: 0,
      health: { state: 'healthy', reasons: [], checks: [] },
      errors: [{ source: 'health', kind: 'x', message: 'm' }],
    }),
    snapshot({
      time: 2000,
      intervalSeconds: 2,
      http: {
        requestRate: 10,
        errorRate: 0.5,
        routes: [{ route: '/a', method: 'GET', requestRate: 10, errorRate: 0.5 }],
      },
      histograms: [
        histogram(
          [
            [10, 20],
            [100, 20],
            [Infinity, 20],
          ],
          { sumMs: 100 },
        ),
        histogram(
          [
            [10, 20],
            [100, 20],
            [Infinity, 20],
          ],
          { ...ROUTE_A, sumMs: 100 },
        ),
      ],
      process: { pid: 7, cpuPercent: 10, rssBytes: 100 },
    }),
    snapshot({
      time: 8000,
      intervalSeconds: 6,
      health: { state: 'degraded', reasons: ['cache: degraded'], checks: [] },
      http: { requestRate: 30, errorRate: 0, routes: [{ route: '/a', method: 'GET', requestRate: 30, errorRate: 0 }] },
      histograms: [
        histogram(
          [
            [10, 0],
            [100, 180],
            [Infinity, 180],
          ],
          { sumMs: 9000 },
        ),
        histogram(
          [
            [10, 0],
            [100, 180],
            [Infinity, 180],
          ],
          { ...ROUTE_A, sumMs: 9000 },
        ),
      ],
      process: { pid: 7, cpuPercent: 30, rssBytes: 300 },
      errors: [{ source: 'health', kind: 'x', message: 'm' }],
    }),
  ];

  it('weights rates by interval: total requests over total time', () => {
    const s = summarizeSnapshots('t', snaps);
    assert.equal(s.measuredSeconds, 8);
    assert.equal(s.http!.requests, 200); // 10/s · 2 s + 30/s · 6 s
    assert.equal(s.http!.requestRate, 25);
    assert.equal(s.http!.errorRate, 0.05); // 10 failed of 200
    assert.equal(s.http!.routes[0]!.requestRate, 25);
  });

  it('takes percentiles from the merged buckets of the window, not an average of percentiles', () => {
    const s = summarizeSnapshots('t', snaps);
    // 20 ≤ 10 ms and 180 in (10, 100]: rank 190 → 10 + 90 · 170/180.
    assert.ok(Math.abs(s.http!.p95Ms! - (10 + (90 * 170) / 180)) < 1e-9);
    assert.equal(s.http!.avgMs, 9100 / 200);
    assert.ok(Math.abs(s.http!.routes[0]!.p95Ms! - s.http!.p95Ms!) < 1e-9);
  });

  it('keeps the last health with the states seen, process extremes and counted errors', () => {
    const s = summarizeSnapshots('t', snaps);
    assert.equal(s.health!.state, 'degraded');
    assert.deepEqual(s.health!.statesSeen, { healthy: 1, degraded: 1 });
    assert.deepEqual([s.process!.cpuPercentAvg, s.process!.cpuPercentMax, s.process!.rssBytesMax], [20, 30, 300]);
    assert.deepEqual(s.errors, [{ source: 'health', kind: 'x', message: 'm', count: 2 }]);
    assert.deepEqual(s.window, { from: 0, to: 8000, durationMs: 8000 });
  });
});
