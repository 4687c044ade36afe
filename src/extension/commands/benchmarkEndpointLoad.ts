import type { BenchmarkView } from '../../shared/protocol/profile';
import * as net from 'node:net';
import type { ConnectAddress, ConnectPolicy } from '../../core/util/connect';
import { LOOPBACK_ONLY, resolveConnectAddresses } from '../../core/util/connect';

/** One load run: autocannon (bundled) against a URL, its result reduced to what the profile view shows. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of at the end of the duration. */
  amount?: number;
  signal?: AbortSignal;
  /** Where the load may connect; default loopback only (perflens.allowRemoteTargets widens it). */
  connect?: ConnectPolicy;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  non2xx: number;
  timeouts: number;
  duration: number;
}

export function benchmarkView(opts: LoadOptions, r: AutocannonResult): BenchmarkView {
  const seconds = r.duration > 0 ? r.duration : opts.durationSeconds;
  return {
    url: opts.url,
    connections: opts.connections,
    durationSeconds: opts.amount ? null : opts.durationSeconds,
    amount: opts.amount ?? null,
    requests: r.requests.total,
    requestsPerSec: seconds > 0 ? r.requests.total / seconds : r.requests.average,
    bytesPerSec: r.throughput.average,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: r.latency.average,
    },
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  };
}

/** The first address that accepts a TCP connection (localhost may serve on 127.0.0.1 or on ::1 only). */
async function firstAccepting(addresses: ConnectAddress[], port: number): Promise<ConnectAddress> {
  for (const a of addresses.slice(0, -1)) {
    const accepted = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: a.address, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.setTimeout(3000, () => {
        s.destroy();
        resolve(false);
      });
    });
    if (accepted) return a;
  }
  return addresses[addresses.length - 1]!;
}

/**
 * The URL autocannon connects to: its host resolved through the connect policy and replaced by the
 * approved IP (autocannon resolves names itself, on every reconnect), with the original Host header
 * and TLS server name kept. Rejects with the policy's message for an address it refuses.
 */
async function pinnedTarget(
  url: string,
  policy: ConnectPolicy,
): Promise<{ url: string; host: string; servername?: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`Only http and https URLs can be loaded, not ${u.protocol}`);
  const r = await resolveConnectAddresses(u.hostname, policy);
  if (!r.ok) throw new Error(`PerfLens did not load ${url}: ${r.error.message}`);
  const host = u.host;
  const hostname = u.hostname;
  const first = await firstAccepting(r.value, u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);
  u.hostname = first.family === 6 ? `[${first.address}]` : first.address;
  return {
    url: u.href,
    host,
    ...(u.protocol === 'https:' && hostname !== u.hostname ? { servername: hostname.replace(/^\[|\]$/g, '') } : {}),
  };
}

/** Runs the load in this process (no worker threads); resolves with the summary, rejects on a setup error. */
export async function runLoad(opts: LoadOptions): Promise<BenchmarkView> {
  const target = await pinnedTarget(opts.url, opts.connect ?? LOOPBACK_ONLY);
  const { default: autocannon } = await import('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        headers: { host: target.host },
        ...(target.servername ? { servername: target.servername } : {}),
        connections: opts.connections,
        duration: opts.durationSeconds,
        ...(opts.amount ? { amount: opts.amount } : {}),
        timeout: 10,
      },
      (err: Error | null, result: unknown) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(benchmarkView(opts, result as AutocannonResult));
      },
    );
    const onAbort = () => instance.stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
