import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatRate } from '../../../src/shared/format';
import { runCli } from '../../../src/cli/main';
import type { SessionSummary } from '../../../src/core/session/summary';
import { openHistoryStore } from '../../../src/core/store';
import { httpRequest } from '../../../src/core/util/http';
import type { DemoHandle } from '../../helpers/demoService';
import { startDemoService } from '../../helpers/demoService';
import { capture, runCliAndInterrupt } from './liveHelpers';

/**
 * Open-loop load at a fixed rate: request i is sent at start + i/rate, whatever the answers do.
 * `slowestMs` is the longest any request took as the client saw it: the service's own timing of a
 * request lies inside it, however slow a loaded machine makes both.
 */
function pacedLoad(
  url: string,
  perSecond: number,
): { stop(): Promise<void>; readonly slowestMs: number; answeredBetween(from: number, to: number): number } {
  let running = true;
  let slowestMs = 0;
  const answeredAt: number[] = [];
  const inflight = new Set<Promise<unknown>>();
  const start = Date.now();
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const delay = start + (i * 1000) / perSecond - Date.now();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const sent = performance.now();
      const p = httpRequest(url, { timeoutMs: 10_000 }).then((r) => {
        slowestMs = Math.max(slowestMs, performance.now() - sent);
        if (r.ok) answeredAt.push(Date.now());
      });
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
    get slowestMs() {
      return slowestMs;
    },
    answeredBetween: (from, to) => answeredAt.filter((t) => t > from && t <= to).length,
  };
}

/** The demo's request-duration bucket bounds (examples/demo-service/src/metrics.ts), in ms. */
const DEMO_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000];

type ReportJson = SessionSummary & {
  intervalMs: number;
  history?: { file: string; movedAside?: { reason: string; movedTo: string } };
};

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
    // The truth is what the service answered inside the window: a loaded machine may send the load
    // late or in bursts, so the rate asked for is only roughly what happened.
    const answered = load.answeredBetween(out.window.from, out.window.to) / (out.window.durationMs / 1000);
    assert.ok(
      Math.abs(route.requestRate - answered) / answered < 0.1,
      `measured ${route.requestRate}/s; the client had ${answered}/s answered (${rate}/s asked)`,
    );
    assert.ok(Math.abs(route.requestRate - rate) / rate < 0.5, `measured ${route.requestRate}/s for ${rate}/s`);
    assert.equal(route.errorRate, 0);
    // Every request waits 120 ms. On an idle machine all land in the demo's (100 ms, 250 ms]
    // bucket and histogram_quantile puts p95 at 100 + 150 · 0.95 = 242.5 ms; a loaded machine adds
    // its own delay, which the client saw too: no request took the service longer than the slowest
    // the client timed, so neither the mean nor p95 can pass that (p95 up to its bucket's bound).
    const bound = DEMO_BUCKETS_MS.find((b) => b >= load.slowestMs) ?? Infinity;
    assert.ok(
      route.avgMs! >= 120 && route.avgMs! <= load.slowestMs,
      `avg ${route.avgMs}, slowest request seen by the client ${load.slowestMs} ms`,
    );
    assert.ok(
      route.p95Ms! >= 120 && route.p95Ms! <= bound,
      `p95 ${route.p95Ms}, slowest request seen by the client ${load.slowestMs} ms`,
    );
    assert.equal(out.health!.state, 'healthy');
    assert.equal((out.health as { path?: string }).path, '/health'); // documented in README's report shape
    assert.equal(out.presets!.httpRequests, 'http_requests_total (demo)');
    assert.equal(out.process!.pid, demo.pid);
    assert.ok(out.process!.rssBytes > 0);
    assert.ok(out.system!.memTotalBytes > 0);
    assert.equal(out.pools![0]!.size, 20);
    assert.ok(out.queries!.some((q) => q.statement === 'workspaces_list'));
  });

  it('prints a readable report and records the snapshots into --history', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    const io = capture();
    const code = await runCli(['report', demo.url, '--duration', '1s', '--interval', '500ms', '--history', db], io);
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

  it('Ctrl-C ends the window early, still reports and saves --history (real CLI process)', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    const { code, stdout, stderr } = await runCliAndInterrupt([
      'report',
      '--url',
      demo.url,
      '--duration',
      '10m',
      '--interval',
      '200ms',
      '--history',
      db,
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /interrupted; reporting on what was collected so far/);
    const out = JSON.parse(stdout) as ReportJson;
    assert.ok(out.snapshots >= 1);
    assert.ok(out.window.durationMs < 600_000);
    assert.ok(fs.existsSync(db), 'the history was saved');
  });

  it('moves a damaged history of its own aside, says so, and still reports', async () => {
    demo = await startDemoService();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-report-'));
    const db = path.join(dir, 'history.sqlite');
    const own = await openHistoryStore({ file: db });
    assert.ok(own.ok);
    own.value.recordValue('svc', 'x', {}, Date.now(), 1);
    assert.ok((await own.value.close()).ok);
    const damaged = fs.readFileSync(db);
    for (let i = 100; i < damaged.length; i += 7) damaged[i] = 0xa5;
    fs.writeFileSync(db, damaged);
    const io = capture();
    const code = await runCli(
      ['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--history', db, '--json'],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as ReportJson;
    assert.match(io.stderr, /could not be used: (SQLite reports it damaged|SQLite cannot read it)/);
    assert.ok(out.history?.movedAside && fs.existsSync(out.history.movedAside.movedTo));
    assert.ok(fs.existsSync(db));
  });
});

describe('cli: perflens report --history that cannot be written', () => {
  let demo: DemoHandle | undefined;
  after(async () => demo?.stop());

  it('does not claim the snapshots were recorded, says why, and exits 2', async () => {
    demo = await startDemoService();
    // Nothing can create files in /proc, root included: the history opens empty but cannot be saved.
    const db = `/proc/perflens-report-${process.pid}.db`;
    const io = capture();
    const code = await runCli(
      ['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--history', db],
      io,
    );
    assert.equal(code, 2, io.stdout + io.stderr);
    assert.match(io.stdout, /^PerfLens report for /);
    assert.doesNotMatch(io.stdout, /Recorded \d+ snapshots/);
    assert.match(
      io.stderr,
      /Could not save the metric history to \/proc\/perflens-report-\d+\.db: its folder does not exist or cannot hold new files\. The report above was not recorded; choose a writable --history path\./,
    );
    const json = capture();
    assert.equal(
      await runCli(
        ['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--history', db, '--json'],
        json,
      ),
      2,
    );
    assert.match((JSON.parse(json.stdout) as { history: { error: string } }).history.error, /Could not save/);
  });

  it('a --history that is a folder exits 2 with the reason in words', async () => {
    const io = capture();
    assert.equal(
      await runCli(['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--history', os.tmpdir()], io),
      2,
    );
    assert.equal(
      io.stderr,
      `perflens: Could not open the metric history ${os.tmpdir()}: it is a folder, not a regular file; PerfLens reads a history file only from a regular file.\n`,
    );
  });

  it('lists collection problems the way analyze and check list them', async () => {
    demo ??= await startDemoService();
    const io = capture();
    assert.equal(
      await runCli(
        ['report', '--url', demo.url, '--duration', '1s', '--interval', '1s', '--metrics-path', '/nope'],
        io,
      ),
      0,
      io.stderr,
    );
    assert.match(io.stdout, /\nCollection problems:\n {2}scrape \(\d+×\): .*\/nope answered HTTP 404/);
  });
});

describe('cli: perflens report number formats', () => {
  it('writes large rates with thousands separators, as explain and profile write counts', () => {
    assert.deepEqual(
      [0.04, 41.66, 100, 12614.4].map((v) => formatRate(v)),
      ['0.04/s', '41.7/s', '100/s', '12,614/s'],
    );
  });
});

describe('cli: perflens report (usage and input errors)', () => {
  it('exits 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['report'], /report needs --url/],
      [['report', '--url', 'http://127.0.0.1:9', '--duration', '500ms'], /at least 1s/],
      [['report', '--url', 'http://example.com', '--duration', '2s'], /not on this machine/],
      [['report', '--url', 'http://127.0.0.1:9', '--metrics-path', 'http://x/metrics'], /is a path such as/],
      [
        ['report', '--url', 'http://127.0.0.1:9', '--duration', '2s', '--interval', '5s'],
        /--interval must not be longer/,
      ],
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
    assert.match(
      io.stderr,
      /Nothing could be collected from http:\/\/127\.0\.0\.1:9:\n[\s\S]* {2}metrics: Nothing is listening/,
    );
  });
});
