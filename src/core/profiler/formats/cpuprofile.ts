import { buildCpuProfile } from './cpuprofileBuild';
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

/**
 * What the model is built from, whichever reader produced it: the parsed JSON object, or the byte
 * scanner's compact columns (cpuprofileScan.ts). Values are as the file holds them; the builder
 * validates them, so both readers fail with the same words.
 */
export interface CpuProfileSource {
  readonly nodeCount: number;
  /** Node i's id as written (the builder checks it is a number). */
  id(i: number): unknown;
  /** How many children node i lists (a FormatError when its `children` is not a list). */
  childCount(i: number): number;
  /** Node i's k-th child id as written. */
  child(i: number, k: number): unknown;
  /** Node i's `parent` as written (trace-event chunks), or undefined. */
  parent(i: number): unknown;
  /** Whether node i's function is named "(root)", the tree's synthetic root when it has no parent. */
  isRootName(i: number): boolean;
  /**
   * Node i's call frame as a small integer, equal for nodes whose function name, url, line and
   * column are equal. Called in tree order; a class is numbered when first asked for.
   */
  frameClass(i: number): number;
  /** The identity key of a frame class (name, url, line, column as written). */
  classKey(k: number): string;
  /** The frame of a class (1-based line and column). */
  classFrame(k: number): Frame;
  /**
   * How many positionTicks node i has, each checked: a FormatError when they are not a list of
   * {"line", "ticks"} with numbers, ticks non-negative. Asked only for nodes that have samples.
   */
  positionTickCount(i: number): number;
  positionTickLine(i: number, k: number): number;
  positionTickWeight(i: number, k: number): number;
  readonly samples: ArrayLike<unknown>;
  readonly timeDeltas?: ArrayLike<unknown>;
  readonly timestamps?: ArrayLike<unknown>;
  readonly startTime?: unknown;
  readonly endTime?: unknown;
}

export function looksLikeCpuProfile(json: unknown): json is CpuProfileJson {
  if (!json || typeof json !== 'object') return false;
  const j = json as CpuProfileJson;
  return (Array.isArray(j.nodes) || (typeof j.head === 'object' && j.head !== null)) && Array.isArray(j.samples);
}

/** A frame from a V8 call frame's fields: 0-based positions become 1-based, 0 when unknown. */
export function v8Frame(functionName: unknown, url: unknown, lineNumber: unknown, columnNumber: unknown): Frame {
  const line = typeof lineNumber === 'number' && lineNumber >= 0 ? lineNumber + 1 : 0;
  const column = typeof columnNumber === 'number' && columnNumber >= 0 ? columnNumber + 1 : 0;
  return { name: (functionName as string) || '(anonymous)', file: (url as string) ?? '', line, column };
}

/** The identity of a V8 call frame: its four fields as written, `undefined` for a missing one. */
export function v8FrameKey(functionName: unknown, url: unknown, lineNumber: unknown, columnNumber: unknown): string {
  return `${functionName as string}\u0000${url as string}\u0000${lineNumber as string}\u0000${columnNumber as string}`;
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

/** The parsed JSON object as a source: frame classes are numbered by their key as they are asked for. */
class JsonSource implements CpuProfileSource {
  readonly nodeCount: number;
  readonly samples: ArrayLike<unknown>;
  readonly timeDeltas?: ArrayLike<unknown>;
  readonly timestamps?: ArrayLike<unknown>;
  readonly startTime?: unknown;
  readonly endTime?: unknown;
  private readonly nodes: V8Node[];
  private readonly classes = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly firstNode: number[] = [];

  constructor(json: CpuProfileJson) {
    this.nodes = json.nodes ?? (json.head ? flattenHead(json.head) : []);
    this.nodeCount = this.nodes.length;
    this.samples = json.samples ?? [];
    this.timeDeltas = Array.isArray(json.timeDeltas) ? json.timeDeltas : undefined;
    this.timestamps = Array.isArray(json.timestamps) ? json.timestamps : undefined;
    this.startTime = json.startTime;
    this.endTime = json.endTime;
  }
  id(i: number): unknown {
    return this.nodes[i]?.id;
  }
  childCount(i: number): number {
    return childList(this.nodes[i]!).length;
  }
  child(i: number, k: number): unknown {
    return this.nodes[i]!.children![k];
  }
  parent(i: number): unknown {
    return this.nodes[i]!.parent;
  }
  private frameFields(i: number): V8CallFrame {
    const n = this.nodes[i]!;
    return n.callFrame ?? n;
  }
  isRootName(i: number): boolean {
    return this.frameFields(i).functionName === '(root)';
  }
  frameClass(i: number): number {
    const cf = this.frameFields(i);
    const key = v8FrameKey(cf.functionName, cf.url, cf.lineNumber, cf.columnNumber);
    let k = this.classes.get(key);
    if (k === undefined) {
      this.classes.set(key, (k = this.keys.length));
      this.keys.push(key);
      this.firstNode.push(i);
    }
    return k;
  }
  classKey(k: number): string {
    return this.keys[k]!;
  }
  classFrame(k: number): Frame {
    const cf = this.frameFields(this.firstNode[k]!);
    return v8Frame(cf.functionName, cf.url, cf.lineNumber, cf.columnNumber);
  }
  positionTickCount(i: number): number {
    return checkPositionTicks(this.nodes[i]!)?.length ?? 0;
  }
  positionTickLine(i: number, k: number): number {
    return this.nodes[i]!.positionTicks![k]!.line;
  }
  positionTickWeight(i: number, k: number): number {
    return this.nodes[i]!.positionTicks![k]!.ticks;
  }
}

/**
 * Imports a V8 CPU profile. Each sample lasts until the next sample's timestamp (the last one has
 * no successor and carries no time); `hitCount` is ignored because it can disagree with samples.
 */
export function importCpuProfile(json: CpuProfileJson, name = 'CPU profile'): ImportResult {
  try {
    return importCpuProfileSource(new JsonSource(json), name);
  } catch (e) {
    if (e instanceof FormatError) return invalid('cpuprofile', e.message);
    throw e;
  }
}

/** Builds the profile model from either reader's source; a FormatError becomes an `invalid` result. */
export function importCpuProfileSource(src: CpuProfileSource, name = 'CPU profile'): ImportResult {
  try {
    return ok({ format: 'cpuprofile', profiles: [buildCpuProfile(src, name)], activeIndex: 0, warnings: [] });
  } catch (e) {
    if (e instanceof FormatError) return invalid('cpuprofile', e.message);
    throw e;
  }
}
