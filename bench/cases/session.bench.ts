/**
 * The attach session's own cost. Printed during setup:
 *  - CPU: process.cpuUsage() of this process while one session is attached to the real demo
 *    service at a 1 s interval for 30 s (scrape, parse, derive, health, pidusage, socket table,
 *    system), as a share of one core;
 *  - memory: a time-compressed 24 h (86,400 rounds at 1 s on a ManualClock) against the demo's
 *    real /metrics body served from memory with its counters advancing (process and system
 *    collectors stubbed: they are OS calls, not session state); heap after a GC at hour 1 and 24.
 * Timed: one full collection round against the demo, anchored by a bare GET of its /metrics.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { HttpFn } from '../../src/core/collectors/health';
import type { AttachSession } from '../../src/core/session/session';
import { createAttachSession } from '../../src/core/session/session';
import { ManualClock } from '../../src/core/util/clock';
import { httpRequest } from '../../src/core/util/http';
import { ok } from '../../src/core/util/result';
import type { DemoHandle } from '../../test/helpers/demoService';
import { startDemoService } from '../../test/helpers/demoService';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

let demo: Promise<DemoHandle> | undefined;
const demoService = () => (demo ??= startDemoService());
process.on('exit', () => {
  void demo?.then((d) => d.stop());
});

function mustCreate(opts: Parameters<typeof createAttachSession>[0]): AttachSession {
  const r = createAttachSession(opts);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measureCpuAtOneSecond(d: DemoHandle): Promise<void> {
  const seconds = 30;
  // The same process idle for as long, first: what the runtime costs without a session.
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  await sleep(seconds * 1000);
  const idle = (cpuMs(c0) / (performance.now() - t0)) * 100;
  const session = mustCreate({ target: d.url, intervalMs: 1000 });
  let rounds = 0;
  session.onSnapshot(() => rounds++);
  session.start();
  await sleep(5000); // warm-up: lazy module loads, JIT
  rounds = 0;
  c0 = process.cpuUsage();
  t0 = performance.now();
  await sleep(seconds * 1000);
  const used = cpuMs(c0);
  const wall = performance.now() - t0;
  await session.stop();
  const share = (used / wall) * 100;
  console.log(
    `  session CPU attached to the demo at 1 s for ${seconds} s (after a 5 s warm-up): ${share.toFixed(2)}% of one core ` +
      `(${rounds} rounds, ${(used / rounds).toFixed(2)} ms CPU per round); the same process idle: ${idle.toFixed(2)}%`,
  );
}

/** The demo's /metrics with every counter-like line advanced by `round` (buckets stay monotonic). */
function advancingBody(text: string): (round: number) => string {
  const lines = text.split('\n');
  const moving = lines.map((l) => !l.startsWith('#') && /^[a-z_]+(_total|_bucket|_count|_sum)[{ ]/.test(l));
  return (round) =>
    lines
      .map((l, i) => {
        if (!moving[i]) return l;
        const cut = l.lastIndexOf(' ');
        return `${l.slice(0, cut)} ${Number(l.slice(cut + 1)) + round * (l.includes('_sum') ? 0.01 : 1)}`;
      })
      .join('\n');
}

async function measureMemoryOver24h(d: DemoHandle): Promise<void> {
  const real = await httpRequest(`${d.url}/metrics`);
  if (!real.ok) throw new Error(real.error.message);
  const body = advancingBody(real.value.body.toString('utf8'));
  let round = 0;
  const health = Buffer.from('{"status":"healthy","checks":{"database":{"status":"healthy"}}}');
  const http: HttpFn = (url) =>
    Promise.resolve(
      ok(
        url.endsWith('/metrics')
          ? {
              status: 200,
              headers: { 'content-type': 'text/plain; version=0.0.4' },
              body: Buffer.from(body(round++)),
              elapsedMs: 1,
            }
          : { status: 200, headers: { 'content-type': 'application/json' }, body: health, elapsedMs: 1 },
      ),
    );
  const clock = new ManualClock(Date.UTC(2026, 10, 1));
  const session = mustCreate({
    target: d.url,
    intervalMs: 1000,
    clock,
    http,
    deps: {
      findPidByPort: () => Promise.resolve(ok(d.pid)),
      process: { usage: () => Promise.resolve({ cpu: 1, memory: 5e7 }), connections: () => Promise.resolve(3) },
      system: { collect: () => Promise.resolve(ok({ cpuPercent: 10, memUsedBytes: 1e9, memTotalBytes: 8e9 })) },
    },
  });
  const heapAt: number[] = [];
  session.start();
  const t0 = performance.now();
  for (let s = 1; s <= 86_400; s++) {
    clock.advance(1000);
    await session.whenIdle();
    if (s === 3600 || s === 86_400) {
      gc();
      heapAt.push(process.memoryUsage().heapUsed);
    }
  }
  await session.stop();
  const [h1, h24] = heapAt as [number, number];
  console.log(
    `  session memory, time-compressed 24 h at 1 s (86,400 rounds in ${((performance.now() - t0) / 1000).toFixed(0)} s): heap ${(h1 / 1048576).toFixed(1)} MB at hour 1, ` +
      `${(h24 / 1048576).toFixed(1)} MB at hour 24 (${h24 >= h1 ? '+' : ''}${((h24 - h1) / 1024).toFixed(0)} KB)`,
  );
}

let measured: Promise<void> | undefined;

async function setupRound(): Promise<AttachSession> {
  const d = await demoService();
  measured ??= measureCpuAtOneSecond(d).then(() => measureMemoryOver24h(d));
  await measured;
  return mustCreate({ target: d.url, intervalMs: 1000 });
}

export const cases = [
  {
    name: 'one collection round against the demo (scrape, parse, derive, health, process, system)',
    setup: setupRound,
    run: (s: AttachSession) => s.collectOnce(),
    anchor: async (s: AttachSession) => httpRequest(s.target.metricsUrl!),
    iterations: 400,
  },
];
