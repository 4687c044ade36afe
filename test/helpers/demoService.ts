/**
 * Builds and starts the real demo service (examples/demo-service) for tests: a child `node
 * dist/server.js` on 127.0.0.1, a free port by default. Always stop() it in an after/afterEach hook.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { httpRequest } from '../../src/core/util/http';

export interface DemoOptions {
  /** Default 0: any free port. */
  port?: number;
  poolSize?: number;
  cacheSize?: number;
  cacheTtlSeconds?: number;
  latencyMs?: number;
  errorRate?: number;
  /** Starts node with --inspect=127.0.0.1:N (0 lets the inspector pick a port). */
  inspectPort?: number;
  hot?: boolean;
  /** Starts with the leak fault on (every /api request leaves ~100 KB behind). */
  leak?: boolean;
  dbPath?: string;
  /** Run on this PostgreSQL database (--pg-url) instead of the SQLite file. */
  pgUrl?: string;
  /** Extra flags for node itself, before the script (e.g. V8 flags). */
  nodeFlags?: string[];
  /** Whether the service sends itself its gentle background traffic; off by default in tests. */
  traffic?: boolean;
}

export interface DemoFaults {
  latencyMs?: number;
  errorRate?: number;
  hot?: boolean;
  leak?: boolean;
}

export interface DemoHandle {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  setFaults(f: DemoFaults): Promise<void>;
  stop(): Promise<void>;
}

export const DEMO_SERVICE_DIR = path.resolve(__dirname, '..', '..', 'examples', 'demo-service');
export const DEMO_SERVER_JS = path.join(DEMO_SERVICE_DIR, 'dist', 'server.js');
/** The database the service uses when no dbPath is given (seeded on first start). */
export const DEMO_DEFAULT_DB = path.join(DEMO_SERVICE_DIR, 'data', 'graphrag.db');

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

let building: Promise<void> | undefined;

/** Builds examples/demo-service/dist/server.js when a source is newer than it; cheap when up to date. */
export function buildDemoService(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(DEMO_SERVICE_DIR, 'build.mjs')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`Building the demo service failed (exit ${code}):\n${stderr}`)),
    );
  }).finally(() => {
    // A later call re-checks the sources, so editing the demo between runs in one process still rebuilds.
    building = undefined;
  });
  return building;
}

function serverArgs(opts: DemoOptions): string[] {
  const args: string[] = [...(opts.nodeFlags ?? [])];
  if (opts.inspectPort !== undefined) args.push(`--inspect=127.0.0.1:${opts.inspectPort}`);
  args.push(DEMO_SERVER_JS, '--host', '127.0.0.1', '--port', String(opts.port ?? 0), '--exit-on-stdin-close');
  if (opts.poolSize !== undefined) args.push('--pool-size', String(opts.poolSize));
  if (opts.cacheSize !== undefined) args.push('--cache-size', String(opts.cacheSize));
  if (opts.cacheTtlSeconds !== undefined) args.push('--cache-ttl', String(opts.cacheTtlSeconds));
  if (opts.latencyMs !== undefined) args.push('--latency-ms', String(opts.latencyMs));
  if (opts.errorRate !== undefined) args.push('--error-rate', String(opts.errorRate));
  if (opts.hot !== undefined) args.push(`--hot=${opts.hot}`);
  if (opts.leak !== undefined) args.push(`--leak=${opts.leak}`);
  if (opts.dbPath !== undefined) args.push('--db', opts.dbPath);
  if (opts.pgUrl !== undefined) args.push('--pg-url', opts.pgUrl);
  args.push(`--traffic=${opts.traffic === true}`);
  return args;
}

/** Starts the demo service and resolves once it prints its listening line. */
export async function startDemoService(opts: DemoOptions = {}): Promise<DemoHandle> {
  await buildDemoService();
  // Env vars the developer may have set for `npm run demo:service` must not leak into tests.
  const env = { ...process.env };
  for (const k of [
    'PORT',
    'HOST',
    'DB_POOL_SIZE',
    'DB_POOL_TIMEOUT',
    'CACHE_MAX_SIZE',
    'CACHE_TTL',
    'DEMO_LATENCY_MS',
    'DEMO_ERROR_RATE',
    'DEMO_HOT',
    'DEMO_DB_PATH',
    'DEMO_PG_URL',
    'DEMO_INSPECT',
    'DEMO_TRAFFIC',
    'NODE_OPTIONS',
  ])
    delete env[k];
  const child = spawn(process.execPath, serverArgs(opts), { stdio: ['pipe', 'pipe', 'pipe'], env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderrTail = '';
  child.stderr!.on('data', (c: Buffer) => (stderrTail = (stderrTail + c.toString()).slice(-4000)));

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The demo service did not start within ${START_TIMEOUT_MS / 1000} s.\n${stderrTail}`));
    }, START_TIMEOUT_MS);
    const onData = (c: Buffer) => {
      stdout += c.toString();
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve(Number(m[1]));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`The demo service exited before listening (code ${code}, signal ${signal}):\n${stderrTail}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout!.resume();
  detachFromEventLoop(child);

  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid!,
    async setFaults(f: DemoFaults): Promise<void> {
      const r = await httpRequest(`${url}/admin/faults`, {
        method: 'POST',
        body: JSON.stringify(f),
        headers: { 'content-type': 'application/json' },
        timeoutMs: 5000,
      });
      if (!r.ok) throw new Error(`Setting demo faults failed: ${r.error.message}`);
      if (r.value.status !== 200)
        throw new Error(`Setting demo faults failed: HTTP ${r.value.status} ${r.value.body.toString()}`);
    },
    stop(): Promise<void> {
      stopped ??= stopChild(child, exited);
      return stopped;
    },
  };
}

/**
 * A test that forgets stop() must not keep mocha alive: the child and its pipes stop holding the
 * event loop, and the service exits by itself when our end of its stdin closes.
 */
function detachFromEventLoop(child: ChildProcess): void {
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
    child.stdin?.destroy();
  }
}

/**
 * Load on the demo while a profile records: `clients` requests to `url` back to back (each allowed
 * 30 s, as a busy machine may need) until stop(), which waits for them and says how many were served.
 */
export function loadDemo(url: string, clients: number): { stop(): Promise<number> } {
  let running = true;
  let done = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      await httpRequest(url, { timeoutMs: 30_000 });
      done++;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return done;
    },
  };
}
