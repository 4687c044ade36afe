import Database from 'better-sqlite3';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeSeed } from '../../../examples/demo-service/src/db';
import { ConnectionPool, PoolTimeoutError } from '../../../examples/demo-service/src/pool';

describe('demo ConnectionPool', () => {
  let dir: string;
  let dbPath: string;
  const waits: number[] = [];
  const holds: number[] = [];
  const observer = { acquired: (w: number) => waits.push(w), released: (h: number) => holds.push(h) };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-pool-'));
    dbPath = path.join(dir, 'small.db');
    const db = new Database(dbPath);
    writeSeed(db, 200, 3);
    db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    waits.length = 0;
    holds.length = 0;
  });

  it('hands out connections until all are busy, then queues waiters first come first served', async () => {
    const pool = new ConnectionPool(dbPath, 2, 10_000, observer);
    try {
      const a = await pool.acquire();
      const b = await pool.acquire();
      assert.deepEqual(pool.stats(), { size: 2, active: 2, idle: 0, pending: 0 });
      const order: string[] = [];
      const c = pool.acquire().then((conn) => (order.push('c'), conn));
      const d = pool.acquire().then((conn) => (order.push('d'), conn));
      assert.equal(pool.stats().pending, 2);
      pool.release(a);
      const cConn = await c;
      assert.equal(cConn, a, 'the freed connection goes straight to the first waiter');
      pool.release(b);
      await d;
      assert.deepEqual(order, ['c', 'd']);
      assert.deepEqual(pool.stats(), { size: 2, active: 2, idle: 0, pending: 0 });
      assert.equal(waits.length, 4);
      assert.equal(holds.length, 2);
    } finally {
      pool.close();
    }
  });

  it('runs real queries and returns the connection however the work ends', async () => {
    const pool = new ConnectionPool(dbPath, 1, 10_000, observer);
    try {
      const n = await pool.use((conn) => (conn.prepare('SELECT count(*) AS n FROM entities').get() as { n: number }).n);
      assert.equal(n, 200);
      await assert.rejects(
        pool.use(() => Promise.reject(new Error('boom'))),
        /boom/,
      );
      assert.deepEqual(pool.stats(), { size: 1, active: 0, idle: 1, pending: 0 });
      await assert.rejects(
        pool.use((conn) => conn.prepare("INSERT INTO workspaces VALUES (99, 'x', 'y')").run()),
        /readonly/,
        'pooled connections are read-only',
      );
      assert.equal(pool.stats().idle, 1);
    } finally {
      pool.close();
    }
  });

  it('rejects a waiter with PoolTimeoutError when no connection frees up in time', async () => {
    const pool = new ConnectionPool(dbPath, 1, 1, observer);
    try {
      const held = await pool.acquire();
      await assert.rejects(pool.acquire(), PoolTimeoutError);
      assert.equal(pool.stats().pending, 0);
      pool.release(held);
    } finally {
      pool.close();
    }
  });
});
