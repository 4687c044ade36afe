/**
 * What a V8 heap snapshot holds, by what keeps it alive: the dominator tree of the object graph
 * (Cooper–Harvey–Kennedy's iterative algorithm over a depth-first postorder, weak edges left out),
 * retained sizes from it, retained size per constructor (an object inside another of its own
 * class counts once, through the outer one), and the largest retainers.
 */
import type { RawSnapshot } from './reader';
import { readHeapSnapshot, SnapshotFormatError } from './reader';
import type { Result } from '../../util/result';
import { fail, ok } from '../../util/result';
import { UserFileError } from '../../util/userFile';
import { profileLimitBytes, profileLimitText, tooLarge } from '../limits';
import { formatBytes } from '../../../shared/format';
import * as path from 'node:path';

export interface ConstructorRow {
  name: string;
  count: number;
  selfSize: number;
  retainedSize: number;
}

export interface RetainerRow {
  id: number;
  name: string;
  className: string;
  selfSize: number;
  retainedSize: number;
}

export interface HeapSnapshotSummary {
  nodeCount: number;
  edgeCount: number;
  /** Sum of every reachable object's own size. */
  totalSize: number;
  byConstructor: ConstructorRow[];
  largest: RetainerRow[];
}

const NO = 0xffffffff;

/** The class an object is counted under, as DevTools names it. */
function classNameOf(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'closure':
      return '(closure)';
    case 'code':
      return '(compiled code)';
    case 'hidden':
      return '(system)';
    case 'concatenated string':
    case 'sliced string':
    case 'string':
      return '(string)';
    default:
      return `(${type})`;
  }
}

export function summarizeSnapshot(s: RawSnapshot, opts: { top?: number } = {}): HeapSnapshotSummary {
  const nf = s.meta.node_fields.length;
  const ef = s.meta.edge_fields.length;
  const nType = s.meta.node_fields.indexOf('type');
  const nName = s.meta.node_fields.indexOf('name');
  const nId = s.meta.node_fields.indexOf('id');
  const nSelf = s.meta.node_fields.indexOf('self_size');
  const nEdges = s.meta.node_fields.indexOf('edge_count');
  const eType = s.meta.edge_fields.indexOf('type');
  const eTo = s.meta.edge_fields.indexOf('to_node');
  const nodeTypes = s.meta.node_types[0];
  const edgeTypes = s.meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const N = s.nodeCount;
  const { nodes, edges } = s;
  // First edge of each node: edges are listed node by node.
  const firstEdge = new Uint32Array(N + 1);
  for (let i = 0; i < N; i++) firstEdge[i + 1] = firstEdge[i]! + nodes[i * nf + nEdges]! * ef;
  if (firstEdge[N] !== edges.length)
    throw new SnapshotFormatError(`its nodes list ${firstEdge[N]! / ef} edges; "edges" holds ${edges.length / ef}.`);
  for (let e = eTo; e < edges.length; e += ef) {
    const to = edges[e]!;
    if (to % nf !== 0 || to / nf >= N) throw new SnapshotFormatError(`edge ${(e - eTo) / ef} points at no node.`);
  }
  const strong = (e: number) => edges[e + eType] !== weak;

  // Depth-first postorder from the root (node 0), iteratively.
  const post = new Uint32Array(N).fill(NO); // node → postorder index
  const order = new Uint32Array(N); // postorder index → node
  const visited = new Uint8Array(N);
  const stackNode = new Uint32Array(N);
  const stackEdge = new Uint32Array(N);
  let sp = 0;
  let count = 0;
  stackNode[sp] = 0;
  stackEdge[sp++] = firstEdge[0]!;
  visited[0] = 1;
  while (sp > 0) {
    const n = stackNode[sp - 1]!;
    let e = stackEdge[sp - 1]!;
    const end = firstEdge[n + 1]!;
    let pushed = false;
    for (; e < end; e += ef) {
      if (!strong(e)) continue;
      const to = edges[e + eTo]! / nf;
      if (visited[to]) continue;
      visited[to] = 1;
      stackEdge[sp - 1] = e + ef;
      stackNode[sp] = to;
      stackEdge[sp++] = firstEdge[to]!;
      pushed = true;
      break;
    }
    if (pushed) continue;
    sp--;
    post[n] = count;
    order[count++] = n;
  }

  // Predecessors (strong edges between reachable nodes), in CSR form.
  const predCount = new Uint32Array(N + 1);
  for (let n = 0; n < N; n++) {
    if (post[n] === NO) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += ef)
      if (strong(e)) {
        const to = edges[e + eTo]! / nf;
        if (to !== 0) predCount[to + 1]!++;
      }
  }
  for (let i = 0; i < N; i++) predCount[i + 1]! += predCount[i]!;
  const preds = new Uint32Array(predCount[N]!);
  const fillAt = predCount.slice(0, N);
  for (let n = 0; n < N; n++) {
    if (post[n] === NO) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += ef)
      if (strong(e)) {
        const to = edges[e + eTo]! / nf;
        if (to !== 0) preds[fillAt[to]!++] = post[n]!;
      }
  }

  // Immediate dominators by postorder index (root = count - 1).
  const root = count - 1;
  const idom = new Uint32Array(count).fill(NO);
  idom[root] = root;
  let changed = true;
  while (changed) {
    changed = false;
    for (let b = root - 1; b >= 0; b--) {
      const node = order[b]!;
      let d = NO;
      for (let k = predCount[node]!; k < predCount[node + 1]!; k++) {
        let p = preds[k]!;
        if (idom[p] === NO) continue;
        if (d === NO) {
          d = p;
          continue;
        }
        let q = d;
        while (p !== q) {
          while (p < q) p = idom[p]!;
          while (q < p) q = idom[q]!;
        }
        d = p;
      }
      if (d !== NO && idom[b] !== d) {
        idom[b] = d;
        changed = true;
      }
    }
  }

  // Retained sizes: children come before their dominator in postorder.
  const retained = new Float64Array(count);
  let totalSize = 0;
  for (let b = 0; b < count; b++) {
    const self = nodes[order[b]! * nf + nSelf]!;
    retained[b]! += self;
    totalSize += self;
    if (b !== root && idom[b] !== NO) retained[idom[b]!]! += retained[b]!;
  }

  // Per class: count, self, and retained counted at the outermost object of the class on a dominator path.
  const classIds = new Map<string, number>();
  const classNames: string[] = [];
  const classOf = new Uint32Array(count);
  for (let b = 0; b < count; b++) {
    const n = order[b]!;
    const name = classNameOf(nodeTypes[nodes[n * nf + nType]!] ?? '', s.strings[nodes[n * nf + nName]!] ?? '');
    let id = classIds.get(name);
    if (id === undefined) {
      id = classNames.length;
      classNames.push(name);
      classIds.set(name, id);
    }
    classOf[b] = id;
  }
  const rows = classNames.map((name) => ({ name, count: 0, selfSize: 0, retainedSize: 0 }));
  // Dominator-tree children in CSR form, then a depth-first walk with a per-class "on the path" count.
  const childCount = new Uint32Array(count + 1);
  for (let b = 0; b < count; b++) if (b !== root && idom[b] !== NO) childCount[idom[b]! + 1]!++;
  for (let i = 0; i < count; i++) childCount[i + 1]! += childCount[i]!;
  const children = new Uint32Array(childCount[count]!);
  const at = childCount.slice(0, count);
  for (let b = 0; b < count; b++) if (b !== root && idom[b] !== NO) children[at[idom[b]!]!++] = b;
  const onPath = new Uint32Array(classNames.length);
  const walk = new Int32Array(2 * count + 2);
  let wp = 0;
  walk[wp++] = root + 1;
  while (wp > 0) {
    const entry = walk[--wp]!;
    if (entry < 0) {
      onPath[classOf[-entry - 1]!]!--;
      continue;
    }
    const b = entry - 1;
    const c = classOf[b]!;
    const row = rows[c]!;
    if (b !== root) {
      row.count++;
      row.selfSize += nodes[order[b]! * nf + nSelf]!;
      if (onPath[c] === 0) row.retainedSize += retained[b]!;
    }
    onPath[c]!++;
    walk[wp++] = -(b + 1);
    for (let k = childCount[b]!; k < childCount[b + 1]!; k++) walk[wp++] = children[k]! + 1;
  }
  const top = opts.top ?? 20;
  const byConstructor = rows
    .filter((r) => r.count > 0)
    .sort((a, b) => b.retainedSize - a.retainedSize || b.selfSize - a.selfSize || a.name.localeCompare(b.name))
    .slice(0, top);
  // Largest retainers: real objects (not the synthetic roots), by retained size.
  const synthetic = nodeTypes.indexOf('synthetic');
  const candidates: number[] = [];
  for (let b = 0; b < count; b++) if (b !== root && nodes[order[b]! * nf + nType] !== synthetic) candidates.push(b);
  candidates.sort((x, y) => retained[y]! - retained[x]!);
  const largest = candidates.slice(0, top).map((b) => {
    const n = order[b]!;
    return {
      id: nodes[n * nf + nId]!,
      name: s.strings[nodes[n * nf + nName]!] ?? '',
      className: classNames[classOf[b]!]!,
      selfSize: nodes[n * nf + nSelf]!,
      retainedSize: retained[b]!,
    };
  });
  return { nodeCount: N, edgeCount: s.edgeCount, totalSize, byConstructor, largest };
}

/** Reads and summarises a .heapsnapshot file; failures say what is wrong with it. */
export function summarizeHeapSnapshotFile(
  file: string,
  opts: { top?: number; maxBytes?: number } = {},
): Result<HeapSnapshotSummary, 'invalid' | 'too-large' | 'read'> {
  const name = path.basename(file);
  const maxBytes = profileLimitBytes(opts.maxBytes);
  try {
    return ok(summarizeSnapshot(readHeapSnapshot(file, { maxBytes }), opts));
  } catch (e) {
    if (e instanceof SnapshotFormatError) {
      const m = /^too-large:(\d+)$/.exec(e.message);
      if (m) return tooLarge(name, `is ${formatBytes(Number(m[1]))}, more than ${profileLimitText(maxBytes)}`);
      return fail('invalid', `Not a valid V8 .heapsnapshot file: ${name}: ${e.message}`);
    }
    if (e instanceof UserFileError) return fail('read', e.message);
    if (e instanceof Error && 'code' in e) return fail('read', `Cannot read ${file}: ${e.message}.`);
    throw e;
  }
}
