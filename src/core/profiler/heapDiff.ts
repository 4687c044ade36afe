/**
 * What grows between two heap profiles of one program: in-use (or allocated) weight per allocation
 * site, the function and line that allocated, compared as absolute amounts. Heap weights are not
 * shares of a fixed budget as CPU time is, so growth is measured in bytes (or objects), not in
 * percentage points.
 */
import type { Profile } from './model';
import { weightUnit } from './model';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';

/** One allocation site in both profiles. */
export interface SiteGrowth {
  name: string;
  file: string;
  /** The allocating line (Go), or the function's line where the format has no finer place (V8). */
  line: number;
  before: number;
  after: number;
  /** after − before, in the profiles' unit. */
  growth: number;
  /** The site's share of the second profile's total (0–1). */
  afterShare: number;
}

export interface HeapDiff {
  sampleType: string;
  unit: 'bytes' | 'objects';
  before: { total: number };
  after: { total: number };
  /** The smallest growth counted as growing (see HeapDiffOptions). */
  threshold: number;
  /** Sites that grew by at least the threshold, most growth first. */
  growing: SiteGrowth[];
  /** Sites that shrank by at least the threshold, most shrinkage first. */
  shrinking: SiteGrowth[];
}

export interface HeapDiffOptions {
  /** Smallest growth to report, in the unit; default the larger of 256 KB (64 objects) and minShare of the total. */
  minGrowth?: number;
  /** Smallest growth as a share of the second profile's total (default 0.01). */
  minShare?: number;
}

const DEFAULT_MIN = { bytes: 256 * 1024, objects: 64 };

function sites(p: Profile | null): Map<string, { name: string; file: string; line: number; w: number }> {
  const out = new Map<string, { name: string; file: string; line: number; w: number }>();
  if (!p) return out;
  const add = (name: string, file: string, line: number, w: number) => {
    if (!(w > 0)) return;
    const key = `${name}\u0000${file}\u0000${line}`;
    const s = out.get(key);
    if (s) s.w += w;
    else out.set(key, { name, file, line, w });
  };
  // Line weights name the allocating line; functions whose weight no line holds keep their own line.
  const onLines = new Float64Array(p.frames.length);
  for (const l of p.lines) {
    const f = p.frames[l.frame]!;
    add(f.name, f.file, l.line, l.samples);
    onLines[l.frame]! += l.samples;
  }
  for (const fn of p.functions) {
    const rest = (fn.selfSamples ?? 0) - onLines[fn.frame]!;
    if (rest > 1e-9 * Math.max(1, fn.selfSamples ?? 0)) add(fn.name, fn.file, fn.line, rest);
  }
  return out;
}

/**
 * Compares two heap profiles by allocation site. `before` may be null (nothing sampled yet: every
 * site of `after` is growth). Both must weigh the same sample type.
 */
export function diffHeapProfiles(
  before: Profile | null,
  after: Profile,
  opts: HeapDiffOptions = {},
): Result<HeapDiff, 'mismatch'> {
  const unit = weightUnit(after);
  if (unit !== 'bytes' && unit !== 'objects')
    return fail('mismatch', 'The second profile is a CPU profile; a heap diff compares two heap profiles.');
  if (before && before.sampleType?.type !== after.sampleType!.type)
    return fail(
      'mismatch',
      `The profiles weigh different things (${before.sampleType ? before.sampleType.type : 'CPU'} and ${after.sampleType!.type}); compare two heap profiles of one sample type (--sample-type).`,
    );
  const a = sites(after);
  const b = sites(before);
  const afterTotal = after.sampleCount;
  const threshold = Math.max(opts.minGrowth ?? DEFAULT_MIN[unit], (opts.minShare ?? 0.01) * afterTotal);
  const all: SiteGrowth[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = b.get(key);
    const y = a.get(key);
    const s = (y ?? x)!;
    const growth = (y?.w ?? 0) - (x?.w ?? 0);
    all.push({
      name: s.name,
      file: s.file,
      line: s.line,
      before: x?.w ?? 0,
      after: y?.w ?? 0,
      growth,
      afterShare: afterTotal > 0 ? (y?.w ?? 0) / afterTotal : 0,
    });
  }
  const byName = (p: SiteGrowth, q: SiteGrowth) => p.name.localeCompare(q.name) || p.line - q.line;
  return ok({
    sampleType: after.sampleType!.type,
    unit,
    before: { total: before?.sampleCount ?? 0 },
    after: { total: afterTotal },
    threshold,
    growing: all.filter((s) => s.growth >= threshold).sort((p, q) => q.growth - p.growth || byName(p, q)),
    shrinking: all.filter((s) => -s.growth >= threshold).sort((p, q) => p.growth - q.growth || byName(p, q)),
  });
}
