import * as client from 'prom-client';
import type { LruTtlCache } from './cache';
import type { ConnectionPool } from './pool';

/** Collapses whitespace so the `sql` label reads as the statement does in the source, on one line. */
export function sqlLabel(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Every metric the demo exposes, on its own registry so tests and restarts never share state. */
export class DemoMetrics {
  readonly registry = new client.Registry();

  readonly httpRequests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to the end of the response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly poolAcquireWait = new client.Histogram({
    name: 'db_pool_acquire_wait_seconds',
    help: 'Time a request waited for a free database connection.',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly poolHold = new client.Histogram({
    name: 'db_pool_hold_seconds',
    help: 'Time a database connection was held by one request.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly poolAcquires = new client.Counter({
    name: 'db_pool_acquires_total',
    help: 'Database connections handed out by the pool.',
    registers: [this.registry],
  });

  readonly queryDuration = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Execution time of each SQL statement; sql is the statement text with whitespace collapsed.',
    labelNames: ['statement', 'sql'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly cacheHits = new client.Counter({
    name: 'cache_hits_total',
    help: 'Cache lookups that found a live entry.',
    labelNames: ['cache'] as const,
    registers: [this.registry],
  });
  readonly cacheMisses = new client.Counter({
    name: 'cache_misses_total',
    help: 'Cache lookups that found nothing or an expired entry.',
    labelNames: ['cache'] as const,
    registers: [this.registry],
  });
  readonly cacheEvictions = new client.Counter({
    name: 'cache_evictions_total',
    help: 'Entries dropped because the cache was full (least recently used first).',
    labelNames: ['cache'] as const,
    registers: [this.registry],
  });

  private readonly caches = new Map<string, LruTtlCache<unknown>>();
  private pool?: ConnectionPool<unknown>;

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
    // Gauges read the live objects at scrape time, so they can never drift from the truth.
    const livePool = () => this.pool;
    const liveCaches = () => this.caches;
    const poolGauge = (name: string, help: string, pick: (s: ReturnType<ConnectionPool['stats']>) => number) =>
      new client.Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const pool = livePool();
          if (pool) this.set(pick(pool.stats()));
        },
      });
    poolGauge('db_pool_size', 'Connections in the pool.', (s) => s.size);
    poolGauge('db_pool_active', 'Connections held by a request right now.', (s) => s.active);
    poolGauge('db_pool_idle', 'Connections free right now.', (s) => s.idle);
    poolGauge('db_pool_pending', 'Requests waiting for a connection right now.', (s) => s.pending);
    const cacheGauge = (name: string, help: string, pick: (s: ReturnType<LruTtlCache<unknown>['stats']>) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['cache'] as const,
        registers: [this.registry],
        collect() {
          for (const [label, cache] of liveCaches()) this.set({ cache: label }, pick(cache.stats()));
        },
      });
    cacheGauge('cache_size', 'Live entries in the cache.', (s) => s.size);
    cacheGauge('cache_max_size', 'Entries the cache holds before it evicts.', (s) => s.maxSize);
    cacheGauge('cache_memory_bytes', 'Approximate bytes held by cached values.', (s) => s.memoryBytes);
  }

  watchPool(pool: ConnectionPool<unknown>): void {
    this.pool = pool;
  }

  watchCache(label: string, cache: LruTtlCache<unknown>): void {
    this.caches.set(label, cache);
    // Counters exist from the start (at 0), so a rate over them is defined before the first hit.
    this.cacheHits.inc({ cache: label }, 0);
    this.cacheMisses.inc({ cache: label }, 0);
    this.cacheEvictions.inc({ cache: label }, 0);
  }

  cacheEvents(label: string) {
    return {
      hit: () => this.cacheHits.inc({ cache: label }),
      miss: () => this.cacheMisses.inc({ cache: label }),
      evicted: () => this.cacheEvictions.inc({ cache: label }),
    };
  }

  poolObserver() {
    return {
      acquired: (waitSeconds: number) => {
        this.poolAcquires.inc();
        this.poolAcquireWait.observe(waitSeconds);
      },
      released: (holdSeconds: number) => this.poolHold.observe(holdSeconds),
    };
  }
}
