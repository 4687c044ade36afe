import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtRate } from '../../../src/cli/commands/report';
import { runCli } from '../../../src/cli/main';
import type { SessionSummary } from '../../../src/core/session/summary';
import { openHistoryStore } from '../../../src/core/store';
import { httpRequest } from '../../../src/core/util/http';
import type { DemoHandle } from '../../helpers/demoService';
import { startDemoService } from '../../helpers/demoService';
import { capture, runCliAndInterrupt } from './liveHelpers';

/** Open-loop load at a fixed rate: request i is sent at start + i/rate, whatever the answers do. */
function pacedLoad(url: string, perSecond: number): { stop(): Promise<void> } {
  let running = true;
  const inflight = new Set<Promise<unknown>>();
  const start = Date.now();
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const delay = start + (i * 1000) / perSecond - Date.now();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const p = httpRequest(url, { timeoutMs: 10_000 });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await Promise.all(inflight);
    },
  };
}

type ReportJson = SessionSummary & { intervalMs: number; history?: { file: string; movedAside?: { reason: string; movedTo: string } } };

describe('cli: perflens report (real demo service)', function () {
  this.timeout(60_000);
  let demo: DemoHandle | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reports the request rate of a known load within 10% and a p95 consistent with the injected latency', async () => {
    // The injected latency is spent holding a pooled connection: 40/s × 0.12 s = 4.8 connections
    // busy on average, so a pool of 20 keeps queueing out of the numbers being checked.
    demo = await startDemoService({ latencyMs: 120, poolSize: 20 });
    const rate = 40;
    const load = pacedLoad(`${demo.url}/api/workspaces`, rate);
    const io = capture();
    let code: number;
    try {
      await new Promise((r) => setTimeout(r, 300)); // the load reaches its steady state first
      code = await runCli(['report', '--url', demo.url, '--duration', '6s', '--interval', '1s', '--json'], io);
    } finally {
      await load.stop();
    }
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as ReportJson;
    assert.equal(out.target, demo.url);
    assert.equal(out.snapshots, 7);
    assert.equal(out.intervalMs, 1000);
    const route = out.http!.routes.find((r) => r.route === '/api/workspaces' && r.method === 'GET')!;
    assert.ok(Math.abs(route.requestRate - rate) / rate < 0.1, `measured ${route.requestRate}/s for ${rate}/s`);
    assert.equal(route.errorRate, 0);
    // Every request waits 120 ms: all land in the demo's (100 ms, 250 ms] bucket, so
    // histogram_quantile puts p95 at 100 + 150 · 0.95 = 242.5 ms, and the mean is just above 120.
    assert.ok(route.avgMs! >= 120 && route.avgMs! < 200, `avg ${route.avgMs}`);
    assert.ok(route.p95Ms! >= 120 && route.p95Ms! <= 250, `p95 ${route.p95Ms}`);
    assert.equal(out.health!.state, 'healthy');
    assert.equal((out.health as { path?: string }).path, '/health'); // documented in README's report shape
    assert.equal(out.presets!.httpRequests, 'http_requests_total (demo)');
    assert.equal(out.process!.pid, demo.pid);
    assert.ok(out.process!.rssBytes > 0);
    assert.ok(out.system!.memTotalBytes > 0);
    assert.equal(out.pools![0]!.size, 20);
    assert.ok(out.queries!.some((q) => q.statement === 'workspaces_list'));
  });

  it('prints a readable report and records the snapshots into --db', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    const io = capture();
    const code = await runCli(['report', demo.url, '--duration', '1s', '--interval', '500ms', '--db', db], io);
    assert.equal(code, 0, io.stderr);
    // The heading gives the measured window (first to last snapshot), which a loaded machine stretches past 1 s.
    assert.match(io.stdout, /^PerfLens report for http:\/\/127\.0\.0\.1:\d+: \d+ s, 3 snapshots/);
    assert.match(io.stdout, /Health {3}healthy/);
    assert.match(io.stdout, /httpRequests +http_requests_total \(demo\)/);
    assert.match(io.stdout, /Recorded 3 snapshots into /);
    const store = await openHistoryStore({ file: db });
    assert.ok(store.ok);
    try {
      assert.ok(store.value.series(demo.url).some((s) => s.name === 'health.state'));
      assert.ok(store.value.series(demo.url).some((s) => s.name === 'pool.size'));
    } finally {
      await store.value.close();
    }
  });

  it('Ctrl-C ends the window early, still reports and saves --db (real CLI process)', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    const { code, stdout, stderr } = await runCliAndInterrupt(['report', '--url', demo.url, '--duration', '10m', '--interval', '200ms', '--db', db, '--json']);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /interrupted; reporting on what was collected so far/);
    const out = JSON.parse(stdout) as ReportJson;
    assert.ok(out.snapshots >= 1);
    assert.ok(out.window.durationMs < 600_000);
    assert.ok(fs.existsSync(db), 'the history was saved');
  });

  it('moves a corrupt --db aside, says so, and still reports', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    fs.writeFileSync(db, Buffer.alloc(4096, 0x42));
    const io = capture();
    const code = await runCli(['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--db', db, '--json'], io);
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as ReportJson;
    assert.match(io.stderr, /could not be used: it is not an SQLite database/);
    assert.ok(out.history?.movedAside && fs.existsSync(out.history.movedAside.movedTo));
    assert.ok(fs.existsSync(db));
  });
});

describe('cli: perflens report --db that cannot be written', () => {
  let demo: DemoHandle | undefined;
  after(async () => demo?.stop());

  it('does not claim the snapshots were recorded, says why, and exits 2', async () => {
    demo = await startDemoService();
    // Nothing can create files in /proc, root included: the history opens empty but cannot be saved.
    const db = `/proc/perflens-report-${process.pid}.db`;
    const io = capture();
    const code = await runCli(['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--db', db], io);
    assert.equal(code, 2, io.stdout + io.stderr);
    assert.match(io.stdout, /^PerfLens report for /);
    assert.doesNotMatch(io.stdout, /Recorded \d+ snapshots/);
    assert.match(io.stderr, /Could not save the metric history to \/proc\/perflens-report-\d+\.db: its folder does not exist or cannot hold new files\. The report above was not recorded; choose a writable --db path\./);
    const json = capture();
    assert.equal(await runCli(['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--db', db, '--json'], json), 2);
    assert.match((JSON.parse(json.stdout) as { history: { error: string } }).history.error, /Could not save/);
  });

  it('a --db that is a folder exits 2 with the reason in words', async () => {
    const io = capture();
    assert.equal(await runCli(['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--db', os.tmpdir()], io), 2);
    assert.equal(io.stderr, `perflens: Could not open the metric history ${os.tmpdir()}: it is a folder, not a file.\n`);
  });

  it('lists collection problems the way analyze and check list them', async () => {
    demo ??= await startDemoService();
    const io = capture();
    assert.equal(await runCli(['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--metrics-path', '/nope'], io), 0, io.stderr);
    assert.match(io.stdout, /\nCollection problems:\n {2}scrape \(\d+×\): .*\/nope answered HTTP 404/);
  });
});

describe('cli: perflens report number formats', () => {
  it('writes large rates with thousands separators, as explain and profile write counts', () => {
    assert.deepEqual([0.04, 41.66, 100, 12614.4].map(fmtRate), ['0.0/s', '41.7/s', '100/s', '12,614/s']);
  });
});

describe('cli: perflens report (usage and input errors)', () => {
  it('exits 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['report'], /report needs --url/],
      [['report', '--url', 'http://127.0.0.1:9', '--duration', '500ms'], /at least 1s/],
      [['report', '--url', 'http://example.com', '--duration', '2s'], /not on this machine/],
      [['report', '--url', 'http://127.0.0.1:9', '--metrics-path', 'http://x/metrics'], /is a path such as/],
      [['report', '--url', 'http://127.0.0.1:9', '--duration', '2s', '--interval', '5s'], /--interval must not be longer/],
    ];
    for (const [argv, re] of cases) {
      const io = capture();
      assert.equal(await runCli(argv, io), 2, argv.join(' '));
      assert.match(io.stderr, re);
    }
  });

  it('exits 2 when nothing could be collected', async () => {
    const io = capture();
    // Port 9 (discard) has no listener here: refused on every round.
    const code = await runCli(['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--interval', '1s'], io);
    assert.equal(code, 2);
    assert.match(io.stderr, /Nothing could be collected from http:\/\/127\.0\.0\.1:9:\n[\s\S]* {2}metrics: Nothing is listening/);
  });
});
