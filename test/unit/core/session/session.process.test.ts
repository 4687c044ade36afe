import * as assert from 'node:assert/strict';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession, AttachSessionOptions } from '../../../../src/core/session/session';
import { SessionManager } from '../../../../src/core/session/manager';
import type { Snapshot } from '../../../../src/core/session/types';
import { ManualClock } from '../../../../src/core/util/clock';
import { ok } from '../../../../src/core/util/result';
import type { LocalServer } from '../collectors/localServer';
import { startLocalServer, text } from '../collectors/localServer';
import type { ChildService } from '../collectors/childService';
import { startChildService } from '../collectors/childService';

/** The port↔pid lookup these tests exercise reads /proc; the tiers run on Linux (CI does). */
const LINUX_ONLY = 'this test covers the /proc socket lookup, which only Linux has: run the process tier on Linux';

/** A service whose counters the test moves by hand between rounds. */
function counters(srv: LocalServer) {
  const state = { ok: 0, errors: 0, fast: 0, slow: 0, restart: false };
  srv.route('/metrics', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    const n = state.fast + state.slow;
    res.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{method="GET",route="/items",status="200"} ${state.ok}`,
        `http_requests_total{method="GET",route="/items",status="503"} ${state.errors}`,
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{method="GET",route="/items",le="0.1"} ${state.fast}`,
        `http_request_duration_seconds_bucket{method="GET",route="/items",le="1"} ${n}`,
        `http_request_duration_seconds_bucket{method="GET",route="/items",le="+Inf"} ${n}`,
        `http_request_duration_seconds_sum{method="GET",route="/items"} ${state.fast * 0.05 + state.slow * 0.5}`,
        `http_request_duration_seconds_count{method="GET",route="/items"} ${n}`,
        '# TYPE db_pool_size gauge',
        'db_pool_size 10',
        '',
      ].join('\n'),
    );
  });
  srv.route('/health', text('{"status":"healthy","checks":{"database":{"status":"healthy"}}}', 'application/json'));
  return state;
}

const quiet: Partial<AttachSessionOptions> = { collectProcess: false, collectSystem: false };

describe('AttachSession', () => {
  let srv: LocalServer;
  let session: AttachSession | undefined;
  let clock: ManualClock;
  beforeEach(async () => {
    srv = await startLocalServer();
    clock = new ManualClock(1_700_000_000_000);
  });
  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await srv.close();
  });

  function attach(extra: Partial<AttachSessionOptions> = {}): AttachSession {
    const r = createAttachSession({ target: srv.url, clock, ...quiet, ...extra });
    assert.ok(r.ok, JSON.stringify(r));
    session = r.value;
    return session;
  }

  it('emits a snapshot every interval with rates over the clock time between rounds', async () => {
    const state = counters(srv);
    const s = attach({ intervalMs: 5000 });
    const got: Snapshot[] = [];
    s.onSnapshot((x) => got.push(x));
    s.start();
    await s.whenIdle();
    assert.equal(got.length, 1);
    assert.equal(got[0]!.http, undefined, 'no rate from one scrape');
    assert.equal(got[0]!.health?.state, 'healthy');
    assert.equal(got[0]!.pools?.[0]?.size, 10);
    assert.equal(got[0]!.presets?.httpRequests, 'http_requests_total (demo)');
    Object.assign(state, { ok: 90, errors: 10, fast: 95, slow: 5 });
    clock.advance(5000);
    await s.whenIdle();
    assert.equal(got.length, 2);
    const http = got[1]!.http!;
    assert.equal(got[1]!.time - got[0]!.time, 5000);
    assert.equal(http.requestRate, 20);
    assert.equal(http.errorRate, 0.1);
    assert.ok(Math.abs(http.avgMs! - 72.5) < 1e-9);
    assert.ok(Math.abs(http.p95Ms! - 100) < 1e-9);
    assert.deepEqual(got[1]!.errors, []);
    assert.equal(s.latest, got[1]);
  });

  it('stops cleanly: no more rounds and no timer left behind', async () => {
    counters(srv);
    const s = attach({ intervalMs: 1000 });
    let n = 0;
    s.onSnapshot(() => n++);
    s.start();
    await s.whenIdle();
    clock.advance(1000);
    await s.whenIdle();
    await s.stop();
    const timers = (clock as unknown as { timers: Map<number, unknown> }).timers;
    assert.equal(timers.size, 0);
    clock.advance(10_000);
    await s.whenIdle();
    assert.equal(n, 2);
    assert.equal(s.state, 'stopped');
  });

  it('keeps the other sources when the scrape fails, and backs off while it keeps failing', async () => {
    srv.route('/metrics', text('<html><body>Login</body></html>', 'text/html'));
    srv.route('/health', text('ok'));
    const s = attach({ intervalMs: 5000 });
    const got: Snapshot[] = [];
    s.onSnapshot((x) => got.push(x));
    s.start();
    await s.whenIdle();
    for (let t = 5000; t <= 60_000; t += 5000) {
      clock.advance(5000);
      await s.whenIdle();
    }
    assert.equal(got.length, 13);
    assert.equal(got[0]!.health?.state, 'healthy');
    assert.deepEqual(
      got[0]!.errors.map((e) => `${e.source}:${e.kind}`),
      ['scrape:not-metrics'],
    );
    // Attempts at 0, 5, 15 and 35 s (delays 5, 10, 20 s); rounds between report the wait.
    assert.equal(srv.hits.get('/metrics'), 4);
    assert.match(got[2]!.errors[0]!.message, /Next try in 5 s/);
    assert.equal(srv.hits.get('/health'), 13);
  });

  it('reports a malformed exposition and still uses its good lines', async () => {
    srv.route('/metrics', text('# TYPE db_pool_size gauge\ndb_pool_size 7\nthis is { not a sample\n'));
    const s = attach();
    const snap = await s.collectOnce();
    assert.equal(snap.pools?.[0]?.size, 7);
    const e = snap.errors.find((x) => x.kind === 'malformed')!;
    assert.match(e.message, /1 line\(s\) .* could not be read \(line 3/);
  });

  it('says when an OpenMetrics body ends without # EOF (truncated) but uses its samples', async () => {
    srv.route(
      '/metrics',
      text('# TYPE db_pool_size gauge\ndb_pool_size 4\n', 'application/openmetrics-text; version=1.0.0'),
    );
    const snap = await attach().collectOnce();
    assert.equal(snap.pools?.[0]?.size, 4);
    assert.match(
      snap.errors.find((x) => x.kind === 'malformed')!.message,
      /break the format's rules \(line 3: missing "# EOF".*truncated\)\); the samples were used/,
    );
  });

  it('asks the health path that answered first, and a service without one only once a minute', async () => {
    srv.route('/metrics', text('# TYPE db_pool_size gauge\ndb_pool_size 1\n'));
    srv.route('/status', text('{"status":"healthy"}', 'application/json'));
    const s = attach({ intervalMs: 5000 });
    const first = await s.collectOnce();
    assert.equal(first.health?.path, '/status');
    clock.advance(5000);
    await s.collectOnce();
    assert.equal(srv.hits.get('/health'), 1, 'the 404 path is not asked again');
    assert.equal(srv.hits.get('/status'), 2);

    const bare = await startLocalServer({ '/metrics': text('up 1\n') });
    try {
      const r = createAttachSession({ target: bare.url, clock, ...quiet });
      assert.ok(r.ok);
      const a = await r.value.collectOnce();
      assert.equal(a.errors.find((e) => e.source === 'health')?.kind, 'not-found');
      for (let i = 0; i < 11; i++) {
        clock.advance(5000);
        const b = await r.value.collectOnce();
        assert.match(b.errors.find((e) => e.source === 'health')!.message, /Next try in \d+ s/);
      }
      assert.equal(bare.hits.get('/health'), 1);
      clock.advance(5000);
      await r.value.collectOnce();
      assert.equal(bare.hits.get('/health'), 2, 'tried again after a minute');
      await r.value.stop();
    } finally {
      await bare.close();
    }
  });

  it('refuses remote targets unless allowed', () => {
    const r = createAttachSession({ target: 'http://example.com:8080' });
    assert.ok(!r.ok && r.error.kind === 'remote');
    const allowed = createAttachSession({ target: 'http://example.com:8080', allowRemote: true });
    assert.ok(allowed.ok);
    assert.equal(allowed.value.target.local, false);
    assert.equal(allowed.value.target.metricsUrl, 'http://example.com:8080/metrics');
  });

  it('uses the configured metrics, health and status paths', async () => {
    srv.route('/internal/prom', text('# TYPE db_pool_size gauge\ndb_pool_size 3\n'));
    srv.route(
      '/internal/status',
      text('{"status":"degraded","checks":{"cache":{"status":"degraded"}}}', 'application/json'),
    );
    const s = attach({ metricsPath: '/internal/prom', healthPath: '/internal/health', statusPath: '/internal/status' });
    const snap = await s.collectOnce();
    assert.equal(snap.pools?.[0]?.size, 3);
    assert.equal(snap.health?.state, 'degraded');
    assert.deepEqual(snap.health?.reasons, ['cache: degraded']);
  });
});

describe('AttachSession with real processes', () => {
  let svc: ChildService | undefined;
  let session: AttachSession | undefined;
  afterEach(async () => {
    await session?.stop();
    await svc?.stop();
    session = svc = undefined;
  });

  it('re-resolves the pid from the port after the service restarts', async function () {
    assert.equal(process.platform, 'linux', LINUX_ONLY);
    svc = await startChildService();
    const port = svc.port;
    const r = createAttachSession({ target: String(port), collectSystem: false, clock: new ManualClock(0) });
    assert.ok(r.ok);
    session = r.value;
    const first = await session.collectOnce();
    assert.equal(first.process?.pid, svc.pid);
    const oldPid = svc.pid;
    await svc.stop();
    const gone = await session.collectOnce();
    assert.equal(gone.process, undefined);
    assert.ok(
      gone.errors.some((e) => e.source === 'process' && e.kind === 'exited'),
      JSON.stringify(gone.errors),
    );
    svc = await startChildService(port);
    const back = await session.collectOnce();
    assert.equal(back.process?.pid, svc.pid);
    assert.notEqual(back.process?.pid, oldPid);
  });

  it('attaches by pid and finds the port to scrape from the process', async function () {
    assert.equal(process.platform, 'linux', LINUX_ONLY);
    svc = await startChildService();
    const r = createAttachSession({ target: `pid:${svc.pid}`, collectSystem: false, clock: new ManualClock(0) });
    assert.ok(r.ok);
    session = r.value;
    const snap = await session.collectOnce();
    assert.equal(snap.targetId, `pid:${svc.pid}`);
    assert.equal(session.target.baseUrl, `http://127.0.0.1:${svc.port}`);
    assert.equal(snap.process?.pid, svc.pid);
    assert.equal(snap.presets?.httpRequests, 'http_requests_total (demo)');
  });

  it('attached by pid with several ports (an --inspect service), scrapes the one that serves metrics', async function () {
    assert.equal(process.platform, 'linux', LINUX_ONLY);
    svc = await startChildService();
    // Listed first, like a lower inspector port: it has no /metrics (an inspector answers 400).
    const other = await startLocalServer();
    try {
      const r = createAttachSession({
        target: `pid:${svc.pid}`,
        collectSystem: false,
        clock: new ManualClock(0),
        deps: { listeningPortsOf: () => Promise.resolve([other.port, svc!.port]) },
      });
      assert.ok(r.ok);
      session = r.value;
      const snap = await session.collectOnce();
      assert.equal(session.target.baseUrl, `http://127.0.0.1:${svc.port}`);
      assert.equal(snap.presets?.httpRequests, 'http_requests_total (demo)');
      assert.deepEqual(
        snap.errors.filter((e) => e.kind === 'several-ports'),
        [],
      );
    } finally {
      await other.close();
    }
  });
});

describe('SessionManager', () => {
  let a: LocalServer;
  let b: LocalServer;
  beforeEach(async () => {
    [a, b] = await Promise.all([startLocalServer(), startLocalServer()]);
    counters(a);
    counters(b);
  });
  afterEach(() => Promise.all([a.close(), b.close()]));

  it('runs several targets, refuses duplicates, and stops them all', async () => {
    const clock = new ManualClock(0);
    const m = new SessionManager({ clock, ...quiet, intervalMs: 2000 });
    const seen: string[] = [];
    m.onSnapshot((s) => seen.push(s.targetId));
    const sa = m.attach({ target: a.url });
    const sb = m.attach({ target: b.url });
    assert.ok(sa.ok && sb.ok);
    const dup = m.attach({ target: a.url });
    assert.ok(!dup.ok && dup.error.kind === 'duplicate');
    await Promise.all(m.list().map((s) => s.whenIdle()));
    clock.advance(2000);
    await Promise.all(m.list().map((s) => s.whenIdle()));
    assert.deepEqual(seen.sort(), [a.url, a.url, b.url, b.url].sort());
    assert.equal(await m.detach(a.url), true);
    assert.equal(await m.detach(a.url), false);
    assert.deepEqual(
      m.list().map((s) => s.id),
      [b.url],
    );
    await m.dispose();
    assert.equal(m.list().length, 0);
    assert.equal(sb.value.state, 'stopped');
  });

  it('accepts injected collectors for process and system stats', async () => {
    const m = new SessionManager({ clock: new ManualClock(0) });
    const r = m.attach({
      target: a.url,
      deps: {
        findPidByPort: () => Promise.resolve(ok(process.pid)),
        process: { usage: () => Promise.resolve({ cpu: 12, memory: 3e7 }), connections: () => Promise.resolve(4) },
        system: { collect: () => Promise.resolve(ok({ cpuPercent: 30, memUsedBytes: 1, memTotalBytes: 2 })) },
      },
    });
    assert.ok(r.ok);
    await r.value.whenIdle();
    assert.deepEqual(r.value.latest?.process, { pid: process.pid, cpuPercent: 12, rssBytes: 3e7, openConnections: 4 });
    assert.equal(r.value.latest?.system?.cpuPercent, 30);
    await m.dispose();
  });
});
