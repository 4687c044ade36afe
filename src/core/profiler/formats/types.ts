import type { Profile, SampleType } from '../model';
import type { Result } from '../../util/result';
import { fail } from '../../util/result';

export type ProfileFormat = 'cpuprofile' | 'speedscope' | 'folded' | 'pprof' | 'pstats' | 'heapprofile';

export const FORMAT_LABELS: Record<ProfileFormat, string> = {
  cpuprofile: 'V8 .cpuprofile',
  speedscope: 'speedscope JSON',
  folded: 'folded stacks',
  pprof: 'pprof',
  pstats: 'Python pstats',
  heapprofile: 'V8 .heapprofile',
};

/** What one file holds: one or more profiles (speedscope files and threads carry several). */
export interface ImportedProfile {
  format: ProfileFormat;
  profiles: Profile[];
  /** The profile the file itself marks as the one to show first. */
  activeIndex: number;
  /**
   * Heap profiles: every sample type the file offers (a selector re-imports with another), the
   * profiles carry the chosen one as `sampleType`. Absent for CPU profiles.
   */
  sampleTypes?: SampleType[];
  /** Things skipped on the way (bad lines, unknown frames), in words a user can read. */
  warnings: string[];
}

/** 'too-large': past the size limit (see limits.ts); 'empty': a valid file whose profile has no samples. */
export type ImportFailureKind = 'unrecognized' | 'invalid' | 'too-large' | 'empty';
export type ImportResult = Result<ImportedProfile, ImportFailureKind>;

/** A failure naming the format and what is wrong with the file. */
export function invalid(
  format: ProfileFormat,
  problem: string,
): { ok: false; error: { kind: 'invalid'; message: string } } {
  return fail('invalid', `Not a valid ${FORMAT_LABELS[format]} file: ${problem}`);
}

/** Thrown inside a parser and turned into an `invalid` result at its boundary. */
export class FormatError extends Error {}
