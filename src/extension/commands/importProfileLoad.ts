import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Profile } from '../../core/profiler/model';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import type { BenchmarkView } from '../../shared/protocol/profile';
import type { ExtensionServices } from '../services';

/** File names PerfLens reads as profiles (what Import Profile… filters on and opening one offers). */
export const PROFILE_FILE_PATTERN =
  /\.(cpuprofile|heapprofile|speedscope\.json|pprof|prof|pb\.gz|pstats|cprofile|folded|collapsed)$|(^|[\\/])[^\\/]*(folded|collapsed|stacks)[^\\/]*\.txt$/i;

export const PROFILE_DIALOG_FILTERS: Record<string, string[]> = {
  'CPU and heap profiles': [
    'cpuprofile',
    'heapprofile',
    'json',
    'pprof',
    'prof',
    'pb',
    'gz',
    'pstats',
    'cprofile',
    'txt',
    'folded',
    'collapsed',
  ],
  'All files': ['*'],
};

/** Folders frames with relative file names (pstats, py-spy, folded) are resolved against. */
function roots(file: string): string[] {
  return [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), path.dirname(file)];
}

/**
 * Reads a profile file on a worker thread (the editor stays responsive on 100 MB files), maps
 * frames through source maps, and sums a file's several profiles (threads) into one.
 */
export async function readProfile(
  file: string,
  opts: { maxSizeMb: number; signal?: AbortSignal; sampleType?: string },
): Promise<Result<{ profile: Profile; warnings: string[]; sampleTypes?: string[] }>> {
  const [{ loadProfileInWorker }, { selectProfile }] = await Promise.all([
    import('../../core/profiler/workerClient'),
    import('../../core/profiler/summary'),
  ]);
  const r = await loadProfileInWorker(file, {
    load: { roots: roots(file), maxBytes: Math.floor(opts.maxSizeMb * 1024 * 1024), sampleType: opts.sampleType },
    signal: opts.signal,
  });
  if (!r.ok) return fail(r.error.kind, r.error.message);
  if (r.value.profiles.length === 0) return fail('empty', `${path.basename(file)} holds no profile.`);
  return ok({
    profile: selectProfile(r.value),
    warnings: r.value.warnings,
    sampleTypes: r.value.sampleTypes?.map((t) => t.type),
  });
}

/** Loads a profile file into the editor: CodeLens, line heat, Hot Functions and the profile view follow. */
export async function loadProfileIntoEditor(
  services: Pick<ExtensionServices, 'settings' | 'code' | 'log'>,
  file: string,
  opts: { label?: string; signal?: AbortSignal; benchmark?: BenchmarkView; sampleType?: string } = {},
): Promise<Result<Profile>> {
  const started = performance.now();
  const r = await readProfile(file, {
    maxSizeMb: services.settings().profileMaxSizeMb,
    signal: opts.signal,
    sampleType: opts.sampleType,
  });
  if (!r.ok) return r;
  const { state } = services.code;
  state.set({
    profile: r.value.profile,
    label: opts.label ?? path.basename(file),
    source: file,
    warnings: r.value.warnings,
    benchmark: opts.benchmark,
    sampleTypes: r.value.sampleTypes,
  });
  services.log.info(
    `profile ${file} loaded in ${(performance.now() - started).toFixed(0)} ms (${r.value.profile.functions.length} functions, ${r.value.warnings.length} warnings)`,
  );
  for (const w of r.value.warnings) services.log.warn(`profile: ${w}`);
  return ok(r.value.profile);
}
