import * as path from 'node:path';
import type { FunctionStats, Profile } from '../../core/profiler/model';
import { functionWeight, weightUnit } from '../../core/profiler/model';
import { formatBytes, formatShare, plural } from '../../shared/format';

/**
 * Where a loaded profile's time went, per source file: the functions worth a CodeLens and the
 * self-time share of each line. Plain data (no vscode), built once per profile and read per
 * document.
 */

export interface HotSpot {
  /** Index of the function's frame in the profile (what the profile view focuses on). */
  frame: number;
  name: string;
  file: string;
  /** 1-based; 0 when the profile does not say. */
  line: number;
  column: number;
  /** Share (0–1) of the profile's self time spent in this function itself. */
  selfShare: number;
  /** Share (0–1) of the profile's time with this function on the stack. */
  totalShare: number;
  /** Heap profiles: the function's own bytes (or objects). */
  selfAmount?: number;
}

export interface FileHeat {
  /** The file's functions, heaviest self time first. */
  functions: HotSpot[];
  /** 1-based line → share (0–1) of the profile's self time spent on that line. */
  lines: Map<number, number>;
}

export type HotSpotIndex = Map<string, FileHeat>;

/** What a loaded profile's hot spots are measured in: CPU, or heap bytes or objects. */
export type HotSpotUnit = 'cpu' | 'bytes' | 'objects';

export function hotSpotUnit(p: Profile): HotSpotUnit {
  const u = weightUnit(p);
  return u === 'bytes' || u === 'objects' ? u : 'cpu';
}

/** The key a file is looked up by: an absolute, normalised path (case-folded where the file system is). */
export function fileKey(file: string, platform: NodeJS.Platform = process.platform): string {
  const normal = path.resolve(file);
  return platform === 'win32' || platform === 'darwin' ? normal.toLowerCase() : normal;
}

/** Sum of every function's self weight: the denominator of every share. */
export function profileSelfTotal(p: Profile): number {
  let sum = 0;
  for (const f of p.functions) sum += functionWeight(f, 'self');
  return sum;
}

function isSourceFile(file: string): boolean {
  // Frames of node: internals, (program), (garbage collector) and URLs have no file to annotate.
  return file !== '' && path.isAbsolute(file);
}

/** Builds the per-file index; functions of one file with the same name and line are merged. */
export function buildHotSpotIndex(p: Profile): HotSpotIndex {
  const index: HotSpotIndex = new Map();
  const total = profileSelfTotal(p);
  if (total <= 0) return index;
  // A profile has a few hundred files and thousands of frames: resolve each file name once.
  const keys = new Map<string, string>();
  const keyOf = (file: string) => {
    let k = keys.get(file);
    if (k === undefined) keys.set(file, (k = fileKey(file)));
    return k;
  };
  const byKey = new Map<string, HotSpot>();
  const heap = hotSpotUnit(p) !== 'cpu';
  const frameShare = new Map<number, number>();
  for (const f of p.functions) {
    if (!isSourceFile(f.file)) continue;
    const self = functionWeight(f, 'self') / total;
    const tot = functionWeight(f, 'total') / total;
    if (self <= 0 && tot <= 0) continue;
    frameShare.set(f.frame, self);
    const key = `${keyOf(f.file)}\0${f.line}\0${f.name}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.selfShare += self;
      if (seen.selfAmount !== undefined) seen.selfAmount += functionWeight(f, 'self');
      // The same function reached through two frames: its stack time overlaps, so keep the larger.
      seen.totalShare = Math.max(seen.totalShare, tot);
      continue;
    }
    const spot: HotSpot = {
      frame: f.frame,
      name: f.name,
      file: f.file,
      line: f.line,
      column: f.column,
      selfShare: self,
      totalShare: tot,
      ...(heap ? { selfAmount: functionWeight(f, 'self') } : {}),
    };
    byKey.set(key, spot);
    fileHeat(index, keyOf(f.file)).functions.push(spot);
  }
  for (const heat of index.values())
    heat.functions.sort((a, b) => b.selfShare - a.selfShare || b.totalShare - a.totalShare);
  addLineHeat(p, index, total, frameShare, keyOf);
  return index;
}

function fileHeat(index: HotSpotIndex, key: string): FileHeat {
  let heat = index.get(key);
  if (!heat) index.set(key, (heat = { functions: [], lines: new Map() }));
  return heat;
}

/**
 * Line shares from the profile's per-line weights; a function the profile has no line weights for
 * puts its self share on its own first line, so it still shows.
 */
function addLineHeat(
  p: Profile,
  index: HotSpotIndex,
  total: number,
  frameShare: Map<number, number>,
  keyOf: (file: string) => string,
): void {
  const withLines = new Set<number>();
  for (const l of p.lines) {
    const fr = p.frames[l.frame];
    if (!fr || !isSourceFile(fr.file) || l.line <= 0) continue;
    const weight = p.hasTime && l.timeMs !== null ? l.timeMs : l.samples;
    if (weight <= 0) continue;
    withLines.add(l.frame);
    const lines = fileHeat(index, keyOf(fr.file)).lines;
    lines.set(l.line, (lines.get(l.line) ?? 0) + weight / total);
  }
  for (const [frame, share] of frameShare) {
    const fr = p.frames[frame];
    if (withLines.has(frame) || !fr || fr.line <= 0 || share <= 0) continue;
    const lines = fileHeat(index, keyOf(fr.file)).lines;
    lines.set(fr.line, (lines.get(fr.line) ?? 0) + share);
  }
}

/** The functions of a file that earn a CodeLens: self share ≥ min, or total share ≥ five times min. */
export function lensWorthy(heat: FileHeat | undefined, minSelfShare: number): HotSpot[] {
  if (!heat) return [];
  return heat.functions.filter(
    (h) => h.line > 0 && (h.selfShare >= minSelfShare || h.totalShare >= Math.min(1, minSelfShare * 5)),
  );
}

/** "🔥 23.4% self · 41.2% total"; for heap profiles "12.3 MB allocated · 8.0% of sampled heap". */
export function lensTitle(
  h: Pick<HotSpot, 'selfShare' | 'totalShare' | 'selfAmount'>,
  unit: HotSpotUnit = 'cpu',
): string {
  if (unit === 'bytes') return `${formatBytes(h.selfAmount)} allocated · ${formatShare(h.selfShare)} of sampled heap`;
  if (unit === 'objects')
    return `${plural(Math.round(h.selfAmount ?? 0), 'object')} allocated · ${formatShare(h.selfShare)} of sampled heap`;
  return `🔥 ${formatShare(h.selfShare)} self · ${formatShare(h.totalShare)} total`;
}

/** Heat level of a line: 0 none, 1 under 2%, 2 under 10%, 3 from 10% of the profile's self time. */
export type HeatLevel = 0 | 1 | 2 | 3;

export function heatLevel(share: number): HeatLevel {
  if (!(share > 0)) return 0;
  if (share < 0.02) return 1;
  if (share < 0.1) return 2;
  return 3;
}

/** Function statistics a row of the profile view or the Hot Functions view shows. */
export function statsShare(f: FunctionStats, total: number): { self: number; total: number } {
  return total > 0
    ? { self: functionWeight(f, 'self') / total, total: functionWeight(f, 'total') / total }
    : { self: 0, total: 0 };
}
