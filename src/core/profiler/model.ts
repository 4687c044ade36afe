/**
 * The one profile model every importer produces and every view, diff and CLI command reads.
 *
 * A sampled profile is a call tree stored as flat typed arrays (parent and frame per node, self
 * weights per node), so a million samples cost one array increment each and everything after
 * that works on the (much smaller) node table. A flat profile (cProfile/pstats) has no stacks:
 * it carries per-function times and calls and the caller→callee edges.
 */

/** A function: line and column are 1-based; 0 means unknown. */
export interface Frame {
  name: string;
  file: string;
  line: number;
  column: number;
}

/** Call tree: node 0 is a synthetic root (frame -1); every parent index is smaller than its child's. */
export interface StackTree {
  parent: Int32Array;
  frame: Int32Array;
  selfSamples: Float64Array;
  /** Self time in milliseconds, or null when the format carries no time. */
  selfTime: Float64Array | null;
}

/** Self weight attributed to one source line of a function. */
export interface LineWeight {
  frame: number;
  line: number;
  samples: number;
  timeMs: number | null;
}

export interface FunctionStats {
  frame: number;
  name: string;
  file: string;
  line: number;
  column: number;
  selfSamples: number | null;
  totalSamples: number | null;
  selfMs: number | null;
  totalMs: number | null;
  /** Call count, where the format records calls (pstats). */
  calls?: number;
}

export interface CallEdge {
  caller: number;
  callee: number;
  samples: number | null;
  timeMs: number | null;
  calls?: number;
}

/**
 * What a profile's sample weights count, as the file names it ("inuse_space"/"bytes",
 * "alloc_objects"/"count"). CPU profiles have none: their weights are samples (and time).
 */
export interface SampleType {
  type: string;
  unit: string;
}

/** The unit a ranking of a profile is in: CPU time or samples, heap bytes or objects. */
export type WeightUnit = 'ms' | 'samples' | 'bytes' | 'objects';

export interface Profile {
  name: string;
  /**
   * Set for heap profiles: the sample type `selfSamples` (and every `samples` count) weighs, e.g.
   * bytes in use. Absent for CPU profiles.
   */
  sampleType?: SampleType;
  frames: Frame[];
  /** Null for flat profiles, which have no stacks. */
  tree: StackTree | null;
  functions: FunctionStats[];
  lines: LineWeight[];
  /** Caller→callee edges of a flat profile; sampled profiles derive theirs with callEdges(). */
  edges: CallEdge[];
  hasSamples: boolean;
  hasTime: boolean;
  sampleCount: number;
  /** Sum of every sample's time (ms), or null without time. */
  totalMs: number | null;
  /** Wall-clock span the profile covers (ms), when the format says. */
  durationMs: number | null;
}

export type SortKey = 'self' | 'total';

/** Input for a sampled profile (what StackTreeBuilder.finish() returns). */
export interface SampledProfileInput {
  name: string;
  frames: Frame[];
  tree: StackTree;
  lines?: LineWeight[];
  hasSamples: boolean;
  durationMs: number | null;
  sampleType?: SampleType;
}

/** Children of every node, in compressed form: children of n are list[offsets[n]..offsets[n+1]). */
export interface TreeChildren {
  offsets: Int32Array;
  list: Int32Array;
}

export function treeChildren(tree: StackTree): TreeChildren {
  const n = tree.parent.length;
  const counts = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) counts[tree.parent[i]! + 1]!++;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + counts[i + 1]!;
  const fill = offsets.slice(0, n);
  const list = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) list[fill[tree.parent[i]!]!++] = i;
  return { offsets, list };
}

/** Inclusive weight per node: its own self weight plus its descendants'. */
export function nodeTotals(tree: StackTree, weights: Float64Array): Float64Array {
  const totals = Float64Array.from(weights);
  for (let i = totals.length - 1; i > 0; i--) totals[tree.parent[i]!]! += totals[i]!;
  return totals;
}

/**
 * Builds function, edge and total statistics from a call tree. A function's total counts each
 * sample once even when the function is on the stack several times (recursion): only the
 * outermost occurrence on a path contributes.
 */
export function buildSampledProfile(input: SampledProfileInput): Profile {
  const { tree, frames } = input;
  const nodeCount = tree.parent.length;
  const hasTime = tree.selfTime !== null;
  const totSamples = nodeTotals(tree, tree.selfSamples);
  const totTime = tree.selfTime ? nodeTotals(tree, tree.selfTime) : null;
  const fSelfS = new Float64Array(frames.length);
  const fTotS = new Float64Array(frames.length);
  const fSelfT = new Float64Array(frames.length);
  const fTotT = new Float64Array(frames.length);
  for (let i = 1; i < nodeCount; i++) {
    const f = tree.frame[i]!;
    fSelfS[f]! += tree.selfSamples[i]!;
    if (tree.selfTime) fSelfT[f]! += tree.selfTime[i]!;
  }
  // Depth-first walk with a per-frame "already on the stack" counter.
  const { offsets, list } = treeChildren(tree);
  const onStack = new Int32Array(frames.length);
  const stack = new Int32Array(nodeCount * 2 + 2);
  let sp = 0;
  for (let k = offsets[0]!; k < offsets[1]!; k++) stack[sp++] = list[k]! + 1;
  while (sp > 0) {
    const entry = stack[--sp]!;
    if (entry < 0) {
      onStack[tree.frame[-entry - 1]!]!--;
      continue;
    }
    const node = entry - 1;
    const f = tree.frame[node]!;
    if (onStack[f] === 0) {
      fTotS[f]! += totSamples[node]!;
      if (totTime) fTotT[f]! += totTime[node]!;
    }
    onStack[f]!++;
    stack[sp++] = -(node + 1);
    for (let k = offsets[node]!; k < offsets[node + 1]!; k++) stack[sp++] = list[k]! + 1;
  }
  const functions: FunctionStats[] = frames.map((fr, i) => ({
    frame: i,
    name: fr.name,
    file: fr.file,
    line: fr.line,
    column: fr.column,
    selfSamples: input.hasSamples ? fSelfS[i]! : null,
    totalSamples: input.hasSamples ? fTotS[i]! : null,
    selfMs: hasTime ? fSelfT[i]! : null,
    totalMs: hasTime ? fTotT[i]! : null,
  }));
  return {
    name: input.name,
    ...(input.sampleType ? { sampleType: input.sampleType } : {}),
    frames,
    tree,
    functions,
    lines: input.lines ?? [],
    edges: [],
    hasSamples: input.hasSamples,
    hasTime,
    sampleCount: input.hasSamples ? (totSamples[0] ?? 0) : 0,
    totalMs: totTime ? (totTime[0] ?? 0) : null,
    durationMs: input.durationMs,
  };
}

const edgeCache = new WeakMap<Profile, CallEdge[]>();

/**
 * Caller→callee edges with the callee subtree's weight: from the call tree for sampled profiles
 * (computed on first use, since a summary never needs them), as recorded for flat ones.
 */
export function callEdges(p: Profile): CallEdge[] {
  if (!p.tree) return p.edges;
  const cached = edgeCache.get(p);
  if (cached) return cached;
  const t = p.tree;
  const totS = nodeTotals(t, t.selfSamples);
  const totT = t.selfTime ? nodeTotals(t, t.selfTime) : null;
  const map = new Map<string, CallEdge>();
  for (let n = 1; n < t.parent.length; n++) {
    const pf = t.frame[t.parent[n]!]!;
    if (pf < 0) continue;
    const f = t.frame[n]!;
    const key = `${pf},${f}`;
    let e = map.get(key);
    if (!e) map.set(key, (e = { caller: pf, callee: f, samples: p.hasSamples ? 0 : null, timeMs: totT ? 0 : null }));
    if (e.samples !== null) e.samples += totS[n]!;
    if (totT) e.timeMs! += totT[n]!;
  }
  const edges = [...map.values()];
  edgeCache.set(p, edges);
  return edges;
}

/** The weight a ranking uses: time when the profile has it, samples otherwise. */
export function functionWeight(f: FunctionStats, by: SortKey): number {
  if (by === 'self') return f.selfMs ?? f.selfSamples ?? 0;
  return f.totalMs ?? f.totalSamples ?? 0;
}

/** The n heaviest functions by self or total weight; functions with no weight are left out. */
export function topFunctions(p: Profile, n: number, by: SortKey): FunctionStats[] {
  const other: SortKey = by === 'self' ? 'total' : 'self';
  return p.functions
    .filter((f) => functionWeight(f, by) > 0 || functionWeight(f, other) > 0)
    .sort(
      (a, b) =>
        functionWeight(b, by) - functionWeight(a, by) ||
        functionWeight(b, other) - functionWeight(a, other) ||
        a.name.localeCompare(b.name),
    )
    .slice(0, Math.max(0, n));
}

/** Self weight per source line of one function, heaviest first. */
export function linesOf(p: Profile, frame: number): LineWeight[] {
  return p.lines.filter((l) => l.frame === frame).sort((a, b) => (b.timeMs ?? b.samples) - (a.timeMs ?? a.samples));
}

/** Functions matching a name (and optionally a file suffix), heaviest by self weight first. */
export function findFunctions(p: Profile, name: string, fileSuffix?: string): FunctionStats[] {
  return p.functions
    .filter((f) => f.name === name && (fileSuffix === undefined || f.file.endsWith(fileSuffix)))
    .sort((a, b) => functionWeight(b, 'self') - functionWeight(a, 'self'));
}

/** Whether a sample type weighs memory (bytes or objects) rather than CPU. */
export function isHeapSampleType(t: SampleType): boolean {
  return t.unit === 'bytes' || /_(space|objects)$/.test(t.type) || t.type === 'objects';
}

/** What a profile's weights are: time when it has it, else bytes or objects for heap profiles, else samples. */
export function weightUnit(p: Profile): WeightUnit {
  if (p.sampleType) return p.sampleType.unit === 'bytes' ? 'bytes' : 'objects';
  return p.hasTime ? 'ms' : 'samples';
}

/** Whether a profile is a heap (allocation or in-use memory) profile. */
export function isHeapProfile(p: Profile): boolean {
  return p.sampleType !== undefined;
}
