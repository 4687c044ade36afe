import Database from 'better-sqlite3';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LruTtlCache } from '../../../examples/demo-service/src/cache';
import { writeSeed } from '../../../examples/demo-service/src/db';
import { healthReport } from '../../../examples/demo-service/src/health';
import { ConnectionPool } from '../../../examples/demo-service/src/pool';

describe('demo health checks', () => {
  let dir: string;
  let dbPath: string;
  const noop = { acquired: () => {}, released: () => {} };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-health-'));
    dbPath = path.join(dir, 'small.db');
    const db = new Database(dbPath);
    writeSeed(db, 100, 4);
    db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is healthy on a fresh service, with real database, disk and memory readings', async () => {
    const pool = new ConnectionPool(dbPath, 1, 1000, noop);
    try {
      const r = await healthReport(pool, new LruTtlCache(10, 1000), dbPath);
      assert.equal(r.checks.database.status, 'healthy');
      assert.equal(r.checks.database.workspaces, 4);
      assert.equal(r.checks.disk_space.path, dir);
      assert.ok((r.checks.disk_space.total_gb as number) > 0);
      assert.ok((r.checks.memory.rss_mb as number) > 0);
      assert.equal(r.checks.cache.hit_rate, null);
      assert.equal(r.checks.cache.status, 'healthy');
    } finally {
      pool.close();
    }
  });

  it('is degraded when the cache mostly misses, unless the cache is switched off', async () => {
    const pool = new ConnectionPool(dbPath, 1, 1000, noop);
    try {
      const cache = new LruTtlCache<number>(10, 1000);
      for (let i = 0; i < 100; i++) cache.get(`k${i}`);
      const r = await healthReport(pool, cache, dbPath);
      assert.equal(r.checks.cache.status, 'degraded');
      assert.equal(r.checks.cache.hit_rate, 0);
      assert.equal(r.status === 'degraded' || r.status === 'unhealthy', true);
      const off = new LruTtlCache<number>(0, 1000);
      for (let i = 0; i < 100; i++) off.get(`k${i}`);
      assert.equal((await healthReport(pool, off, dbPath)).checks.cache.status, 'healthy');
    } finally {
      pool.close();
    }
  });

  it('is unhealthy when the database cannot be reached', async () => {
    const pool = new ConnectionPool(dbPath, 1, 1000, noop);
    pool.close();
    const r = await healthReport(pool, new LruTtlCache(10, 1000), dbPath);
    assert.equal(r.checks.database.status, 'unhealthy');
    assert.match(String(r.checks.database.error), /closed/);
    assert.equal(r.status, 'unhealthy');
  });

  it('compiles its database query once per connection, not at every check', async () => {
    const pool = new ConnectionPool(dbPath, 1, 1000, noop);
    try {
      const prepared: string[] = [];
      await pool.use((conn) => {
        const db = conn as Database.Database;
        const prepare = db.prepare.bind(db);
        db.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof db.prepare;
        return Promise.resolve();
      });
      for (let i = 0; i < 3; i++) {
        const r = await healthReport(pool, new LruTtlCache(10, 1000), dbPath);
        assert.equal(r.checks.database.workspaces, 4);
      }
      assert.equal(prepared.length, 1, `prepared: ${prepared.join(' | ')}`);
    } finally {
      pool.close();
    }
  });
});
