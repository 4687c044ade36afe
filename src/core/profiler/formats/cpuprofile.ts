import { StackTreeBuilder } from '../builder';
import type { Frame } from '../model';
import type { ImportResult } from './types';
import { FormatError, invalid } from './types';
import { ok } from '../../util/result';

/** A V8 call frame as the inspector and `node --cpu-prof` write it (line/column 0-based). */
interface V8CallFrame {
  functionName?: string;
  url?: string;
  scriptId?: string | number;
  lineNumber?: number;
  columnNumber?: number;
}

interface V8Node extends V8CallFrame {
  id: number;
  callFrame?: V8CallFrame;
  children?: (number | V8Node)[];
  parent?: number;
  positionTicks?: { line: number; ticks: number }[];
}

export interface CpuProfileJson {
  nodes?: V8Node[];
  head?: V8Node;
  samples?: number[];
  timeDeltas?: number[];
  timestamps?: number[];
  startTime?: number;
  endTime?: number;
}

export function looksLikeCpuProfile(json: unknown): json is CpuProfileJson {
  if (!json || typeof json !== 'object') return false;
  const j = json as CpuProfileJson;
  return (Array.isArray(j.nodes) || (typeof j.head === 'object' && j.head !== null)) && Array.isArray(j.samples);
}

function frameOf(n: V8Node): Frame {
  const cf = n.callFrame ?? n;
  const line = typeof cf.lineNumber === 'number' && cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0;
  const column = typeof cf.columnNumber === 'number' && cf.columnNumber >= 0 ? cf.columnNumber + 1 : 0;
  return { name: cf.functionName || '(anonymous)', file: cf.url ?? '', line, column };
}

/** Flattens the legacy nested `head` tree into the modern node list. */
function flattenHead(head: V8Node): V8Node[] {
  const out: V8Node[] = [];
  const stack: V8Node[] = [head];
  while (stack.length) {
    const n = stack.pop()!;
    const kids = childList(n) as V8Node[];
    kids.forEach((k: unknown, i) => {
      if (!k || typeof k !== 'object') throw new FormatError(`child ${i} of node ${String(n.id)} is not a node.`);
    });
    out.push({ ...n, children: kids.map((k) => k.id) });
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}

function childList(n: V8Node): (number | V8Node)[] {
  if (n.children === undefined || n.children === null) return [];
  if (!Array.isArray(n.children)) throw new FormatError(`node ${String(n.id)} has "children" that is not a list.`);
  return n.children;
}

/** A list of finite numbers (timeDeltas, timestamps), else a FormatError naming the bad entry. */
function numbers(list: unknown[], name: string): number[] {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new FormatError(`${name}[${i}] is not a number (${JSON.stringify(v) ?? typeof v}).`);
  }
  return list as number[];
}

function checkPositionTicks(n: V8Node): { line: number; ticks: number }[] | undefined {
  const t = n.positionTicks as unknown;
  if (t === undefined || t === null) return undefined;
  const bad = (why: string) =>
    new FormatError(
      `node ${n.id} has positionTicks that ${why}; expected a list of {"line", "ticks"} with non-negative numbers.`,
    );
  if (!Array.isArray(t)) throw bad('are not a list');
  t.forEach((e: unknown, i) => {
    const o = e as { line?: unknown; ticks?: unknown } | null;
    if (
      !o ||
      typeof o !== 'object' ||
      typeof o.line !== 'number' ||
      typeof o.ticks !== 'number' ||
      !(o.ticks >= 0) ||
      !Number.isFinite(o.ticks)
    )
      throw bad(`have a bad entry ${i}`);
  });
  return t as { line: number; ticks: number }[];
}

/**
 * Imports a V8 CPU profile. Each sample lasts until the next sample's timestamp (the last one has
 * no successor and carries no time); `hitCount` is ignored because it can disagree with samples.
 */
export function importCpuProfile(json: CpuProfileJson, name = 'CPU profile'): ImportResult {
  try {
    return ok({ format: 'cpuprofile', profiles: [parse(json, name)], activeIndex: 0, warnings: [] });
  } catch (e) {
    if (e instanceof FormatError) return invalid('cpuprofile', e.message);
    throw e;
  }
}

function parse(json: CpuProfileJson, name: string) {
  const nodes = json.nodes ?? (json.head ? flattenHead(json.head) : []);
  if (nodes.length === 0) throw new FormatError('it has no call-tree nodes.');
  const samples = json.samples ?? [];
  const indexOfId = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (typeof n?.id !== 'number') throw new FormatError(`node ${i} has no numeric id.`);
    indexOfId.set(n.id, i);
  });
  // Parents from either `children` (inspector, --cpu-prof) or `parent` (trace-event chunks).
  const parentIdx = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    for (const c of childList(n)) {
      const ci = indexOfId.get(c as number);
      if (ci === undefined)
        throw new FormatError(`node ${n.id} lists child ${JSON.stringify(c) ?? String(c)}, which is not in nodes.`);
      parentIdx[ci] = i;
    }
  });
  nodes.forEach((n, i) => {
    if (typeof n.parent === 'number' && parentIdx[i] === -1) parentIdx[i] = indexOfId.get(n.parent) ?? -1;
  });
  // Visit parents before children so builder nodes are created in tree order. V8 writes nodes in
  // pre-order, so index order usually works as is and the breadth-first reordering is skipped.
  let order: ArrayLike<number>;
  let inIndexOrder = true;
  for (let i = 0; i < nodes.length && inIndexOrder; i++) if (parentIdx[i]! >= i) inIndexOrder = false;
  if (inIndexOrder) {
    const identity = new Int32Array(nodes.length);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    order = identity;
  } else {
    const bfs: number[] = [];
    const kids: number[][] = nodes.map(() => []);
    for (let i = 0; i < nodes.length; i++) (parentIdx[i] === -1 ? bfs : kids[parentIdx[i]!]!).push(i);
    for (let k = 0; k < bfs.length; k++) for (const c of kids[bfs[k]!]!) bfs.push(c);
    order = bfs;
  }
  const b = new StackTreeBuilder(true);
  const builderNode = new Int32Array(nodes.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const p = parentIdx[i]!;
    const node = nodes[i]!;
    const cf = node.callFrame ?? node;
    // The "(root)" node is the tree's synthetic root, not a function.
    if (p === -1 && cf.functionName === '(root)') builderNode[i] = 0;
    else
      builderNode[i] = b.child(
        p === -1 ? 0 : builderNode[p]!,
        b.internFrame(`${cf.functionName}\u0000${cf.url}\u0000${cf.lineNumber}\u0000${cf.columnNumber}`, () =>
          frameOf(node),
        ),
      );
  }
  if (order.length !== nodes.length) throw new FormatError('its nodes do not form a tree (a cycle in children).');

  const times = sampleTimes(json, samples.length);
  const selfS = new Float64Array(nodes.length);
  const selfT = new Float64Array(nodes.length);
  const dense = denseIndex(indexOfId);
  for (let s = 0; s < samples.length; s++) {
    const id = samples[s]!;
    const i = dense ? (id >= 0 && id < dense.length ? dense[id]! : -1) : (indexOfId.get(id) ?? -1);
    if (i < 0)
      throw new FormatError(`sample ${s} refers to node ${JSON.stringify(id) ?? String(id)}, which is not in nodes.`);
    selfS[i]! += 1;
    if (s + 1 < samples.length) selfT[i]! += (times[s + 1]! - times[s]!) / 1000;
  }
  for (let i = 0; i < nodes.length; i++) {
    if (selfS[i] === 0) continue;
    const bn = builderNode[i]!;
    b.addSelf(bn, selfS[i]!, selfT[i]!);
    const ticks = checkPositionTicks(nodes[i]!);
    if (bn === 0 || !ticks?.length) continue;
    const all = ticks.reduce((a, t) => a + t.ticks, 0);
    if (all <= 0) continue;
    for (const t of ticks) b.addLine(b.frameOf(bn), t.line, (selfS[i]! * t.ticks) / all, (selfT[i]! * t.ticks) / all);
  }
  const durationMs = profileDurationMs(json, times);
  return b.finish(name, true, durationMs);
}

/** Sample timestamps in microseconds, from timeDeltas (modern) or timestamps (legacy). */
function sampleTimes(json: CpuProfileJson, count: number): Float64Array {
  const out = new Float64Array(count);
  for (const k of ['startTime', 'endTime'] as const) {
    if (json[k] !== undefined && (typeof json[k] !== 'number' || !Number.isFinite(json[k])))
      throw new FormatError(`${k} is not a number (${JSON.stringify(json[k])}).`);
  }
  if (Array.isArray(json.timeDeltas)) {
    if (json.timeDeltas.length < count)
      throw new FormatError(`it has ${count} samples but only ${json.timeDeltas.length} timeDeltas.`);
    const deltas = numbers(json.timeDeltas.slice(0, count), 'timeDeltas');
    let t = json.startTime ?? 0;
    for (let i = 0; i < count; i++) out[i] = t += deltas[i]!;
    if (!Number.isFinite(t)) throw new FormatError('its timeDeltas add up to a time too large to represent.');
    return out;
  }
  if (Array.isArray(json.timestamps)) {
    const ts = numbers(json.timestamps, 'timestamps');
    if (ts.length < count) throw new FormatError(`it has ${count} samples but only ${ts.length} timestamps.`);
    // Legacy files carry the start time as an extra first timestamp.
    const shift = ts.length === count + 1 ? 1 : 0;
    for (let i = 0; i < count; i++) out[i] = ts[i + shift]!;
    return out;
  }
  if (count > 0) throw new FormatError('it has samples but neither timeDeltas nor timestamps.');
  return out;
}

function profileDurationMs(json: CpuProfileJson, times: Float64Array): number | null {
  if (Array.isArray(json.timestamps) && json.timestamps.length > 1)
    return (json.timestamps[json.timestamps.length - 1]! - json.timestamps[0]!) / 1000;
  if (typeof json.startTime === 'number' && typeof json.endTime === 'number' && json.endTime > json.startTime)
    return (json.endTime - json.startTime) / 1000;
  return times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : null;
}

function denseIndex(indexOfId: Map<number, number>): Int32Array | null {
  let max = 0;
  for (const id of indexOfId.keys()) if (id > max) max = id;
  if (max > indexOfId.size * 8 + 1024) return null;
  const a = new Int32Array(max + 1).fill(-1);
  for (const [id, i] of indexOfId) if (id >= 0) a[id] = i;
  return a;
}
