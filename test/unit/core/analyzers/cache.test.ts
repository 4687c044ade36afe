import * as assert from 'node:assert/strict';
import { analyzeCaches } from '../../../../src/core/analyzers/cache';
import { MB, noise, simulate } from './simulate';

describe('analyzers/cache', () => {
  it('tells a cold cache warming up apart from a bad one', () => {
    // Hit rate climbs from 0 to ~0.9 over 10 minutes as the cache fills.
    const snaps = simulate({
      intervalMs: 5000,
      count: 120,
      make: (i) => {
        const hitRate = Math.min(0.9, i / 60);
        return {
          caches: [
            {
              name: 'entities',
              hitsPerSec: 100 * hitRate,
              missesPerSec: 100 * (1 - hitRate),
              evictionsPerSec: 0,
              size: Math.min(800, i * 10),
              maxSize: 1000,
            },
          ],
        };
      },
    });
    const f = analyzeCaches(snaps);
    assert.deepEqual(
      f.map((x) => x.id),
      ['cache.warming:entities'],
    );
    assert.equal(f[0]!.severity, 'info');
    assert.ok((f[0]!.evidence.numbers.hitRateTrendPerMin as number) > 0);
    assert.ok((f[0]!.evidence.numbers.earlyHitRate as number) < 0.7);
    assert.ok((f[0]!.evidence.numbers.recentHitRate as number) >= 0.7);
  });

  it('recommends a larger size when a full cache evicts and misses', () => {
    const rnd = noise(3);
    const snaps = simulate({
      intervalMs: 5000,
      count: 60,
      make: () => ({
        caches: [
          {
            name: 'entities',
            hitsPerSec: 40 + rnd(),
            missesPerSec: 60 + rnd(),
            evictionsPerSec: 2,
            size: 1000,
            maxSize: 1000,
          },
        ],
      }),
    });
    const low = analyzeCaches(snaps).find((x) => x.id === 'cache.lowHitRate:entities');
    assert.ok(low);
    assert.equal(low.severity, 'warning');
    assert.ok(Math.abs((low.evidence.numbers.hitRate as number) - 0.4) < 0.01);
    assert.match(low.recommendation, /evicts 2 entries\/s.*raise maxSize above 1000/);
  });

  it('recommends longer TTLs for hot keys when misses are not from evictions', () => {
    const snaps = simulate({
      intervalMs: 5000,
      count: 30,
      make: () => ({ caches: [{ name: 'c', hitRate: 0.5, evictionsPerSec: 0, size: 200, maxSize: 1000 }] }),
    });
    const low = analyzeCaches(snaps).find((x) => x.id === 'cache.lowHitRate:c');
    assert.ok(low);
    assert.match(
      low.recommendation,
      /Misses are not caused by evictions \(cache 20\.0% full\).*Lengthen the TTL of hot keys/,
    );
  });

  it('says a cache sized 0 holds nothing instead of advising a longer TTL (the demo with --cache-size 0)', () => {
    const snaps = simulate({
      intervalMs: 5000,
      count: 30,
      make: () => ({
        caches: [{ name: 'c', hitRate: 0, hitsPerSec: 0, missesPerSec: 40, evictionsPerSec: 0, size: 0, maxSize: 0 }],
      }),
    });
    const low = analyzeCaches(snaps).find((x) => x.id === 'cache.lowHitRate:c')!;
    assert.equal(low.severity, 'critical');
    assert.match(low.recommendation, /^The cache holds no entries \(its maximum size is 0\)/);
    assert.equal(low.evidence.numbers.recommendedTtlSeconds, undefined);
  });

  it('advice cites only measured values: no TTL or size that PerfLens did not read from the service', () => {
    const cases = [
      { name: 'full', hitsPerSec: 40, missesPerSec: 60, evictionsPerSec: 2, size: 1000, maxSize: 1000 },
      { name: 'roomy', hitRate: 0.5, evictionsPerSec: 0, size: 200, maxSize: 1000 },
      { name: 'redis', hitsPerSec: 30, missesPerSec: 70 },
    ];
    for (const c of cases) {
      const snaps = simulate({ intervalMs: 5000, count: 30, make: () => ({ caches: [c] }) });
      const low = analyzeCaches(snaps).find((x) => x.id === `cache.lowHitRate:${c.name}`)!;
      assert.ok(low, c.name);
      const measured = new Set<number>();
      for (const v of [...Object.values(low.evidence.numbers), ...Object.values(c)]) {
        if (typeof v !== 'number') continue;
        measured.add(v);
        measured.add(Math.round(v * 100));
      }
      const cited = (low.recommendation.match(/\d+(?:\.\d+)?/g) ?? []).map(Number);
      for (const n of cited) assert.ok(measured.has(n), `${c.name}: ${n} in "${low.recommendation}" was not measured`);
      assert.equal(low.evidence.numbers.recommendedTtlSeconds, undefined);
      assert.doesNotMatch(low.recommendation, /\b300 s\b/);
    }
  });

  it('reports a falling hit rate above the threshold', () => {
    const snaps = simulate({
      intervalMs: 10_000,
      count: 60,
      make: (i) => ({ caches: [{ name: 'c', hitRate: 0.99 - i * 0.004 }] }),
    });
    const f = analyzeCaches(snaps);
    assert.deepEqual(
      f.map((x) => x.id),
      ['cache.hitRateFalling:c'],
    );
  });

  it('warns above 80 % of the memory limit with an entry cap from bytes per entry', () => {
    const snaps = simulate({
      intervalMs: 5000,
      count: 10,
      make: () => ({
        caches: [{ name: 'c', hitRate: 0.95, size: 10_000, memoryBytes: 90 * MB, memoryLimitBytes: 100 * MB }],
      }),
    });
    const mem = analyzeCaches(snaps).find((x) => x.id === 'cache.memory:c');
    assert.ok(mem);
    assert.equal(mem.evidence.numbers.memoryShare, 0.9);
    // 9437 bytes per entry → 80 MB / 9437.184 = 8888 entries.
    assert.equal(mem.evidence.numbers.maxEntriesUnderThreshold, 8888);
  });

  it('is quiet on a healthy cache', () => {
    const snaps = simulate({
      intervalMs: 5000,
      count: 30,
      make: () => ({ caches: [{ name: 'c', hitsPerSec: 95, missesPerSec: 5, size: 500, maxSize: 1000 }] }),
    });
    assert.deepEqual(analyzeCaches(snaps), []);
  });
});
