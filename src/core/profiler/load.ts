import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProfile } from './formats/index';
import type { ImportOptions } from './formats/index';
import type { ImportedProfile, ImportFailureKind } from './formats/types';
import { profileLimitBytes, profileLimitText, tooLarge } from './limits';
import { SourceMapResolver } from './sourcemaps';
import type { Result } from '../util/result';
import { fail, fileErrorReason, ok } from '../util/result';
import { readUserFile, UserFileError } from '../util/userFile';
import { formatBytes } from '../../shared/format';

export interface LoadOptions extends ImportOptions {
  /** Map frames through source maps and resolve files (default true). */
  sourceMaps?: boolean;
  /** Folders relative file names are resolved against. */
  roots?: string[];
}

/**
 * Reads a profile file, imports it and maps its frames to original sources: the one entry point
 * the CLI, the worker and the extension share.
 */
export async function loadProfileFile(
  file: string,
  opts: LoadOptions = {},
): Promise<Result<ImportedProfile, 'read' | ImportFailureKind>> {
  const maxBytes = profileLimitBytes(opts.maxBytes);
  let bytes: Buffer;
  try {
    bytes = (await readUserFile(file, { maxBytes, what: 'profile' })).bytes;
  } catch (e) {
    if (e instanceof UserFileError && e.kind === 'too-large') {
      const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      return tooLarge(
        path.basename(file),
        `is ${size > maxBytes ? `${formatBytes(size)}, ` : ''}more than ${profileLimitText(maxBytes)}`,
      );
    }
    return fail('read', `Cannot read ${file}: ${fileErrorReason(e)}.`);
  }
  const r = importProfile(bytes, path.basename(file), opts);
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
