/**
 * Chrome DevTools / V8 sampling heap profiles (`.heapprofile`, what HeapProfiler.stopSampling
 * returns): a call tree whose nodes carry the bytes of sampled allocations still alive at that
 * call site (`selfSize`), and the samples themselves (`size`, `nodeId`). Two sample types come out
 * of it: inuse_space (bytes, from selfSize) and inuse_objects (sampled objects per site).
 */
import { StackTreeBuilder } from '../builder';
import type { Frame, SampleType } from '../model';
import type { ImportResult } from './types';
import { FormatError, invalid } from './types';
import { errorMessage, ok } from '../../util/result';

export const HEAPPROFILE_SAMPLE_TYPES: SampleType[] = [
  { type: 'inuse_space', unit: 'bytes' },
  { type: 'inuse_objects', unit: 'count' },
];

interface HeapNodeJson {
  id?: unknown;
  callFrame?: { functionName?: unknown; url?: unknown; lineNumber?: unknown; columnNumber?: unknown };
  selfSize?: unknown;
  children?: unknown;
}

export function looksLikeHeapProfile(json: unknown): boolean {
  if (!json || typeof json !== 'object') return false;
  const head = (json as { head?: unknown }).head;
  return !!head && typeof head === 'object' && 'selfSize' in head;
}

function num(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new FormatError(
      `${what} is ${JSON.stringify(v) ?? 'missing'}, not a ${min >= 0 ? 'non-negative ' : ''}number.`,
    );
  return v;
}

function frameOf(node: HeapNodeJson, where: string): Frame {
  const cf = node.callFrame;
  if (!cf || typeof cf !== 'object') throw new FormatError(`${where} has no "callFrame" object.`);
  if (typeof cf.functionName !== 'string') throw new FormatError(`${where}'s callFrame has no "functionName" string.`);
  if (typeof cf.url !== 'string') throw new FormatError(`${where}'s callFrame has no "url" string.`);
  const line = num(cf.lineNumber, `${where}'s callFrame lineNumber`);
  const column = num(cf.columnNumber, `${where}'s callFrame columnNumber`);
  return {
    name: cf.functionName || '(anonymous)',
    file: cf.url,
    line: line >= 0 ? Math.floor(line) + 1 : 0,
    column: column >= 0 ? Math.floor(column) + 1 : 0,
  };
}

/**
 * Imports a parsed .heapprofile, weighing by `sampleType` (inuse_space by default). The head is the
 * synthetic "(root)"; nodes are walked without recursion, so depth costs no stack.
 */
export function importHeapProfile(json: unknown, sampleType?: string, label?: string): ImportResult {
  const chosen = HEAPPROFILE_SAMPLE_TYPES.find((t) => t.type === (sampleType ?? 'inuse_space'));
  if (!chosen)
    return invalid(
      'heapprofile',
      `it has no sample type "${sampleType}" (a .heapprofile has ${HEAPPROFILE_SAMPLE_TYPES.map((t) => t.type).join(', ')}).`,
    );
  try {
    return build(json, chosen, label);
  } catch (e) {
    if (e instanceof FormatError) return invalid('heapprofile', e.message);
    throw new Error(errorMessage(e));
  }
}

function build(json: unknown, chosen: SampleType, label: string | undefined): ImportResult {
  if (!looksLikeHeapProfile(json)) throw new FormatError('it has no "head" node with a "selfSize".');
  const root = (json as { head: HeapNodeJson }).head;
  const rawSamples = (json as { samples?: unknown }).samples;
  if (rawSamples !== undefined && !Array.isArray(rawSamples)) throw new FormatError('"samples" is not a list.');
  const byObjects = chosen.type === 'inuse_objects';
  if (byObjects && rawSamples === undefined)
    throw new FormatError('it has no "samples", so it cannot be weighed by inuse_objects; use inuse_space.');
  // First pass: every node's builder node, by its id.
  const b = new StackTreeBuilder(false);
  const nodeOf = new Map<number, number>();
  const work: { node: unknown; parent: number; path: string }[] = [{ node: root, parent: 0, path: 'the head node' }];
  let isHead = true;
  while (work.length > 0) {
    const { node, parent, path } = work.pop()!;
    if (!node || typeof node !== 'object') throw new FormatError(`${path} is not an object.`);
    const n = node as HeapNodeJson;
    const id = num(n.id, `${path}'s id`);
    if (nodeOf.has(id)) throw new FormatError(`node id ${id} appears twice.`);
    const selfSize = num(n.selfSize, `node ${id}'s selfSize`, 0);
    const where = `node ${id}`;
    const children = n.children ?? [];
    if (!Array.isArray(children)) throw new FormatError(`${where}'s "children" is not a list.`);
    let bnode = 0;
    if (!isHead) {
      const frame = frameOf(n, where);
      const f = b.frameId(frame);
      bnode = b.child(parent, f);
      if (!byObjects && selfSize > 0) {
        b.addSelf(bnode, selfSize);
        b.addLine(f, frame.line, selfSize, null);
      }
    } else if (typeof n.callFrame !== 'object' || n.callFrame === null) {
      throw new FormatError('the head node has no "callFrame" object.');
    }
    isHead = false;
    nodeOf.set(id, bnode);
    for (let k = children.length - 1; k >= 0; k--)
      work.push({ node: children[k], parent: bnode, path: `child ${k} of ${where}` });
  }
  let count = 0;
  let orphans = 0;
  for (const [i, s] of ((rawSamples ?? []) as unknown[]).entries()) {
    if (!s || typeof s !== 'object') throw new FormatError(`sample ${i} is not an object.`);
    const sample = s as { size?: unknown; nodeId?: unknown };
    num(sample.size, `sample ${i}'s size`, 0);
    const nodeId = num(sample.nodeId, `sample ${i}'s nodeId`);
    const bnode = nodeOf.get(nodeId);
    // V8 can list a sample whose call site it has already pruned from the tree: left out, counted.
    if (bnode === undefined) {
      orphans++;
      continue;
    }
    count++;
    if (byObjects && bnode > 0) {
      b.addSelf(bnode, 1);
      const f = b.frameOf(bnode);
      b.addLine(f, b.frames[f]!.line, 1, null);
    }
  }
  const profile = b.finish(label ?? 'heap profile', true, null, chosen);
  const warnings: string[] = [];
  if (rawSamples === undefined)
    warnings.push('The file has no "samples" list (an older V8), so only inuse_space is available.');
  if (orphans > 0)
    warnings.push(
      `${orphans} of ${orphans + count} samples refer to call sites that are not in the tree; they are left out of inuse_objects.`,
    );
  if (byObjects && count === 0 && orphans > 0)
    throw new FormatError(`none of its ${orphans} samples refers to a node in the tree.`);
  return ok({
    format: 'heapprofile',
    profiles: [profile],
    activeIndex: 0,
    sampleTypes: rawSamples === undefined ? [HEAPPROFILE_SAMPLE_TYPES[0]!] : HEAPPROFILE_SAMPLE_TYPES,
    warnings,
  });
}
