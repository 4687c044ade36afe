/**
 * What zero-code tracing costs the service it traces, reported with recordMeasure from the setup.
 *
 * The real demo service (examples/demo-service) is started as a plain `node dist/server.js`, then
 * the same way through the zero-code path (`tracedLaunch`, what `perflens run` does: the OTEL_*
 * variables and the shipped dist/otel-bootstrap.js preloaded) with the OTLP receiver and span
 * store running in this process. Each run gets the same fixed load: WARMUP + REQUESTS requests over
 * a fixed route mix (the N+1 route /api/graph/top-entities, the entities list, the workspaces list)
 * from CONCURRENCY keep-alive clients; the client-side latency of the last REQUESTS gives the run's
 * p50 and p95. Runs alternate plain, traced, plain, traced, … (PAIRS pairs) so drift from other load
 * on the machine hits both alike; each side's figure is the median over its runs.
 *
 * Rows: traced p50 and p95 (value) against plain (anchor), and where /proc tells it the demo's own
 * CPU time per request, traced against plain. The target is to measure and report:
 * met when every run completed with no failed request and the traced runs' server spans all
 * arrived (the traced side really was traced).
 *
 * Timed by the runner: summarising one traced top-entities request (its server span and the
 * statements under it), the work the span store does per request in the receiving process.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { tracedLaunch } from '../../src/core/traces/launch';
import { startOtlpReceiver } from '../../src/core/traces/receiver';
import { SpanStore } from '../../src/core/traces/spanStore';
import { summariseTrace } from '../../src/core/traces/traceSummary';
import type { SpanRecord } from '../../src/core/traces/types';
import { SPAN_KIND } from '../../src/core/traces/types';
import { DEMO_SERVER_JS, buildDemoService } from '../../test/helpers/demoService';
import { exited, stopChild } from '../../test/helpers/childProcess';
import { recordMeasure } from '../measure';

const ROOT = path.resolve(__dirname, '..', '..');
const BOOTSTRAP = path.join(ROOT, 'dist', 'otel-bootstrap.js');
const PAIRS = 3;
const WARMUP = 60;
const REQUESTS = 600;
const CONCURRENCY = 8;
const START_TIMEOUT_MS = 60_000;
/** The route mix, in the order requests go out; `i` is the request's number in the run. */
const ROUTES: ((i: number) => string)[] = [
  (i) => `/api/graph/top-entities?workspace_id=${1 + (i % 5)}&limit=8`,
  (i) => `/api/graph/entities?workspace_id=${1 + (i % 5)}&limit=50`,
  (i) => `/api/graph/top-entities?workspace_id=${1 + ((i + 2) % 5)}&limit=8`,
  (i) => `/api/graph/entities?workspace_id=${1 + ((i + 3) % 5)}&limit=50`,
  () => '/api/workspaces',
];
const TRACED_ROUTES = new Set(['GET /api/graph/top-entities', 'GET /api/graph/entities', 'GET /api/workspaces']);

interface RunResult {
  p50: number;
  p95: number;
  failures: string[];
  /** Per route path, the run's p50 (for the log). */
  byRoute: Map<string, number>;
  /** The demo's CPU time per request over the run (ms), where the OS tells it. */
  cpuPerRequestMs?: number;
}

function quantile(sorted: readonly number[], q: number): number {
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const median = (xs: readonly number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

interface Demo {
  url: string;
  /** The demo's CPU time so far (user + system, ms), where /proc tells it; undefined elsewhere. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

function procCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const DEMO_ARGS = [DEMO_SERVER_JS, '--host', '127.0.0.1', '--port', '0', '--exit-on-stdin-close', '--traffic=false'];

/** The environment both runs start from: nothing of this process's loaders or the developer's demo settings. */
function baseEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k === 'NODE_OPTIONS' || k.startsWith('OTEL_') || k.startsWith('DEMO_') || k === 'PORT' || k === 'HOST')
      delete env[k];
  return env;
}

/** Starts `command args` (the demo) and resolves once it prints its listening line. */
async function startDemo(command: string, args: string[], env: Record<string, string | undefined>): Promise<Demo> {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`the demo did not start within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the demo exited before listening (code ${code}, signal ${signal}):\n${stderr}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    child.stdout.resume();
    return {
      url: `http://127.0.0.1:${port}`,
      cpuMs: () => procCpuMs(child.pid),
      // Closing stdin is the demo's polite stop: it exits through process.exit, which the bootstrap
      // holds until its buffered spans are sent. SIGKILL after 15 s if it has not.
      async stop() {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited(child);
        clearTimeout(timer);
      },
    };
  } catch (e) {
    await stopChild(child);
    throw e;
  }
}

function get(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 60_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.once('error', reject);
  });
}

/** The fixed load: WARMUP + REQUESTS requests over ROUTES from CONCURRENCY clients, latencies of the last REQUESTS. */
async function load(demo: Demo): Promise<RunResult> {
  const base = demo.url;
  const cpu0 = demo.cpuMs();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const perRoute = new Map<string, number[]>();
  const failures: string[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < WARMUP + REQUESTS; i = next++) {
          const pathAndQuery = ROUTES[i % ROUTES.length]!(i);
          const t0 = performance.now();
          const status = await get(agent, base + pathAndQuery).catch((e: Error) => e);
          const ms = performance.now() - t0;
          if (status !== 200) {
            failures.push(`${pathAndQuery}: ${status instanceof Error ? status.message : `HTTP ${status}`}`);
            continue;
          }
          if (i < WARMUP) continue;
          latencies.push(ms);
          const route = pathAndQuery.split('?')[0]!;
          let l = perRoute.get(route);
          if (!l) perRoute.set(route, (l = []));
          l.push(ms);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const cpu1 = demo.cpuMs();
  return {
    ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuPerRequestMs: (cpu1 - cpu0) / (WARMUP + REQUESTS) } : {}),
    p50: latencies.length ? quantile(latencies, 0.5) : NaN,
    p95: latencies.length ? quantile(latencies, 0.95) : NaN,
    failures,
    byRoute: new Map([...perRoute].map(([r, l]) => [r, median(l)])),
  };
}

function describeRun(kind: string, n: number, r: RunResult): string {
  const routes = [...r.byRoute].map(([route, p50]) => `${route} ${p50.toFixed(2)}`).join(', ');
  const cpu = r.cpuPerRequestMs !== undefined ? `; demo CPU ${r.cpuPerRequestMs.toFixed(2)} ms/request` : '';
  return `  ${kind} run ${n}: p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms${cpu}; p50 by route: ${routes}${
    r.failures.length ? `; ${r.failures.length} failed, first: ${r.failures[0]}` : ''
  }`;
}

async function plainRun(n: number): Promise<RunResult> {
  const demo = await startDemo(process.execPath, DEMO_ARGS, baseEnv());
  try {
    const r = await load(demo);
    console.log(describeRun('plain ', n, r));
    return r;
  } finally {
    await demo.stop();
  }
}

/** One traced run; resolves with its result and one stored top-entities trace (for the timed case). */
async function tracedRun(n: number): Promise<{ result: RunResult; example: SpanRecord[] }> {
  const store = await SpanStore.open();
  const receiver = await startOtlpReceiver({ sink: store, port: 0 });
  try {
    const launch = tracedLaunch([process.execPath, ...DEMO_ARGS], baseEnv(), {
      endpoint: receiver.endpoint,
      nodeBootstrap: BOOTSTRAP,
    });
    const demo = await startDemo(launch.command, launch.args, launch.env);
    let result: RunResult;
    try {
      result = await load(demo);
    } finally {
      await demo.stop();
    }
    await store.idle();
    // Every request of the load (warm-up included) must have arrived as a server span.
    const traced = store.requests(0, Number.MAX_SAFE_INTEGER).filter((q) => TRACED_ROUTES.has(q.route)).length;
    const sent = WARMUP + REQUESTS - result.failures.length;
    if (traced < sent) result.failures.push(`${sent - traced} of ${sent} requests arrived without their server span`);
    console.log(`${describeRun('traced', n, result)}; ${receiver.stats.spans} spans received`);
    const top = store.requests(0, Number.MAX_SAFE_INTEGER).find((q) => q.route === 'GET /api/graph/top-entities');
    return { result, example: top ? store.trace(top.traceId) : [] };
  } finally {
    await receiver.close();
    store.close();
  }
}

async function measureOverhead(): Promise<SpanRecord[]> {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed, so the bootstrap is missing:\n${built.stderr}`);
  await buildDemoService();
  const plain: RunResult[] = [];
  const traced: RunResult[] = [];
  let example: SpanRecord[] = [];
  console.log(
    `  ${PAIRS} pairs of runs, each ${WARMUP} warm-up + ${REQUESTS} measured requests from ${CONCURRENCY} clients`,
  );
  for (let n = 1; n <= PAIRS; n++) {
    plain.push(await plainRun(n));
    const t = await tracedRun(n);
    traced.push(t.result);
    if (t.example.length) example = t.example;
  }
  const ratios = (f: (r: RunResult) => number | undefined) =>
    plain.map((p, i) => (f(traced[i]!) ?? NaN) / (f(p) ?? NaN)).filter(Number.isFinite);
  for (const [what, f] of [
    ['p50', (r: RunResult) => r.p50],
    ['p95', (r: RunResult) => r.p95],
    ['demo CPU per request', (r: RunResult) => r.cpuPerRequestMs],
  ] as const) {
    const rs = ratios(f);
    if (rs.length)
      console.log(
        `  traced/plain ${what}, per pair: ${rs.map((x) => x.toFixed(2)).join(', ')} (median ${median(rs).toFixed(2)})`,
      );
  }
  const failures = [...plain, ...traced].flatMap((r) => r.failures);
  const met = failures.length === 0;
  for (const q of ['p50', 'p95'] as const) {
    const plainMs = median(plain.map((r) => r[q]));
    const tracedMs = median(traced.map((r) => r[q]));
    recordMeasure({
      name: `tracing overhead on demo ${q}`,
      value: tracedMs,
      unit: 'ms',
      anchor: { name: `the same demo and load, untraced (${q})`, value: plainMs },
      target: 'reported',
      met,
    });
  }
  // Where /proc tells the demo's CPU time: what a request costs the service itself, which the
  // machine's other load moves far less than latency (a closed loop queues behind everything else).
  const cpu = (rs: RunResult[]) => rs.map((r) => r.cpuPerRequestMs).filter((x) => x !== undefined);
  if (cpu(plain).length === PAIRS && cpu(traced).length === PAIRS)
    recordMeasure({
      name: 'tracing overhead on demo CPU per request',
      value: median(cpu(traced)),
      unit: 'ms',
      anchor: { name: 'the same demo and load, untraced (CPU per request)', value: median(cpu(plain)) },
      target: 'reported',
      met,
    });
  if (!met) console.log(`  ${failures.length} failure(s); first: ${failures[0]}`);
  return example;
}

export const cases = [
  {
    name: 'summarise one traced top-entities request (server span and its statements)',
    setup: async () => {
      const spans = await measureOverhead();
      const root = spans.find((s) => s.kind === SPAN_KIND.server);
      if (!root) throw new Error('no traced top-entities request arrived, so there is nothing to summarise');
      return { root, spans };
    },
    run: (t: { root: SpanRecord; spans: SpanRecord[] }) => summariseTrace(t.root, t.spans),
  },
];
