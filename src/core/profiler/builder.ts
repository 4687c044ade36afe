import type { Frame, LineWeight, Profile, SampledProfileInput, SampleType, StackTree } from './model';
import { buildSampledProfile } from './model';

/** Most distinct functions one profile may hold (frame ids must stay small integers). */
const FRAME_SPAN = 2 ** 24;

/**
 * Interns frames and stacks into a call tree held in growable typed arrays. Importers push
 * stacks (root first) with their weights; finish() returns the compact tree.
 */
export class StackTreeBuilder {
  readonly frames: Frame[] = [];
  private frameIds = new Map<string, number>();
  // Open-addressing hash of (parent, frame) → child node, in typed arrays: a Map keyed by
  // parent * 2^24 + frame hashes doubles and costs several times more per lookup on big trees.
  private slots: Int32Array;
  private slotMask: number;
  private parent: Int32Array;
  private frame: Int32Array;
  private selfS: Float64Array;
  private selfT: Float64Array | null;
  private size = 1;
  private lineMap = new Map<number, LineWeight>();

  /** `expectedNodes`: room reserved up front when the importer knows about how many nodes come. */
  constructor(
    readonly withTime: boolean,
    expectedNodes = 1024,
  ) {
    const cap = Math.max(1024, expectedNodes + 1);
    let slots = 1 << 12;
    while (slots <= cap * 2) slots *= 2;
    this.slots = new Int32Array(slots).fill(-1);
    this.slotMask = slots - 1;
    this.parent = new Int32Array(cap);
    this.frame = new Int32Array(cap);
    this.selfS = new Float64Array(cap);
    this.parent[0] = -1;
    this.frame[0] = -1;
    this.selfT = withTime ? new Float64Array(cap) : null;
  }

  /** Index of a frame, adding it the first time it is seen (identity: name, file, line, column). */
  frameId(f: Frame): number {
    return this.internFrame(`${f.name}\u0000${f.file}\u0000${f.line}\u0000${f.column}`, () => f);
  }

  /**
   * Index of the frame an importer identifies by its own key (e.g. a V8 call frame's fields), so a
   * frame object is only built the first time (`make`), not once per occurrence.
   */
  internFrame(key: string, make: () => Frame): number {
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.frames.length;
      if (id >= FRAME_SPAN) throw new Error(`more than ${FRAME_SPAN} distinct functions`);
      this.frames.push(make());
      this.frameIds.set(key, id);
    }
    return id;
  }

  /** The child of node `parent` for frame `frame`, created if new. Node 0 is the root. */
  child(parent: number, frame: number): number {
    const mask = this.slotMask;
    let h = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(frame + 1, 0x85ebca77)) & mask;
    for (;;) {
      const n = this.slots[h]!;
      if (n < 0) break;
      if (this.parent[n] === parent && this.frame[n] === frame) return n;
      h = (h + 1) & mask;
    }
    const id = this.size++;
    if (id >= this.parent.length) this.grow();
    this.parent[id] = parent;
    this.frame[id] = frame;
    this.slots[h] = id;
    // Keep the load factor under one half so probe runs stay short.
    if (this.size * 2 > mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const mask = size - 1;
    const slots = new Int32Array(size).fill(-1);
    for (let n = 1; n < this.size; n++) {
      let h = (Math.imul(this.parent[n]!, 0x9e3779b1) ^ Math.imul(this.frame[n]! + 1, 0x85ebca77)) & mask;
      while (slots[h]! >= 0) h = (h + 1) & mask;
      slots[h] = n;
    }
    this.slots = slots;
    this.slotMask = mask;
  }

  /** Adds self weight to a node (a leaf of some stack). */
  addSelf(node: number, samples: number, timeMs = 0): void {
    this.selfS[node]! += samples;
    if (this.selfT) this.selfT[node]! += timeMs;
  }

  /** Adds self weight for frame ids pushed root first; returns the leaf node. */
  addStack(frameIds: ArrayLike<number>, samples: number, timeMs = 0): number {
    let node = 0;
    for (let i = 0; i < frameIds.length; i++) node = this.child(node, frameIds[i]!);
    this.addSelf(node, samples, timeMs);
    return node;
  }

  /** Attributes self weight to one line of a function. */
  addLine(frame: number, line: number, samples: number, timeMs: number | null): void {
    if (line <= 0) return;
    const key = frame * 2 ** 21 + line;
    let l = this.lineMap.get(key);
    if (!l) this.lineMap.set(key, (l = { frame, line, samples: 0, timeMs: this.selfT ? 0 : null }));
    l.samples += samples;
    if (l.timeMs !== null && timeMs !== null) l.timeMs += timeMs;
  }

  get nodeCount(): number {
    return this.size;
  }

  selfSamplesOf(node: number): number {
    return this.selfS[node]!;
  }

  selfTimeOf(node: number): number {
    return this.selfT ? this.selfT[node]! : 0;
  }

  frameOf(node: number): number {
    return this.frame[node]!;
  }

  tree(): StackTree {
    return {
      parent: this.parent.slice(0, this.size),
      frame: this.frame.slice(0, this.size),
      selfSamples: this.selfS.slice(0, this.size),
      selfTime: this.selfT ? this.selfT.slice(0, this.size) : null,
    };
  }

  /** The line weights added so far, one per (frame, line). */
  lineWeights(): LineWeight[] {
    return [...this.lineMap.values()];
  }

  /** `sampleType`: set for heap profiles, whose sample weights are bytes or objects. */
  finish(name: string, hasSamples: boolean, durationMs: number | null, sampleType?: SampleType): Profile {
    const input: SampledProfileInput = {
      name,
      sampleType,
      frames: this.frames,
      tree: this.tree(),
      lines: this.lineWeights(),
      hasSamples,
      durationMs,
    };
    return buildSampledProfile(input);
  }

  private grow(): void {
    const cap = this.parent.length * 2;
    const p = new Int32Array(cap);
    p.set(this.parent);
    this.parent = p;
    const f = new Int32Array(cap);
    f.set(this.frame);
    this.frame = f;
    const s = new Float64Array(cap);
    s.set(this.selfS);
    this.selfS = s;
    if (this.selfT) {
      const t = new Float64Array(cap);
      t.set(this.selfT);
      this.selfT = t;
    }
  }
}

/**
 * Re-keys a sampled profile's frames (e.g. after source mapping, when two generated positions
 * land on one original function) and merges nodes that became identical.
 */
export function remapProfile(
  p: Profile,
  mapFrame: (f: Frame, index: number) => Frame,
  mapLine?: (frame: Frame, line: number) => number,
): Profile {
  if (!p.tree) return p;
  const b = new StackTreeBuilder(p.hasTime);
  const mapped = p.frames.map((f, i) => mapFrame(f, i));
  const newFrame = mapped.map((f) => b.frameId(f));
  const merged = newFrame.some((id, i) => id !== i);
  if (merged) copyTreeInto(b, p, newFrame);
  for (const l of p.lines) {
    const line = mapLine ? mapLine(p.frames[l.frame]!, l.line) : l.line;
    b.addLine(newFrame[l.frame]!, line, l.samples, l.timeMs);
  }
  if (merged) return b.finish(p.name, p.hasSamples, p.durationMs, p.sampleType);
  // No two frames became one (a profile without source maps, or one map per function): the tree
  // and every per-frame statistic stand as they are, so only the frames' names and places change.
  return {
    ...p,
    frames: mapped,
    functions: p.functions.map((fn) => {
      const fr = mapped[fn.frame]!;
      return { ...fn, name: fr.name, file: fr.file, line: fr.line, column: fr.column };
    }),
    lines: b.lineWeights(),
  };
}

/** Sums several sampled profiles (threads, or profiles of one file) into one. */
export function mergeProfiles(profiles: Profile[], name: string): Profile {
  if (profiles.length === 1) return profiles[0]!;
  const hasTime = profiles.every((p) => p.hasTime);
  const type = profiles[0]!.sampleType;
  if (profiles.some((p) => p.sampleType?.type !== type?.type || p.sampleType?.unit !== type?.unit))
    throw new Error('profiles of different sample types (CPU, bytes, objects) cannot be summed');
  const b = new StackTreeBuilder(hasTime);
  let duration: number | null = null;
  for (const p of profiles) {
    if (!p.tree) throw new Error('flat profiles cannot be merged with others');
    const newFrame = p.frames.map((f) => b.frameId(f));
    copyTreeInto(b, p, newFrame);
    for (const l of p.lines) b.addLine(newFrame[l.frame]!, l.line, l.samples, l.timeMs);
    if (p.durationMs !== null) duration = Math.max(duration ?? 0, p.durationMs);
  }
  return b.finish(
    name,
    profiles.every((p) => p.hasSamples),
    duration,
    type,
  );
}

function copyTreeInto(b: StackTreeBuilder, p: Profile, newFrame: number[]): void {
  const t = p.tree!;
  const nodeMap = new Int32Array(t.parent.length);
  for (let i = 1; i < t.parent.length; i++) {
    const n = b.child(nodeMap[t.parent[i]!]!, newFrame[t.frame[i]!]!);
    nodeMap[i] = n;
    b.addSelf(n, t.selfSamples[i]!, t.selfTime ? t.selfTime[i]! : 0);
  }
}
