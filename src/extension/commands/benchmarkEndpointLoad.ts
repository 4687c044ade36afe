import type { BenchmarkView } from '../../../webview/profile/protocol';

/** One load run: autocannon (bundled) against a URL, its result reduced to what the profile view shows. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of at the end of the duration. */
  amount?: number;
  signal?: AbortSignal;
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
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
  };
}

/** Runs the load in this process (no worker threads); resolves with the summary, rejects on a setup error. */
export async function runLoad(opts: LoadOptions): Promise<BenchmarkView> {
  const { default: autocannon } = await import('autocannon');
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
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
