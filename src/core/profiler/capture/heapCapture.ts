/**
 * Heap capture from running services: V8 allocation sampling over a Node inspector session
 * (HeapProfiler.startSampling / getSamplingProfile / stopSampling), and Go heap profiles over
 * HTTP (/debug/pprof/heap, /debug/pprof/allocs). Consent to open an inspector is the caller's, as
 * for CPU capture (enableInspector).
 */
import type { CdpSession } from './cdp';
import type { CaptureOptions, InspectorFailureKind } from './inspector';
import { hostPort, openInspectorSession, waitOrAbort } from './inspector';
import type { InspectorAddress } from './processInfo';
import { fetchPprof, parsePprofUrl } from './pprofHttp';
import type { PprofFetchFailureKind } from './pprofHttp';
import type { ConnectPolicy } from '../../util/connect';
import { systemClock } from '../../util/clock';
import type { Result } from '../../util/result';
import { errorMessage, fail, ok } from '../../util/result';

/** V8's default allocation sampling interval: one sample per 32 KB allocated, on average. */
export const DEFAULT_HEAP_SAMPLING_BYTES = 32 * 1024;

export interface HeapCaptureOptions extends Omit<CaptureOptions, 'samplingIntervalUs'> {
  /** Average bytes between samples (V8's samplingInterval; default 32 KB). */
  samplingIntervalBytes?: number;
}

/** A sampling heap profile as HeapProfiler returns it (a .heapprofile document). */
export type HeapProfileJson = { head: unknown; samples?: unknown };

async function sampleNow(session: CdpSession): Promise<HeapProfileJson> {
  // Garbage still on the heap would count as in use: collect it, so what remains is retained.
  await session.send('HeapProfiler.collectGarbage', {}, 60_000);
  const { profile } = await session.send<{ profile: HeapProfileJson }>('HeapProfiler.getSamplingProfile', {}, 60_000);
  return profile;
}

/**
 * V8's sampling heap profiler charges an allocation to the outermost function of an optimised
 * frame: what a small function allocates after it was inlined into its caller is reported at the
 * caller (a leak in `remember` shows up in `handle`). While precise coverage is on, V8 drops its
 * optimised code and compiles without inlining, so every sampled allocation keeps the function
 * that made it. Function-level binary coverage is the cheapest mode and costs the target almost
 * nothing. A process that already collects coverage (NODE_V8_COVERAGE) runs in that mode anyway
 * and must keep it, so it is left alone. Returns whether coverage was started here (and must be
 * stopped).
 */
async function keepCallersApart(session: CdpSession): Promise<boolean> {
  const probe = await session
    .send<{ result?: { value?: unknown } }>('Runtime.evaluate', {
      expression: "typeof process === 'object' && !!(process.env && process.env.NODE_V8_COVERAGE)",
      returnByValue: true,
      silent: true,
    })
    .catch(() => undefined);
  if (probe?.result?.value === true) return false;
  await session.send('Profiler.enable');
  await session.send('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
  return true;
}

/**
 * Runs allocation sampling on a Node process: `mark` is called with a function that takes a heap
 * sample (after a garbage collection) while sampling runs. Sampling always stops, even on failure.
 */
async function withSampling<T>(
  addr: InspectorAddress,
  opts: HeapCaptureOptions,
  body: (session: CdpSession) => Promise<Result<T, InspectorFailureKind>>,
): Promise<Result<T, InspectorFailureKind>> {
  const opened = await openInspectorSession(addr, opts);
  if (!opened.ok) return opened;
  const session = opened.value;
  let started = false;
  let coverage = false;
  try {
    coverage = await keepCallersApart(session);
    await session.send('HeapProfiler.enable');
    await session.send('HeapProfiler.startSampling', {
      samplingInterval: Math.max(1, Math.round(opts.samplingIntervalBytes ?? DEFAULT_HEAP_SAMPLING_BYTES)),
    });
    started = true;
    const r = await body(session);
    await session.send('HeapProfiler.stopSampling', {}, 60_000);
    started = false;
    await session.send('HeapProfiler.disable').catch(() => undefined);
    return r;
  } catch (e) {
    return fail('protocol', `The inspector at ${hostPort(addr)} failed during the heap capture: ${errorMessage(e)}`);
  } finally {
    // Sampling costs the target time on every allocation: never leave it on.
    if (started) await session.send('HeapProfiler.stopSampling', {}, 5000).catch(() => undefined);
    if (coverage) await session.send('Profiler.stopPreciseCoverage', {}, 5000).catch(() => undefined);
    session.close();
  }
}

/**
 * Samples allocations of a Node process for `durationMs` and returns the objects still alive at
 * the end (after a garbage collection), per allocating call site: a .heapprofile.
 */
export function captureNodeHeapProfile(
  addr: InspectorAddress,
  opts: HeapCaptureOptions,
): Promise<Result<HeapProfileJson, InspectorFailureKind>> {
  const clock = opts.clock ?? systemClock;
  return withSampling(addr, opts, async (session) => {
    const aborted = await waitOrAbort(clock, opts.durationMs, opts.signal);
    if (aborted) return fail('cancelled', 'The heap capture was cancelled.');
    return ok(await sampleNow(session));
  });
}

/**
 * Two heap samples `durationMs` apart from one sampling session: what was allocated between them
 * and is still alive at the second is what grows.
 */
export function captureNodeHeapGrowth(
  addr: InspectorAddress,
  opts: HeapCaptureOptions,
): Promise<Result<{ before: HeapProfileJson; after: HeapProfileJson }, InspectorFailureKind>> {
  const clock = opts.clock ?? systemClock;
  return withSampling(addr, opts, async (session) => {
    const before = await sampleNow(session);
    const aborted = await waitOrAbort(clock, opts.durationMs, opts.signal);
    if (aborted) return fail('cancelled', 'The heap capture was cancelled.');
    return ok({ before, after: await sampleNow(session) });
  });
}

export type GoHeapEndpoint = 'heap' | 'allocs';

/**
 * The heap profile URL of a Go service: a base URL gets /debug/pprof/heap (or allocs); a URL that
 * already names a pprof endpoint keeps its path. `gc=1` makes Go collect first, so in-use figures
 * are current rather than as of the last collection.
 */
export function pprofHeapUrl(input: string, endpoint: GoHeapEndpoint = 'heap'): Result<URL, PprofFetchFailureKind> {
  const parsed = parsePprofUrl(input);
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  if (/\/debug\/pprof\/profile\/?$/.test(url.pathname) || !url.pathname.includes('/debug/pprof/'))
    url.pathname =
      url.pathname.replace(/\/debug\/pprof\/profile\/?$/, '').replace(/\/+$/, '') + `/debug/pprof/${endpoint}`;
  url.searchParams.delete('seconds');
  url.searchParams.set('gc', '1');
  return ok(url);
}

/** Fetches a Go heap (or allocs) profile: a snapshot, so it answers at once. */
export async function fetchPprofHeap(
  input: string,
  opts: { endpoint?: GoHeapEndpoint; connect?: ConnectPolicy; timeoutMs?: number } = {},
): Promise<Result<Buffer, PprofFetchFailureKind>> {
  const u = pprofHeapUrl(input, opts.endpoint);
  if (!u.ok) return u;
  return fetchPprof(u.value, opts.timeoutMs ?? 30_000, opts.connect);
}
