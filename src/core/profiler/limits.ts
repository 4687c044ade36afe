/**
 * How much of a profile PerfLens reads: one size limit, on the bytes after decompression, that also
 * bounds what they decode into (pprof records) and the memory the profile worker may use. A file
 * past it is refused with a message naming the limit and how to raise it.
 */
import { formatBytes } from '../../shared/format';
import { fail } from '../util/result';
import type { Failure } from '../util/result';

export const DEFAULT_MAX_PROFILE_MB = 256;
/** JSON profiles become one string, and V8 strings stop at about 512 MB. */
export const MAX_PROFILE_MB = 512;
const MB = 1024 * 1024;

export const RAISE_PROFILE_LIMIT =
  'If it is a real profile, raise the limit: the perflens.profile.maxSizeMb setting in the editor, --max-profile-size on the command line.';

export function profileLimitBytes(maxBytes: number | undefined): number {
  return maxBytes !== undefined && maxBytes > 0 ? maxBytes : DEFAULT_MAX_PROFILE_MB * MB;
}

/** pprof samples, locations and functions together: one per 128 bytes of the limit (2 million at 256 MB). */
export function pprofRecordLimit(maxBytes: number): number {
  return Math.floor(maxBytes / 128);
}

/** The profile worker's heap: eight times the size limit, at least 1 GB (a JSON profile parses to several times its size). */
export function workerHeapLimitMb(maxBytes: number): number {
  return Math.max(1024, Math.ceil((8 * maxBytes) / MB));
}

export function profileLimitText(maxBytes: number): string {
  return `the ${formatBytes(maxBytes)} limit for profiles`;
}

/** A refusal that names what is too large, the limit (in `problem`), and how to raise it. */
export function tooLarge(subject: string, problem: string): { ok: false; error: Failure<'too-large'> } {
  return fail('too-large', `${subject} ${problem}; PerfLens stopped reading it. ${RAISE_PROFILE_LIMIT}`);
}
