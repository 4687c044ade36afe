import * as assert from 'node:assert/strict';
import { LruTtlCache } from '../../../examples/demo-service/src/cache';

describe('demo LruTtlCache', () => {
  it('evicts the least recently used entry when full', () => {
    const now = 0;
    const evicted: string[] = [];
    const cache = new LruTtlCache<string>(2, 1000, () => now, {
      hit: () => {},
      miss: () => {},
      evicted: () => evicted.push('x'),
    });
    cache.set('a', 'A');
    cache.set('b', 'B');
    assert.equal(cache.get('a'), 'A'); // a is now the most recent
    cache.set('c', 'C');
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
    assert.equal(evicted.length, 1);
    assert.deepEqual(
      { ...cache.stats(), memoryBytes: 0 },
      { size: 2, maxSize: 2, hits: 3, misses: 1, evictions: 1, memoryBytes: 0 },
    );
  });

  it('expires entries after the TTL without counting an eviction', () => {
    let now = 1000;
    const cache = new LruTtlCache<number[]>(10, 300_000, () => now);
    cache.set('k', [1, 2, 3]);
    now += 299_999;
    assert.deepEqual(cache.get('k'), [1, 2, 3]);
    now += 1;
    assert.equal(cache.get('k'), undefined);
    assert.deepEqual(cache.stats(), { size: 0, maxSize: 10, hits: 1, misses: 1, evictions: 0, memoryBytes: 0 });
  });

  it('tracks approximate memory as entries come and go', () => {
    const cache = new LruTtlCache<string>(1, 1000, () => 0);
    cache.set('a', 'xxxx');
    const one = cache.stats().memoryBytes;
    assert.equal(one, 2 * ('a'.length + '"xxxx"'.length));
    cache.set('a', 'xx');
    assert.equal(cache.stats().memoryBytes, 2 * ('a'.length + '"xx"'.length));
    cache.set('b', 'xx');
    assert.equal(cache.stats().memoryBytes, 2 * ('b'.length + '"xx"'.length));
  });

  it('stores nothing when its size is 0', () => {
    const cache = new LruTtlCache<string>(0, 1000, () => 0);
    cache.set('a', 'A');
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.stats().size, 0);
  });
});
