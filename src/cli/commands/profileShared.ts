import * as path from 'node:path';
import type { CliIO } from '../io';
import type { ParsedArgs } from '../args';
import { sizeMbFlag } from '../args';
import { MAX_PROFILE_MB } from '../../core/profiler/limits';
import type { ImportedProfile } from '../../core/profiler/formats/types';
import { loadProfileFile } from '../../core/profiler/load';
import type { LoadOptions } from '../../core/profiler/load';
import { UserError } from '../../core/util/result';

/** Loads a profile file for a CLI command; unreadable or invalid files are usage errors (exit 2). */
export async function loadForCli(file: string, io: CliIO, opts: LoadOptions = {}): Promise<ImportedProfile> {
  const abs = path.resolve(io.cwd, file);
  const r = await loadProfileFile(abs, { roots: [io.cwd, path.dirname(abs)], ...opts });
  if (!r.ok) throw new UserError(r.error.message);
  return r.value;
}

/** The flag that raises the profile size limit, shared by every command that reads a profile. */
export const PROFILE_SIZE_FLAG = 'max-profile-size';
export const PROFILE_SIZE_USAGE = `  --max-profile-size SIZE  largest profile read, after decompression (default 256MB, at most ${MAX_PROFILE_MB}MB)`;

/** --max-profile-size as LoadOptions.maxBytes (undefined: the default limit). */
export function profileSizeLimit(args: ParsedArgs): { maxBytes?: number } {
  const mb = sizeMbFlag(args, PROFILE_SIZE_FLAG, { min: 1, max: MAX_PROFILE_MB });
  return mb === undefined ? {} : { maxBytes: Math.floor(mb * 1024 * 1024) };
}

/** A function's place for humans: file:line relative to the working folder when inside it. */
export function fmtLocation(file: string, line: number, cwd: string): string {
  if (!file) return '';
  const rel = path.isAbsolute(file) && file.startsWith(cwd + path.sep) ? path.relative(cwd, file) : file;
  return line > 0 ? `${rel}:${line}` : rel;
}

export function table(rows: string[][], rightAligned: number[] = []): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          i === r.length - 1 ? c : rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
        )
        .join('  '),
    )
    .join('\n');
}

/**
 * The two sections of a diff (what got worse, what got better): each a titled table whose first
 * row is the header, or "TITLE: none" when it has no rows, each after a blank line.
 */
export function printDiffSections<T>(
  io: CliIO,
  sections: readonly (readonly [title: string, list: readonly T[]])[],
  header: string[],
  row: (item: T) => string[],
  rightAligned: number[],
): void {
  for (const [title, list] of sections) {
    io.out('');
    if (list.length === 0) {
      io.out(`${title}: none`);
      continue;
    }
    io.out(`${title}:`);
    io.out(table([header, ...list.map(row)], rightAligned));
  }
}

export function parsePositiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`--${flag} must be a whole number above 0, not "${text}".`);
  return n;
}
