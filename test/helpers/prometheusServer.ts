/**
 * Starts a real Prometheus server (Debian's `prometheus` binary, installed by
 * scripts/setup-prometheus.mjs) on a free loopback port, with a temporary config and TSDB directory,
 * scraping the targets a test gives it. The system service of the package is never used.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopChild } from './childProcess';
import { freePort } from './freePort';

export { freePort };

export interface ScrapeJob {
  job: string;
  /** host:port of each instance, or host:port with target labels (e.g. an `instance` override). */
  targets: (string | { address: string; labels: Record<string, string> })[];
  metricsPath?: string;
}

export interface PrometheusServerOptions {
  jobs: ScrapeJob[];
  /** Scrape and rule-evaluation interval in seconds (default 1). */
  intervalSeconds?: number;
  /** Contents of a rule file (YAML `groups:`), loaded when given. */
  rules?: string;
  /** Extra command-line flags. */
  args?: string[];
  /**
   * Require HTTP basic auth (Prometheus's --web.config.file). The hash is the bcrypt of the
   * password (a test constant); the helper itself authenticates with user and password.
   */
  basicAuth?: { user: string; password: string; bcryptHash: string };
}

export interface PrometheusServerHandle {
  url: string;
  port: number;
  pid: number;
  dir: string;
  /** Waits until `count` targets of `job` report up == 1 (real scrapes, polled). */
  waitForTargets(job: string, count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The binary to run: PERFLENS_PROMETHEUS_BIN, else `prometheus` on PATH; undefined when absent. */
export function findPrometheusBinary(): string | undefined {
  const bin = process.env.PERFLENS_PROMETHEUS_BIN || 'prometheus';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? bin : undefined;
}

/**
 * For a suite's before(): returns the binary, or fails the suite with what to install. Nothing
 * skips: a machine without Prometheus fails these tests, and says how to get it.
 */
export function requirePrometheus(): string {
  const bin = findPrometheusBinary();
  if (bin) return bin;
  throw new Error(
    'The prometheus binary is not installed, so the Prometheus-backed tests cannot run. ' +
      "Install it with `node scripts/setup-prometheus.mjs` (as root; it installs Debian's prometheus package), " +
      'or point PERFLENS_PROMETHEUS_BIN at a Prometheus 2.x binary.',
  );
}

function yamlConfig(opts: PrometheusServerOptions, rulesFile: string | undefined): string {
  const interval = `${opts.intervalSeconds ?? 1}s`;
  const lines = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
  ];
  if (rulesFile) lines.push('rule_files:', `  - ${JSON.stringify(rulesFile)}`);
  lines.push('scrape_configs:');
  for (const j of opts.jobs) {
    lines.push(`  - job_name: ${JSON.stringify(j.job)}`);
    if (j.metricsPath) lines.push(`    metrics_path: ${JSON.stringify(j.metricsPath)}`);
    lines.push('    static_configs:');
    for (const t of j.targets) {
      if (typeof t === 'string') lines.push(`      - targets: [${JSON.stringify(t)}]`);
      else
        lines.push(
          `      - targets: [${JSON.stringify(t.address)}]`,
          `        labels: {${Object.entries(t.labels)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
            .join(', ')}}`,
        );
    }
  }
  return lines.join('\n') + '\n';
}

function authHeaders(opts: PrometheusServerOptions): Record<string, string> {
  const a = opts.basicAuth;
  return a ? { authorization: `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}` } : {};
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function startOnce(
  bin: string,
  opts: PrometheusServerOptions,
  dir: string,
  port: number,
): Promise<PrometheusServerHandle | string> {
  const args = [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
    ...(opts.basicAuth ? [`--web.config.file=${path.join(dir, 'web.yml')}`] : []),
    ...(opts.args ?? []),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => stopChild(child);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      return stderr || `prometheus exited with code ${child.exitCode}`;
    try {
      const res = await fetch(`${url}/-/ready`, { headers: authHeaders(opts), signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      return `prometheus did not become ready within 20 s: ${stderr}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    pid: child.pid!,
    dir,
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    waitForTargets: async (job, count, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < until) {
        const body = (await getJson(
          `${url}/api/v1/query?query=${encodeURIComponent(`up{job=${JSON.stringify(job)}} == 1`)}`,
          authHeaders(opts),
        )) as { data: { result: unknown[] } };
        if (body.data.result.length >= count) return;
        last = `${body.data.result.length} of ${count} up`;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`Prometheus did not see ${count} targets of job ${job} up within ${timeoutMs} ms (${last}).`);
    },
  };
}

export async function startPrometheusServer(
  bin: string,
  opts: PrometheusServerOptions,
): Promise<PrometheusServerHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-prom-'));
  let rulesFile: string | undefined;
  if (opts.rules) {
    rulesFile = path.join(dir, 'rules.yml');
    fs.writeFileSync(rulesFile, opts.rules);
  }
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), yamlConfig(opts, rulesFile));
  if (opts.basicAuth)
    fs.writeFileSync(
      path.join(dir, 'web.yml'),
      `basic_auth_users:\n  ${JSON.stringify(opts.basicAuth.user)}: ${JSON.stringify(opts.basicAuth.bcryptHash)}\n`,
    );
  // The free port is found by binding :0 and releasing it; another process can take it in between,
  // so a failed bind is retried on a new port.
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await startOnce(bin, opts, dir, await freePort());
    if (typeof r !== 'string') return r;
    lastError = r;
    if (!r.toLowerCase().includes('address already in use')) break;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`Could not start prometheus: ${lastError}`);
}

export interface PacedLoadResult {
  sent: number;
  failed: number;
}

/**
 * Open-loop load at a fixed rate: request i goes out at start + i / ratePerSec, whether or not
 * earlier ones have answered, so the arrival rate the service sees is the one asked for (a
 * closed loop would slow down with the service). URLs are used in turn. Loopback only.
 */
export async function drivePacedLoad(urls: string[], ratePerSec: number, durationMs: number): Promise<PacedLoadResult> {
  for (const u of urls) if (!isLoopbackUrl(u)) throw new Error(`drivePacedLoad only drives loopback URLs, not ${u}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.floor((durationMs / 1000) * ratePerSec);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  let failed = 0;
  const send = (url: string) =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent }, (res) => {
        if ((res.statusCode ?? 0) >= 400) failed++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  for (let i = 0; i < total;) {
    const due = Math.floor(((performance.now() - start) / 1000) * ratePerSec) + 1;
    for (; i < Math.min(due, total); i++) inflight.push(send(urls[i % urls.length]!));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { sent: total, failed };
}

export interface ScrapeRecord {
  /** Epoch ms halfway through fetching the upstream body (when its counters were read). */
  at: number;
  body: string;
}

export interface ScrapeRecorder {
  /** host:port to give Prometheus as the target. */
  address: string;
  /** Every body fetched, in order. */
  records: ScrapeRecord[];
  close(): Promise<void>;
}

/**
 * A pass-through for Prometheus's scrapes: each scrape fetches the instance's /metrics directly,
 * keeps the body with its time, and hands the same body to Prometheus. The records are direct
 * scrapes of the instance taken at the moments Prometheus samples it, so a comparison with what
 * Prometheus answers is not blurred by two scrapers reading at different times.
 */
export async function startScrapeRecorder(upstream: string): Promise<ScrapeRecorder> {
  if (!isLoopbackUrl(upstream)) throw new Error(`startScrapeRecorder only reads loopback URLs, not ${upstream}`);
  const records: ScrapeRecord[] = [];
  const server = http.createServer((req, res) => {
    const started = Date.now();
    http
      .get(`${upstream}${req.url ?? '/metrics'}`, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (up.statusCode === 200) records.push({ at: (started + Date.now()) / 2, body });
          res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'text/plain' }).end(body);
        });
      })
      .on('error', (e) => res.writeHead(502).end(e.message));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    records,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Only loopback URLs are driven or read by these helpers. */
function isLoopbackUrl(u: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.exec(u) !== null;
}
