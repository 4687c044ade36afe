export interface CacheStats {
  size: number;
  maxSize: number;
  hits: number;
  misses: number;
  evictions: number;
  /** Rough bytes held: UTF-16 length of each value's JSON plus its key. */
  memoryBytes: number;
}

export interface CacheEvents {
  hit(): void;
  miss(): void;
  evicted(): void;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  bytes: number;
}

/**
 * Least-recently-used cache with a time-to-live, configured like a typical cache manager (CACHE_MAX_SIZE,
 * CACHE_TTL). A Map keeps insertion order, so re-inserting on read makes the first key the LRU one.
 * maxSize 0 disables caching entirely (every get misses), which load tests use to reach the pool.
 */
export class LruTtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private bytes = 0;

  constructor(
    readonly maxSize: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly events?: CacheEvents,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.hits++;
      this.events?.hit();
      return e.value;
    }
    // An expired entry is dropped on read; that is expiry, not eviction.
    if (e) this.remove(key, e);
    this.misses++;
    this.events?.miss();
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.maxSize === 0 || this.ttlMs <= 0) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const bytes = 2 * (key.length + (JSON.stringify(value)?.length ?? 0));
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.maxSize) {
      const [lruKey, lru] = this.entries.entries().next().value as [string, Entry<V>];
      this.remove(lruKey, lru);
      this.evictions++;
      this.events?.evicted();
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return {
      size: this.entries.size,
      maxSize: this.maxSize,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      memoryBytes: this.bytes,
    };
  }

  private remove(key: string, e: Entry<V>): void {
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
