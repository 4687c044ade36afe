import { StackTreeBuilder } from '../builder';
import type { ImportResult } from './types';
import { invalid } from './types';
import { ok } from '../../util/result';

/** Text of a file, honouring a UTF-8 or UTF-16 (LE/BE) byte-order mark. */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return bytes.toString('utf8', 3);
  return bytes.toString('utf8');
}

/** `name (file:line)` as py-spy writes frames; perf and async-profiler frames are bare names. */
const PY_SPY_FRAME = /^(.*) \((.+):(\d+)\)$/;

/** A folded-stacks line: frames separated by ';', a space, then a non-negative count. */
const FOLDED_LINE = /^(.+?)\s+(\d+(?:\.\d+)?)\s*$/;

export function looksLikeFolded(text: string): boolean {
  let checked = 0;
  let good = 0;
  for (const raw of text.slice(0, 64 * 1024).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('//')) continue;
    if (++checked > 20) break;
    if (FOLDED_LINE.test(line)) good++;
  }
  return good > 0 && good * 2 >= Math.min(checked, 20);
}

/**
 * Imports folded ("collapsed") stacks: py-spy raw, perf via stackcollapse, async-profiler.
 * Comment lines (# or //) and lines that are not `stack count` are skipped and counted.
 * py-spy frames `fn (file.py:12)` become one function per (fn, file) with per-line self weight.
 */
export function importFolded(text: string, name = 'folded stacks'): ImportResult {
  const b = new StackTreeBuilder(false);
  // Raw frame text → frame id and the line it names (py-spy), so each distinct text is parsed once.
  const frameCache = new Map<string, { id: number; line: number }>();
  const pyFunctions = new Map<string, number>();
  let bad = 0;
  let comments = 0;
  let stacks = 0;
  let total = 0;
  // The previous stack line: where each of its frames ends (offset in the line), the node it
  // reached, the line it names. Offsets stay valid for a reused prefix, which is identical text.
  let prevDepth = 0;
  const prevFrameEnd: number[] = [];
  const prevNode: number[] = [];
  const prevLine: number[] = [];
  const prevRaw: string[] = [];
  let start = 0;
  const len = text.length;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = len;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const lineStart = start;
    start = end + 1;
    if (stop === lineStart) continue;
    const first = text.charCodeAt(lineStart);
    if (first === 35 /* # */ || (first === 47 /* / */ && text.charCodeAt(lineStart + 1) === 47)) {
      comments++;
      continue;
    }
    const space = text.lastIndexOf(' ', stop - 1);
    if (space <= lineStart) {
      bad++;
      continue;
    }
    const count = Number(text.slice(space + 1, stop));
    if (!(count >= 0) || count === Infinity || space + 1 === stop) {
      bad++;
      continue;
    }
    let fe = space;
    while (fe > lineStart && text.charCodeAt(fe - 1) === 32) fe--;
    // Folded files are usually sorted, so a line shares a prefix of frames with the one before:
    // reuse those tree nodes instead of slicing and hashing the same frame names again.
    // Compare frame by frame with the native startsWith rather than character by character.
    let depth = 0;
    while (depth < prevDepth) {
      const from = depth === 0 ? 0 : prevFrameEnd[depth - 1]! + 1;
      const to = prevFrameEnd[depth]!;
      const at = lineStart + to;
      if (at > fe || (at < fe && text.charCodeAt(at) !== 59) || !text.startsWith(prevRaw[depth]!, lineStart + from))
        break;
      depth++;
    }
    let node = depth > 0 ? prevNode[depth - 1]! : 0;
    let fs = depth > 0 ? lineStart + prevFrameEnd[depth - 1]! + 1 : lineStart;
    while (fs < fe) {
      let semi = text.indexOf(';', fs);
      if (semi < 0 || semi > fe) semi = fe;
      if (semi > fs) {
        const raw = text.slice(fs, semi);
        let entry = frameCache.get(raw);
        if (!entry) {
          const m = PY_SPY_FRAME.exec(raw);
          if (m) {
            const fnKey = `${m[1]}\u0000${m[2]}`;
            const line = Number(m[3]);
            let id = pyFunctions.get(fnKey);
            if (id === undefined)
              pyFunctions.set(fnKey, (id = b.frameId({ name: m[1]!, file: m[2]!, line, column: 0 })));
            // The function's line is the lowest line seen in it: the closest we get to its definition.
            const fr = b.frames[id]!;
            if (line < fr.line) b.frames[id] = { ...fr, line };
            entry = { id, line };
          } else {
            entry = { id: b.frameId({ name: raw, file: '', line: 0, column: 0 }), line: 0 };
          }
          frameCache.set(raw, entry);
        }
        node = b.child(node, entry.id);
        prevFrameEnd[depth] = semi - lineStart;
        prevNode[depth] = node;
        prevLine[depth] = entry.line;
        prevRaw[depth] = raw;
        depth++;
      }
      fs = semi + 1;
    }
    prevDepth = depth;
    if (depth === 0) {
      bad++;
      continue;
    }
    stacks++;
    total += count;
    b.addSelf(node, count);
    const leafLine = prevLine[depth - 1]!;
    if (leafLine > 0) b.addLine(b.frameOf(node), leafLine, count, null);
  }
  if (stacks === 0)
    return invalid(
      'folded',
      bad > 0 ? `none of its ${bad} non-comment lines look like "frame;frame;frame count".` : 'it contains no stacks.',
    );
  if (!Number.isFinite(total)) return invalid('folded', 'its counts add up to a number too large to represent.');
  const warnings: string[] = [];
  if (bad > 0) warnings.push(`Skipped ${bad} line${bad === 1 ? ' that is' : 's that are'} not "frame;frame count".`);
  if (comments > 0) warnings.push(`Ignored ${comments} comment line${comments === 1 ? '' : 's'}.`);
  const profile = b.finish(name, true, null);
  return ok({ format: 'folded', profiles: [profile], activeIndex: 0, warnings });
}
