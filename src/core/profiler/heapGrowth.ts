/**
 * "What grows": two heap samples of a live service some seconds apart, compared by allocation
 * site. A Node service is sampled over its inspector (one allocation-sampling session, a garbage
 * collection before each sample); a Go service answers /debug/pprof/heap twice (gc=1). Frames are
 * mapped through source maps, so sites land on the code as written.
 */
import { captureNodeHeapGrowth } from './capture/heapCapture';
import { waitOrAbort } from './capture/inspector';
import type { HeapProfileJson } from './capture/heapCapture';
import { fetchPprofHeap } from './capture/heapCapture';
import type { InspectorAddress } from './capture/processInfo';
import { importProfile } from './formats/index';
import type { HeapDiff, HeapDiffOptions } from './heapDiff';
import { diffHeapProfiles } from './heapDiff';
import type { Profile } from './model';
import { SourceMapResolver } from './sourcemaps';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { ConnectPolicy } from '../util/connect';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';

export type GrowthTarget = { kind: 'inspector'; address: InspectorAddress } | { kind: 'pprof'; url: string };

export interface GrowthOptions extends HeapDiffOptions {
  /** Time between the two samples. */
  durationMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  connect?: ConnectPolicy;
  /** Profile size limit (LoadOptions.maxBytes). */
  maxBytes?: number;
  /** Folders relative source-map paths resolve against. */
  roots?: string[];
  /** V8 allocation sampling interval in bytes (Node only). */
  samplingIntervalBytes?: number;
}

export interface HeapGrowth {
  diff: HeapDiff;
  /** The second sample, source-mapped: what the code lenses and line heat show. */
  after: Profile | null;
  durationMs: number;
  /** Who answered, in words: "the Node inspector at 127.0.0.1:9229". */
  source: string;
  warnings: string[];
}

/** Imports one captured sample; a sample in which nothing was allocated is null, not a failure. */
function readSample(bytes: Buffer, name: string, maxBytes: number | undefined): Result<Profile | null> {
  const r = importProfile(bytes, name, { maxBytes, sampleType: name.endsWith('.pb.gz') ? 'inuse_space' : undefined });
  if (r.ok) return ok(r.value.profiles[0]!);
  if (r.error.kind === 'empty') return ok(null);
  return fail(r.error.kind, r.error.message);
}

async function captureSamples(
  target: GrowthTarget,
  opts: GrowthOptions,
): Promise<Result<{ before: Buffer; after: Buffer; ext: string; source: string }>> {
  if (target.kind === 'inspector') {
    const { host, port } = target.address;
    const r = await captureNodeHeapGrowth(target.address, {
      durationMs: opts.durationMs,
      signal: opts.signal,
      clock: opts.clock,
      connect: opts.connect,
      samplingIntervalBytes: opts.samplingIntervalBytes,
    });
    if (!r.ok) return fail(r.error.kind, r.error.message);
    const bytes = (j: HeapProfileJson) => Buffer.from(JSON.stringify(j));
    return ok({
      before: bytes(r.value.before),
      after: bytes(r.value.after),
      ext: '.heapprofile',
      source: `the Node inspector at ${host}:${port}`,
    });
  }
  const first = await fetchPprofHeap(target.url, { connect: opts.connect });
  if (!first.ok) return fail(first.error.kind, first.error.message);
  if (await waitOrAbort(opts.clock ?? systemClock, opts.durationMs, opts.signal))
    return fail('cancelled', 'Finding what grows was cancelled.');
  const second = await fetchPprofHeap(target.url, { connect: opts.connect });
  if (!second.ok) return fail(second.error.kind, second.error.message);
  return ok({ before: first.value, after: second.value, ext: '.pb.gz', source: `the Go service at ${target.url}` });
}

/** Takes two heap samples `durationMs` apart and diffs them by allocation site. */
export async function findWhatGrows(target: GrowthTarget, opts: GrowthOptions): Promise<Result<HeapGrowth>> {
  const captured = await captureSamples(target, opts);
  if (!captured.ok) return captured;
  const { ext, source } = captured.value;
  const before = readSample(captured.value.before, `before${ext}`, opts.maxBytes);
  if (!before.ok) return before;
  const after = readSample(captured.value.after, `after${ext}`, opts.maxBytes);
  if (!after.ok) return after;
  const resolver = new SourceMapResolver({ roots: opts.roots ?? [] });
  try {
    const map = async (p: Profile | null) => (p ? resolver.mapProfile(p) : null);
    const [b, a] = [await map(before.value), await map(after.value)];
    if (!a) {
      // Nothing allocated in the window survived: nothing grows.
      const empty: HeapDiff = {
        sampleType: 'inuse_space',
        unit: 'bytes',
        before: { total: b?.sampleCount ?? 0 },
        after: { total: 0 },
        threshold: 0,
        growing: [],
        shrinking: [],
      };
      return ok({ diff: empty, after: null, durationMs: opts.durationMs, source, warnings: resolver.problems });
    }
    const d = diffHeapProfiles(b, a, opts);
    if (!d.ok) return fail('invalid', d.error.message);
    return ok({ diff: d.value, after: a, durationMs: opts.durationMs, source, warnings: [...resolver.problems] });
  } finally {
    resolver.dispose();
  }
}
