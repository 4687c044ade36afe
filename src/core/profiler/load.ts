import * as path from 'node:path';
import { importProfile } from './formats/index';
import type { ImportOptions, ImportResult } from './formats/index';
import type { ImportedProfile, ImportFailureKind } from './formats/types';
import { ProfileFile } from './profileFile';
import type { ProfileFileOptions } from './profileFile';
import { SourceMapResolver } from './sourcemaps';
import type { Result } from '../util/result';
import { fail, fileErrorReason, ok } from '../util/result';
import { UserFileError } from '../util/userFile';

export interface LoadOptions extends ImportOptions {
  /** Map frames through source maps and resolve files (default true). */
  sourceMaps?: boolean;
  /** Folders relative file names are resolved against. */
  roots?: string[];
}

/**
 * Reads a profile file and imports it: the file is read as its format needs (a .cpuprofile is
 * scanned through a small window, never held whole), its size checked against the limit before any
 * byte is read. A failure to read it, or a file that changes while it is read, is a 'read' failure.
 */
export function importProfileFile(
  file: string,
  opts: ImportOptions = {},
  fileOpts: ProfileFileOptions = {},
): Result<ImportedProfile, 'read' | ImportFailureKind> {
  let input: ProfileFile | undefined;
  let r: ImportResult;
  try {
    input = new ProfileFile(file, fileOpts);
    r = importProfile(input, path.basename(file), opts);
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    return fail('read', `Cannot read ${file}: ${fileErrorReason(e)}.`);
  } finally {
    input?.close();
  }
  return r;
}

/**
 * Reads a profile file, imports it and maps its frames to original sources: the one entry point
 * the CLI, the worker and the extension share.
 */
export async function loadProfileFile(
  file: string,
  opts: LoadOptions = {},
): Promise<Result<ImportedProfile, 'read' | ImportFailureKind>> {
  const r = importProfileFile(file, opts);
  if (!r.ok || opts.sourceMaps === false) return r;
  const resolver = new SourceMapResolver({ roots: opts.roots ?? [path.dirname(path.resolve(file))] });
  try {
    const profiles = await Promise.all(r.value.profiles.map((p) => resolver.mapProfile(p)));
    const warnings = [...r.value.warnings, ...resolver.problems];
    return ok({ ...r.value, profiles, warnings });
  } finally {
    resolver.dispose();
  }
}
