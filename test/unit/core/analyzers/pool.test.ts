import * as assert from 'node:assert/strict';
import { analyzePools, recommendPoolSize } from '../../../../src/core/analyzers/pool';
import { DEFAULT_ANALYZER_SETTINGS } from '../../../../src/core/analyzers/settings';
import { noise, simulate } from './simulate';

describe('analyzers/pool', () => {
  it("reports a saturating pool with a Little's-law size", () => {
    // 5 s samples for 10 min: load ramps up; from minute 4 the 4-connection pool is exhausted
    // and requests queue. Demand: 20 acquisitions/s × 300 ms hold = 6 busy connections.
    const rnd = noise(7);
    const snaps = simulate({
      intervalMs: 5000,
      count: 120,
      make: (i) => {
        const saturated = i >= 48;
        return {
          pools: [
            {
              name: 'db',
              size: 4,
              active: saturated ? 4 : 2 + Math.round(rnd()),
              idle: saturated ? 0 : 2,
              pending: saturated ? 2 + (i % 3) : 0,
              acquireRate: saturated ? 20 : 8,
              holdTimeMs: 300,
              acquireWaitP95Ms: saturated ? 900 : 2,
            },
          ],
        };
      },
    });
    const f = analyzePools(snaps);
    const sat = f.find((x) => x.id === 'pool.saturated:db');
    assert.ok(sat, JSON.stringify(f.map((x) => x.id)));
    assert.equal(sat.severity, 'critical');
    assert.equal(sat.evidence.numbers.longestSaturatedRun, 72);
    // p95 of max(λW = 6, active + pending ≤ 8) = 8 → ceil(8 × 1.25) = 10.
    assert.equal(sat.evidence.numbers.recommendedSize, 10);
    assert.match(sat.recommendation, /Raise the pool size to 10/);
    assert.equal(sat.evidence.window.from, snaps[0]!.time);
    assert.equal(sat.evidence.window.to, snaps[snaps.length - 1]!.time);
    // 900 ms waits are below the 5 s threshold: no slow-acquire finding.
    assert.equal(
      f.find((x) => x.id === 'pool.slowAcquire:db'),
      undefined,
    );
  });

  it('words a one-connection pool in the singular', () => {
    const snaps = simulate({
      intervalMs: 5000,
      count: 6,
      make: (i) => ({
        pools: [{ name: 'db', size: 1, active: 1, idle: 0, pending: i === 2 ? 1 : 0, acquireRate: 5, holdTimeMs: 150 }],
      }),
    });
    const sat = analyzePools(snaps).find((x) => x.id === 'pool.saturated:db')!;
    assert.equal(sat.title, 'Connection pool "db" exhausted: its only connection busy');
    assert.match(sat.evidence.text, /up to 1 request waiting for a connection\.$/);
  });

  it("uses Little's law when the queue underestimates demand", () => {
    const z = recommendPoolSize([{ t: 0, size: 10, active: 3, pending: 0, acquireRate: 50, holdTimeMs: 120 }], 1.25);
    assert.equal(z.basis, 'littles-law');
    assert.equal(z.peakDemand, 6);
    assert.equal(z.recommendedSize, 8);
  });

  it('needs N consecutive samples: isolated full samples are not saturation', () => {
    const snaps = simulate({
      intervalMs: 1000,
      count: 30,
      make: (i) => ({ pools: [{ name: 'db', size: 4, active: i % 3 === 0 ? 4 : 2, pending: 0 }] }),
    });
    assert.equal(
      analyzePools(snaps).find((x) => x.id.startsWith('pool.saturated')),
      undefined,
    );
  });

  it('flags acquire waits above the 5 s setting, and honours a custom threshold', () => {
    const snaps = simulate({
      intervalMs: 1000,
      count: 10,
      make: () => ({ pools: [{ name: 'db', size: 10, active: 5, pending: 0, acquireWaitP95Ms: 6200 }] }),
    });
    const slow = analyzePools(snaps).find((x) => x.id === 'pool.slowAcquire:db');
    assert.ok(slow);
    assert.equal(slow.evidence.numbers.acquireWaitP95Ms, 6200);
    const strict = analyzePools(snaps, { ...DEFAULT_ANALYZER_SETTINGS.pool, acquireWaitP95ThresholdMs: 10_000 });
    assert.equal(
      strict.find((x) => x.id === 'pool.slowAcquire:db'),
      undefined,
    );
  });

  it('warns about a pool far larger than ever used', () => {
    const snaps = simulate({
      intervalMs: 1000,
      count: 20,
      make: (i) => ({ pools: [{ name: 'db', size: 50, active: 1 + (i % 3), pending: 0 }] }),
    });
    const over = analyzePools(snaps).find((x) => x.id === 'pool.oversized:db');
    assert.ok(over);
    assert.equal(over.severity, 'info');
    assert.equal(over.evidence.numbers.peakActive, 3);
    assert.equal(over.evidence.numbers.recommendedSize, 4);
  });

  it('measures saturation against the configured max when exposed', () => {
    const snaps = simulate({
      intervalMs: 1000,
      count: 10,
      make: () => ({ pools: [{ name: 'hikari', size: 5, max: 10, active: 5, pending: 0 }] }),
    });
    assert.equal(
      analyzePools(snaps).find((x) => x.id.startsWith('pool.saturated')),
      undefined,
    );
  });
});
