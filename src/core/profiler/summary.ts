import { mergeProfiles } from './builder';
import type { ImportedProfile, ProfileFormat } from './formats/types';
import type { Profile, SortKey } from './model';
import { topFunctions } from './model';

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
}

/** The documented JSON shape of `perflens profile summarize --json`. */
export interface ProfileSummary {
  format: ProfileFormat;
  profiles: number;
  samples: number | null;
  durationMs: number | null;
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
  return { format: imp.format, ...summarizeSelected(p, imp.profiles.length, imp.warnings, opts) };
}

/** The summary of one profile already chosen (or summed): the editor's loaded profile, a file's. */
export function summarizeSelected(
  p: Profile,
  profiles: number,
  warnings: string[],
  opts: Pick<SummaryOptions, 'top' | 'sort'> = {},
): Omit<ProfileSummary, 'format'> {
  const rows = topFunctions(p, opts.top ?? 20, opts.sort ?? 'self');
  return {
    profiles,
    samples: p.hasSamples ? samples(p.sampleCount) : null,
    durationMs: ms(p.durationMs),
    functions: rows.map((f) => {
      const row: SummaryFunction = {
        name: f.name,
        file: f.file,
        line: f.line,
        selfMs: ms(f.selfMs),
        totalMs: ms(f.totalMs),
        selfSamples: samples(f.selfSamples),
        totalSamples: samples(f.totalSamples),
      };
      if (f.calls !== undefined) row.calls = f.calls;
      return row;
    }),
    warnings,
  };
}
