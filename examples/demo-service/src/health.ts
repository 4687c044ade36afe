import type Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LruTtlCache } from './cache';
import type { ConnectionPool } from './pool';
import type { DemoConn } from './demoDb';
import { isSqlite } from './demoDb';

export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthCheck {
  status: CheckStatus;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: CheckStatus;
  checks: { database: HealthCheck; cache: HealthCheck; disk_space: HealthCheck; memory: HealthCheck };
  timestamp: string;
}

/** The memory limit, 1024 MB: resident memory above 80 % of it is degraded, above it unhealthy. */
const MAX_MEMORY_MB = 1024;
/** A health query slower than this means the pool or the disk is struggling. */
const SLOW_DB_MS = 1000;

/** The health query, compiled once per connection (as the service's own queries are), not at every check. */
const healthStatements = new WeakMap<Database.Database, Database.Statement>();

function healthStatement(conn: Database.Database): Database.Statement {
  let stmt = healthStatements.get(conn);
  if (!stmt) healthStatements.set(conn, (stmt = conn.prepare('SELECT count(*) AS n FROM workspaces')));
  return stmt;
}

async function checkDatabase(pool: ConnectionPool<DemoConn>, timeoutMs: number): Promise<HealthCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    // Waiting on a saturated pool is itself the symptom; don't let /health hang as long as the pool timeout.
    const row = await Promise.race([
      pool.use(async (conn) =>
        isSqlite(conn)
          ? (healthStatement(conn).get() as { n: number })
          : ((await conn.query('SELECT count(*)::int AS n FROM workspaces')).rows[0] as { n: number }),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const ms = performance.now() - started;
    const s = pool.stats();
    return {
      status: ms > SLOW_DB_MS || s.pending > 0 ? 'degraded' : 'healthy',
      response_time_ms: round(ms),
      workspaces: row.n,
      pool: { size: s.size, active: s.active, idle: s.idle, pending: s.pending },
    };
  } catch (e) {
    return {
      status: 'unhealthy',
      error: e instanceof Error ? e.message : String(e),
      response_time_ms: round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}

function checkCache(cache: LruTtlCache<unknown>): HealthCheck {
  const s = cache.stats();
  const lookups = s.hits + s.misses;
  const hitRate = lookups ? s.hits / lookups : null;
  // Cache advice acts on a miss rate above 50 %; only judge once there is enough traffic.
  // A cache switched off by configuration (size 0) is a choice, not a fault.
  const degraded = s.maxSize > 0 && hitRate !== null && lookups >= 100 && hitRate < 0.5;
  return {
    status: degraded ? 'degraded' : 'healthy',
    enabled: s.maxSize > 0,
    size: s.size,
    max_size: s.maxSize,
    hit_rate: hitRate === null ? null : round(hitRate, 4),
    evictions: s.evictions,
    memory_bytes: s.memoryBytes,
  };
}

function checkDisk(dbPath: string): HealthCheck {
  try {
    const st = fs.statfsSync(path.dirname(dbPath));
    const total = st.blocks * st.bsize;
    const free = st.bavail * st.bsize;
    const usedPercent = total ? (100 * (total - free)) / total : 0;
    return {
      status: usedPercent > 95 ? 'unhealthy' : usedPercent > 90 ? 'degraded' : 'healthy',
      path: path.dirname(dbPath),
      free_gb: round(free / 1024 ** 3, 2),
      total_gb: round(total / 1024 ** 3, 2),
      used_percent: round(usedPercent, 1),
    };
  } catch (e) {
    return { status: 'unhealthy', error: e instanceof Error ? e.message : String(e) };
  }
}

function checkMemory(): HealthCheck {
  const m = process.memoryUsage();
  const rssMb = m.rss / 1024 ** 2;
  const systemUsed = 100 * (1 - os.freemem() / os.totalmem());
  return {
    status: rssMb > MAX_MEMORY_MB ? 'unhealthy' : rssMb > 0.8 * MAX_MEMORY_MB ? 'degraded' : 'healthy',
    rss_mb: round(rssMb, 1),
    heap_used_mb: round(m.heapUsed / 1024 ** 2, 1),
    max_memory_mb: MAX_MEMORY_MB,
    system_used_percent: round(systemUsed, 1),
  };
}

/** The comprehensive health check: any unhealthy check makes the whole unhealthy, any other problem degraded. */
export async function healthReport(
  pool: ConnectionPool<DemoConn>,
  cache: LruTtlCache<unknown>,
  dbPath: string,
): Promise<HealthReport> {
  const checks = {
    database: await checkDatabase(pool, 2000),
    cache: checkCache(cache),
    disk_space: checkDisk(dbPath),
    memory: checkMemory(),
  };
  const statuses = Object.values(checks).map((c) => c.status);
  const status: CheckStatus = statuses.includes('unhealthy')
    ? 'unhealthy'
    : statuses.includes('degraded')
      ? 'degraded'
      : 'healthy';
  return { status, checks, timestamp: new Date().toISOString() };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
