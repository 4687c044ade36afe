/**
 * Builders for the data the suites hand to the code under test: snapshots of a collection round,
 * the editor's per-target state, CPU profiles (the model, and V8 .cpuprofile documents as the
 * inspector writes them). Each takes overrides, so a test names only the fields it is about.
 */
import type { Frame, Profile } from '../../src/core/profiler/model';
import { StackTreeBuilder } from '../../src/core/profiler/builder';
import { importFolded } from '../../src/core/profiler/formats/folded';
import type { HistogramDelta, HttpStats, Snapshot } from '../../src/core/session/types';
import type { TargetState } from '../../src/extension/live/liveMonitor';
import { assessTargetHealth } from '../../src/extension/live/targetHealth';

/** One collection round: target 't' at time 0 with no failures, plus `over`. */
export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return { targetId: 't', time: 0, errors: [], ...over };
}

/** The HTTP section of a snapshot: no traffic and no routes, plus `over`. */
export function httpStats(over: Partial<HttpStats> = {}): HttpStats {
  return { requestRate: 0, errorRate: 0, routes: [], ...over };
}

/**
 * A latency histogram's increase over one interval: `[le, cumulative count]` pairs (ms), the whole
 * service's `http.duration` unless `over` says otherwise; the count is the last bucket's.
 */
export function histogram(buckets: [number, number][], over: Partial<HistogramDelta> = {}): HistogramDelta {
  return {
    series: 'http.duration',
    labels: {},
    buckets: buckets.map(([le, count]) => ({ le, count })),
    sumMs: 0,
    count: buckets[buckets.length - 1]?.[1] ?? 0,
    ...over,
  };
}

/** What the editor keeps for a collecting target whose last round (and whole window) is `latest`. */
export function targetState(latest: Snapshot, over: Partial<TargetState> = {}): TargetState {
  return {
    id: latest.targetId,
    label: latest.targetId,
    collecting: true,
    latest,
    health: assessTargetHealth(latest),
    findings: [],
    alerts: [],
    window: [latest],
    ...over,
  };
}

/** A profile from folded stacks (`main;work;hot 10` per line), failing with the importer's message. */
export function foldedProfile(text: string): Profile {
  const r = importFolded(text);
  if (!r.ok) throw new Error(`folded stacks did not import: ${r.error.message}`);
  return r.value.profiles[0]!;
}

export interface StackSpec {
  /** Outermost first. */
  frames: Frame[];
  samples: number;
  timeMs: number;
  /** Self weight of the innermost frame on this line (1-based), when the test is about lines. */
  line?: number;
}

/** A sampled profile with time, built from whole stacks the way the importers build theirs. */
export function sampledProfile(stacks: StackSpec[], opts: { name?: string; durationMs?: number | null } = {}): Profile {
  const b = new StackTreeBuilder(true);
  let total = 0;
  for (const s of stacks) {
    const ids = s.frames.map((f) => b.frameId(f));
    b.addStack(ids, s.samples, s.timeMs);
    if (s.line) b.addLine(ids[ids.length - 1]!, s.line, s.samples, s.timeMs);
    total += s.timeMs;
  }
  return b.finish(opts.name ?? 'p', true, opts.durationMs === undefined ? total : opts.durationMs);
}

export interface V8CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based, as the inspector writes it; -1 for synthetic frames. */
  lineNumber: number;
  columnNumber: number;
}

export interface V8ProfileNode {
  id: number;
  callFrame: V8CallFrame;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

export interface V8CpuProfile {
  nodes: V8ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A node of a .cpuprofile: `functionName` in script 1 at `url` line 0, plus `frame` and `more`. */
export function v8Node(
  id: number,
  functionName: string,
  frame: Partial<Omit<V8CallFrame, 'functionName'>> = {},
  more: Pick<V8ProfileNode, 'children' | 'positionTicks'> = {},
): V8ProfileNode {
  return {
    id,
    callFrame: { functionName, scriptId: '1', url: '', lineNumber: 0, columnNumber: 0, ...frame },
    ...more,
  };
}

/** A synthetic node V8 writes without a script: `(root)`, `(garbage collector)`, `(idle)`. */
export function v8SyntheticNode(id: number, functionName: string, children?: number[]): V8ProfileNode {
  return v8Node(id, functionName, { scriptId: '0', lineNumber: -1, columnNumber: -1 }, children ? { children } : {});
}

/** A .cpuprofile over `nodes`: one sample per entry of `samples` (node ids), `intervalUs` apart. */
export function cpuProfile(nodes: V8ProfileNode[], samples: number[], intervalUs = 1000): V8CpuProfile {
  return {
    nodes,
    startTime: 0,
    endTime: samples.length * intervalUs,
    samples,
    timeDeltas: samples.map(() => intervalUs),
  };
}
