import Database from 'better-sqlite3';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { httpRequest } from '../../../src/core/util/http';
import { processExists } from '../../../src/core/util/process';
import type { DemoHandle } from '../../helpers/demoService';
import { DEMO_DEFAULT_DB, startDemoService } from '../../helpers/demoService';

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const r = await httpRequest(url, { timeoutMs: 15_000 });
  if (!r.ok) throw new Error(r.error.message);
  return { status: r.value.status, type: r.value.headers['content-type'] ?? '', text: r.value.body.toString('utf8') };
}

async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const r = await get(url);
  return { status: r.status, body: JSON.parse(r.text) as T };
}

/** Value of one sample line `name{labels} value` in a Prometheus text body. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('demo service (real process)', function () {
  let demo: DemoHandle;

  before(async () => {
    demo = await startDemoService();
  });
  after(async () => {
    await demo?.stop();
  });

  it('listens on 127.0.0.1 with the reported port and pid', async () => {
    assert.equal(demo.url, `http://127.0.0.1:${demo.port}`);
    const { body } = await getJson<{
      pid: number;
      config: { port: number; poolSize: number; cacheSize: number; cacheTtlSeconds: number };
      version: string;
    }>(`${demo.url}/status`);
    assert.equal(body.pid, demo.pid);
    assert.equal(body.config.port, demo.port);
    assert.deepEqual([body.config.poolSize, body.config.cacheSize, body.config.cacheTtlSeconds], [5, 1000, 300]);
  });

  it('serves workspaces and the seed entities query through the cache', async () => {
    const ws = await getJson<{ workspaces: { id: number }[] }>(`${demo.url}/api/workspaces`);
    assert.equal(ws.status, 200);
    assert.equal(ws.body.workspaces.length, 20);
    const first = await getJson<{ cached: boolean; entities: { degree: number; name: string; type: string }[] }>(
      `${demo.url}/api/graph/entities?workspace_id=3&limit=25`,
    );
    assert.equal(first.body.cached, false);
    assert.equal(first.body.entities.length, 25);
    const degrees = first.body.entities.map((e) => e.degree);
    assert.deepEqual(
      degrees,
      [...degrees].sort((a, b) => b - a),
      'ordered by degree descending',
    );
    const second = await getJson<{ cached: boolean; entities: unknown[] }>(
      `${demo.url}/api/graph/entities?workspace_id=3&limit=25`,
    );
    assert.equal(second.body.cached, true);
    assert.deepEqual(second.body.entities, first.body.entities);
    assert.equal((await get(`${demo.url}/api/graph/entities?limit=5`)).status, 400, 'workspace_id is required');
    assert.equal((await get(`${demo.url}/api/nope`)).status, 404);
  });

  it('exposes every documented metric family on /metrics, with route patterns and the SQL text as labels', async () => {
    await get(`${demo.url}/api/graph/centrality?workspace_id=2&iterations=20`);
    await get(`${demo.url}/api/graph/entities?workspace_id=4&limit=10`);
    const m = await get(`${demo.url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    const families = new Map<string, string>();
    for (const line of m.text.split('\n')) {
      const t = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (t) families.set(t[1]!, t[2]!);
    }
    const expected: Record<string, string> = {
      http_requests_total: 'counter',
      http_request_duration_seconds: 'histogram',
      db_pool_size: 'gauge',
      db_pool_active: 'gauge',
      db_pool_idle: 'gauge',
      db_pool_pending: 'gauge',
      db_pool_acquire_wait_seconds: 'histogram',
      db_pool_hold_seconds: 'histogram',
      db_pool_acquires_total: 'counter',
      cache_hits_total: 'counter',
      cache_misses_total: 'counter',
      cache_evictions_total: 'counter',
      cache_size: 'gauge',
      cache_max_size: 'gauge',
      cache_memory_bytes: 'gauge',
      db_query_duration_seconds: 'histogram',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    };
    for (const [name, type] of Object.entries(expected))
      assert.equal(families.get(name), type, `${name} should be a ${type}`);
    assert.equal(sample(m.text, 'db_pool_size'), 5);
    assert.equal(sample(m.text, 'cache_max_size{cache="entities"}'), 1000);
    assert.ok(sample(m.text, 'http_requests_total{method="GET",route="/api/graph/centrality",status="200"}')! >= 1);
    assert.ok(sample(m.text, 'http_request_duration_seconds_count{method="GET",route="/api/graph/entities"}')! >= 1);
    const seedSql = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';
    assert.ok(
      sample(m.text, `db_query_duration_seconds_count{statement="entities_by_workspace",sql="${seedSql}"}`)! >= 1,
    );
    assert.ok(sample(m.text, 'cache_misses_total{cache="entities"}')! >= 1);
    assert.ok(sample(m.text, 'db_pool_acquires_total')! >= 1);
  });

  it('answers /health in the seed shape with real checks', async () => {
    const { status, body } = await getJson<{
      status: string;
      checks: Record<string, { status: string; [k: string]: unknown }>;
      timestamp: string;
    }>(`${demo.url}/health`);
    assert.equal(status, 200);
    assert.ok(['healthy', 'degraded'].includes(body.status));
    assert.deepEqual(Object.keys(body.checks).sort(), ['cache', 'database', 'disk_space', 'memory']);
    for (const c of Object.values(body.checks)) assert.ok(['healthy', 'degraded', 'unhealthy'].includes(c.status));
    assert.equal(body.checks.database!.status, 'healthy');
    assert.equal(body.checks.database!.workspaces, 20);
    assert.equal(typeof body.checks.disk_space!.free_gb, 'number');
    assert.equal(typeof body.checks.memory!.rss_mb, 'number');
    assert.equal(body.checks.cache!.max_size, 1000);
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
  });

  it('switches injected errors and the hot path at run time through /admin/faults', async () => {
    await demo.setFaults({ errorRate: 1 });
    assert.equal((await get(`${demo.url}/api/workspaces`)).status, 500);
    assert.equal((await get(`${demo.url}/health`)).status, 200, 'only /api routes fail');
    const faults = await getJson<{ latencyMs: number; errorRate: number; hot: boolean }>(`${demo.url}/admin/faults`);
    assert.deepEqual(faults.body, { latencyMs: 0, errorRate: 1, hot: true, leak: false });
    await demo.setFaults({ errorRate: 0, hot: false });
    const cheap = await getJson<{ method: string; top: unknown[] }>(`${demo.url}/api/graph/centrality?workspace_id=1`);
    assert.equal(cheap.status, 200);
    assert.equal(cheap.body.method, 'degree');
    await demo.setFaults({ hot: true });
    const hot = await getJson<{ method: string; iterations: number }>(
      `${demo.url}/api/graph/centrality?workspace_id=1&iterations=30`,
    );
    assert.equal(hot.body.method, 'power-iteration');
    assert.equal(hot.body.iterations, 30);
    const m = await get(`${demo.url}/metrics`);
    assert.ok(sample(m.text, 'http_requests_total{method="GET",route="/api/workspaces",status="500"}')! >= 1);
    await assert.rejects(demo.setFaults({ errorRate: 2 }), /HTTP 400/);
  });

  it('seeds the database without an index, so the seed query scans and sorts with a temp b-tree', () => {
    const db = new Database(DEMO_DEFAULT_DB, { readonly: true, fileMustExist: true });
    try {
      const plan = db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?',
        )
        .all(1, 10) as { detail: string }[];
      const details = plan.map((p) => p.detail);
      assert.ok(details.includes('SCAN entities'), details.join(' | '));
      assert.ok(details.includes('USE TEMP B-TREE FOR ORDER BY'), details.join(' | '));
      assert.equal((db.prepare('SELECT count(*) AS n FROM entities').get() as { n: number }).n, 100_000);
    } finally {
      db.close();
    }
  });

  it('stop() ends the process and is safe to call twice', async () => {
    const extra = await startDemoService({ cacheSize: 0 });
    assert.ok(processExists(extra.pid));
    await extra.stop();
    await extra.stop();
    assert.equal(processExists(extra.pid), false);
  });
});

describe('demo service options', function () {
  const handles: DemoHandle[] = [];
  let tmp: string | undefined;
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  it('makes requests queue for a connection when the pool is saturated', async () => {
    const demo = await startDemoService({ poolSize: 1, cacheSize: 0, latencyMs: 400 });
    handles.push(demo);
    const results = await Promise.all(
      [1, 2, 3].map((w) => get(`${demo.url}/api/graph/entities?workspace_id=${w}&limit=5`)),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200],
    );
    const m = (await get(`${demo.url}/metrics`)).text;
    assert.equal(sample(m, 'db_pool_acquires_total'), 3);
    assert.equal(sample(m, 'db_pool_acquire_wait_seconds_count'), 3);
    // The connection is held for the injected 400 ms, so the 2nd and 3rd request had to wait.
    assert.ok(sample(m, 'db_pool_acquire_wait_seconds_bucket{le="0.1"}')! < 3, m);
    assert.equal(sample(m, 'db_pool_hold_seconds_bucket{le="0.25"}'), 0, 'every hold includes the injected latency');
    assert.equal(sample(m, 'cache_size{cache="entities"}'), 0, 'cache size 0 disables the cache');
  });

  it('opens the inspector when asked, so profilers can attach', async () => {
    const demo = await startDemoService({ inspectPort: 0 });
    handles.push(demo);
    const { body } = await getJson<{ inspector: string | null }>(`${demo.url}/status`);
    assert.match(String(body.inspector), /^ws:\/\/127\.0\.0\.1:\d+\//);
  });

  it('seeds a fresh database once when two services start on it in parallel', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-demo-'));
    const dbPath = path.join(tmp, 'nested', 'graphrag.db');
    const [a, b] = await Promise.all([startDemoService({ dbPath }), startDemoService({ dbPath })]);
    handles.push(a!, b!);
    for (const h of [a!, b!]) {
      const r = await getJson<{ entities: unknown[] }>(`${h.url}/api/graph/entities?workspace_id=7&limit=3`);
      assert.equal(r.body.entities.length, 3);
    }
    assert.deepEqual(fs.readdirSync(path.dirname(dbPath)), ['graphrag.db'], 'no temp files left behind');
  });
});

describe('demo service background traffic (real process)', function () {
  this.timeout(120_000);

  /** Requests counted by route in the service's own /metrics, unmatched 404s included. */
  async function routesSeen(url: string): Promise<Map<string, number>> {
    const m = await get(`${url}/metrics`);
    const seen = new Map<string, number>();
    for (const line of m.text.split('\n')) {
      const r = /^http_requests_total\{[^}]*route="([^"]+)"[^}]*\} (\d+)/.exec(line);
      if (r) seen.set(r[1]!, (seen.get(r[1]!) ?? 0) + Number(r[2]));
    }
    return seen;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 90_000): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('sends itself varied requests when traffic is on: several routes, cache hits and misses', async () => {
    const demo = await startDemoService({ traffic: true });
    try {
      const seen = await until('traffic on three routes', async () => {
        const s = await routesSeen(demo.url);
        return [...s.keys()].filter((r) => r.startsWith('/api/')).length >= 3 ? s : undefined;
      });
      assert.ok((seen.get('/api/graph/entities') ?? 0) > 0, JSON.stringify([...seen]));
      const cache = await until('both cache hits and misses', async () => {
        const text = (await get(`${demo.url}/metrics`)).text;
        const hits = sample(text, 'cache_hits_total{cache="entities"}') ?? 0;
        const misses = sample(text, 'cache_misses_total{cache="entities"}') ?? 0;
        return hits > 0 && misses > 0 ? { hits, misses } : undefined;
      });
      assert.ok(cache.hits > 0 && cache.misses > 0);
    } finally {
      await demo.stop();
    }
  });

  it('sends nothing of its own with --traffic=false (the default in tests)', async () => {
    const demo = await startDemoService();
    try {
      // Our own two scrapes are the only requests; the first /metrics answer can't count itself.
      await get(`${demo.url}/health`);
      const seen = await routesSeen(demo.url);
      assert.deepEqual(
        [...seen.keys()].filter((r) => r.startsWith('/api/')),
        [],
      );
      const { body } = await getJson<{ config: { traffic: boolean } }>(`${demo.url}/status`);
      assert.equal(body.config.traffic, false);
    } finally {
      await demo.stop();
    }
  });
});
