/**
 * The V8 CPU profile model builder, shared by both readers of a .cpuprofile (the parsed JSON
 * object and the byte scanner): it validates what a source holds and turns it into the call tree.
 */
import { StackTreeBuilder } from '../builder';
import type { Profile } from '../model';
import type { CpuProfileSource } from './cpuprofile';
import { FormatError } from './types';

/**
 * Node index by node id: plain arithmetic when the ids count up from the first (V8 numbers its
 * nodes 1…n), a dense table when they are small non-negative integers, else a Map.
 */
class NodeIndex {
  private readonly n: number;
  private readonly base: number = NaN;
  private readonly dense: Int32Array | null = null;
  private readonly map: Map<number, number> | null = null;

  constructor(src: CpuProfileSource) {
    const n = (this.n = src.nodeCount);
    let max = 0;
    let small = true;
    let consecutive = true;
    const first = src.id(0);
    for (let i = 0; i < n; i++) {
      const id = src.id(i);
      if (typeof id !== 'number') throw new FormatError(`node ${i} has no numeric id.`);
      if (!(Number.isInteger(id) && id >= 0)) small = false;
      else if (id > max) max = id;
      if (id !== (first as number) + i) consecutive = false;
    }
    if (small && consecutive) this.base = first as number;
    else if (small && max <= n * 8 + 1024) {
      const dense = new Int32Array(max + 1).fill(-1);
      // A repeated id names its last node, as a Map's last set would.
      for (let i = 0; i < n; i++) dense[src.id(i) as number] = i;
      this.dense = dense;
    } else {
      const map = new Map<number, number>();
      for (let i = 0; i < n; i++) map.set(src.id(i) as number, i);
      this.map = map;
    }
  }

  /** The index of the node with this id, or -1 (also for a value that is not a number). */
  of(id: unknown): number {
    if (typeof id !== 'number') return -1;
    const k = id - this.base;
    if (k >= 0 && k < this.n && (k | 0) === k) return k;
    if (this.base === this.base) return -1;
    if (this.dense) return this.dense[id] ?? -1;
    return this.map!.get(id) ?? -1;
  }
}

export function buildCpuProfile(src: CpuProfileSource, name: string): Profile {
  const n = src.nodeCount;
  if (n === 0) throw new FormatError('it has no call-tree nodes.');
  const index = new NodeIndex(src);
  // Parents from either `children` (inspector, --cpu-prof) or `parent` (trace-event chunks).
  const parentIdx = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const count = src.childCount(i);
    for (let k = 0; k < count; k++) {
      const c = src.child(i, k);
      const ci = index.of(c);
      if (ci < 0)
        throw new FormatError(
          `node ${src.id(i) as number} lists child ${JSON.stringify(c) ?? String(c)}, which is not in nodes.`,
        );
      parentIdx[ci] = i;
    }
  }
  for (let i = 0; i < n; i++) {
    const p = src.parent(i);
    if (typeof p === 'number' && parentIdx[i] === -1) parentIdx[i] = index.of(p);
  }
  const order = treeOrder(parentIdx);
  const b = new StackTreeBuilder(true, n);
  const builderNode = new Int32Array(n);
  const builderFrame = new Int32Array(n).fill(-1);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const p = parentIdx[i]!;
    // The "(root)" node is the tree's synthetic root, not a function.
    if (p === -1 && src.isRootName(i)) {
      builderNode[i] = 0;
      continue;
    }
    const cls = src.frameClass(i);
    let f = builderFrame[cls]!;
    if (f < 0) f = builderFrame[cls] = internClass(b, src, cls);
    builderNode[i] = b.child(p === -1 ? 0 : builderNode[p]!, f);
  }
  if (order.length !== n) throw new FormatError('its nodes do not form a tree (a cycle in children).');

  const samples = src.samples;
  const times = sampleTimes(src, samples.length);
  // Samples and time of node i at 2i and 2i + 1: one cache line per sample on a big profile.
  const self = new Float64Array(2 * n);
  for (let s = 0; s < samples.length; s++) {
    const id = samples[s];
    const i = index.of(id);
    if (i < 0)
      throw new FormatError(`sample ${s} refers to node ${JSON.stringify(id) ?? String(id)}, which is not in nodes.`);
    self[2 * i]! += 1;
    if (s + 1 < samples.length) self[2 * i + 1]! += (times[s + 1]! - times[s]!) / 1000;
  }
  for (let i = 0; i < n; i++) {
    const selfS = self[2 * i]!;
    if (selfS === 0) continue;
    const selfT = self[2 * i + 1]!;
    const bn = builderNode[i]!;
    b.addSelf(bn, selfS, selfT);
    const ticks = src.positionTickCount(i);
    if (bn === 0 || ticks === 0) continue;
    let all = 0;
    for (let k = 0; k < ticks; k++) all += src.positionTickWeight(i, k);
    if (all <= 0) continue;
    const frame = b.frameOf(bn);
    for (let k = 0; k < ticks; k++) {
      const t = src.positionTickWeight(i, k);
      b.addLine(frame, src.positionTickLine(i, k), (selfS * t) / all, (selfT * t) / all);
    }
  }
  return b.finish(name, true, profileDurationMs(src, times));
}

/** Adds a frame class to the builder (its own function, so no loop variable is captured). */
function internClass(b: StackTreeBuilder, src: CpuProfileSource, cls: number): number {
  return b.internFrame(src.classKey(cls), () => src.classFrame(cls));
}

/**
 * Node indices with every parent before its children, so builder nodes are created in tree order.
 * V8 writes nodes in pre-order, so index order usually works as is and the breadth-first
 * reordering is skipped. A cycle leaves nodes out (the caller checks the length).
 */
function treeOrder(parentIdx: Int32Array): ArrayLike<number> {
  const n = parentIdx.length;
  let inIndexOrder = true;
  for (let i = 0; i < n && inIndexOrder; i++) if (parentIdx[i]! >= i) inIndexOrder = false;
  if (inIndexOrder) {
    const identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return identity;
  }
  const bfs: number[] = [];
  const kids: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) (parentIdx[i] === -1 ? bfs : kids[parentIdx[i]!]!).push(i);
  for (let k = 0; k < bfs.length; k++) for (const c of kids[bfs[k]!]!) bfs.push(c);
  return bfs;
}

/** A list of finite numbers (timeDeltas, timestamps) up to `count`, else a FormatError naming the bad entry. */
function checkNumbers(list: ArrayLike<unknown>, name: string, count = list.length): ArrayLike<number> {
  for (let i = 0; i < count; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new FormatError(`${name}[${i}] is not a number (${JSON.stringify(v) ?? typeof v}).`);
  }
  return list as ArrayLike<number>;
}

/** Sample timestamps in microseconds, from timeDeltas (modern) or timestamps (legacy). */
function sampleTimes(src: CpuProfileSource, count: number): Float64Array {
  const out = new Float64Array(count);
  for (const k of ['startTime', 'endTime'] as const) {
    const v = src[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v)))
      throw new FormatError(`${k} is not a number (${JSON.stringify(v)}).`);
  }
  if (src.timeDeltas) {
    if (src.timeDeltas.length < count)
      throw new FormatError(`it has ${count} samples but only ${src.timeDeltas.length} timeDeltas.`);
    const deltas = checkNumbers(src.timeDeltas, 'timeDeltas', count);
    let t = (src.startTime as number | undefined) ?? 0;
    for (let i = 0; i < count; i++) out[i] = t += deltas[i]!;
    if (!Number.isFinite(t)) throw new FormatError('its timeDeltas add up to a time too large to represent.');
    return out;
  }
  if (src.timestamps) {
    const ts = checkNumbers(src.timestamps, 'timestamps');
    if (ts.length < count) throw new FormatError(`it has ${count} samples but only ${ts.length} timestamps.`);
    // Legacy files carry the start time as an extra first timestamp.
    const shift = ts.length === count + 1 ? 1 : 0;
    for (let i = 0; i < count; i++) out[i] = ts[i + shift]!;
    return out;
  }
  if (count > 0) throw new FormatError('it has samples but neither timeDeltas nor timestamps.');
  return out;
}

function profileDurationMs(src: CpuProfileSource, times: Float64Array): number | null {
  const ts = src.timestamps as ArrayLike<number> | undefined;
  if (ts && ts.length > 1) return (ts[ts.length - 1]! - ts[0]!) / 1000;
  const { startTime, endTime } = src;
  if (typeof startTime === 'number' && typeof endTime === 'number' && endTime > startTime)
    return (endTime - startTime) / 1000;
  return times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : null;
}
