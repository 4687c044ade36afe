import { mergeProfiles } from './builder';
import type { ImportedProfile, ProfileFormat } from './formats/types';
import type { Profile, SortKey } from './model';
import { linesOf, topFunctions, weightUnit } from './model';

/** One row of `perflens profile summarize --json`. */
export interface SummaryFunction {
  name: string;
  file: string;
  line: number;
  selfMs: number | null;
  totalMs: number | null;
  selfSamples: number | null;
  totalSamples: number | null;
  calls?: number;
  /** Heap profiles in bytes: the function's own and inclusive bytes, and its bytes per line. */
  selfBytes?: number;
  totalBytes?: number;
  /** Heap profiles in objects: the function's own and inclusive sampled objects. */
  selfObjects?: number;
  totalObjects?: number;
  lines?: { line: number; bytes?: number; objects?: number }[];
}

/** What a heap profile's numbers are: the sample type, its unit, the sum over all sites, the types on offer. */
export interface HeapSummary {
  sampleType: string;
  unit: 'bytes' | 'objects';
  total: number;
  sampleTypes: string[];
}

/** The documented JSON shape of `perflens profile summarize --json`. */
export interface ProfileSummary {
  format: ProfileFormat;
  profiles: number;
  samples: number | null;
  durationMs: number | null;
  /** Set for heap profiles (rows then carry bytes or objects, and their sample fields are null). */
  heap: HeapSummary | null;
  functions: SummaryFunction[];
  warnings: string[];
}

export interface SummaryOptions {
  top?: number;
  sort?: SortKey;
  /** Which profile of a multi-profile file: an index, or 'all' (default) to sum them. */
  profile?: number | 'all';
}

/** Rounds to microseconds so JSON output stays readable and stable. */
function ms(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

function samples(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

/**
 * The profile a summary or diff should read: one chosen by index, or all of the file's profiles
 * summed (threads of one process, or several recordings of one program).
 */
export function selectProfile(imp: ImportedProfile, which: number | 'all' = 'all'): Profile {
  if (which !== 'all') {
    const p = imp.profiles[which];
    if (!p)
      throw new RangeError(
        `The file has ${imp.profiles.length} profile${imp.profiles.length === 1 ? '' : 's'}; there is no profile ${which}.`,
      );
    return p;
  }
  return imp.profiles.length === 1 ? imp.profiles[0]! : mergeProfiles(imp.profiles, `${imp.profiles.length} profiles`);
}

export function summarizeProfile(imp: ImportedProfile, opts: SummaryOptions = {}): ProfileSummary {
  const p = selectProfile(imp, opts.profile ?? 'all');
  return { format: imp.format, ...summarizeSelected(p, imp.profiles.length, imp.warnings, opts, imp.sampleTypes) };
}

/** The summary of one profile already chosen (or summed): the editor's loaded profile, a file's. */
export function summarizeSelected(
  p: Profile,
  profiles: number,
  warnings: string[],
  opts: Pick<SummaryOptions, 'top' | 'sort'> = {},
  sampleTypes?: ImportedProfile['sampleTypes'],
): Omit<ProfileSummary, 'format'> {
  const rows = topFunctions(p, opts.top ?? 20, opts.sort ?? 'self');
  const unit = weightUnit(p);
  const heap = unit === 'bytes' || unit === 'objects' ? unit : null;
  return {
    profiles,
    samples: p.hasSamples && !heap ? samples(p.sampleCount) : null,
    durationMs: ms(p.durationMs),
    heap: heap
      ? {
          sampleType: p.sampleType!.type,
          unit: heap,
          total: Math.round(p.sampleCount),
          sampleTypes: (sampleTypes ?? [p.sampleType!]).map((t) => t.type),
        }
      : null,
    functions: rows.map((f) => {
      const row: SummaryFunction = {
        name: f.name,
        file: f.file,
        line: f.line,
        selfMs: ms(f.selfMs),
        totalMs: ms(f.totalMs),
        selfSamples: heap ? null : samples(f.selfSamples),
        totalSamples: heap ? null : samples(f.totalSamples),
      };
      if (f.calls !== undefined) row.calls = f.calls;
      if (heap === 'bytes') {
        row.selfBytes = Math.round(f.selfSamples ?? 0);
        row.totalBytes = Math.round(f.totalSamples ?? 0);
        row.lines = linesOf(p, f.frame).map((l) => ({ line: l.line, bytes: Math.round(l.samples) }));
      } else if (heap === 'objects') {
        row.selfObjects = Math.round(f.selfSamples ?? 0);
        row.totalObjects = Math.round(f.totalSamples ?? 0);
        row.lines = linesOf(p, f.frame).map((l) => ({ line: l.line, objects: Math.round(l.samples) }));
      }
      return row;
    }),
    warnings,
  };
}
