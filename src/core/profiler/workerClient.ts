import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImportedProfile } from './formats/types';
import type { LoadOptions } from './load';
import { profileLimitBytes, RAISE_PROFILE_LIMIT, workerHeapLimitMb } from './limits';
import type { ProfileSummary, SummaryOptions } from './summary';
import type { Failure, Result } from '../util/result';
import { fail, ok } from '../util/result';

export type WorkerRequest =
  | { type: 'summarize'; path: string; load?: LoadOptions; summary?: SummaryOptions }
  | { type: 'load'; path: string; load?: LoadOptions };

export type WorkerReply =
  | { ok: true; type: 'summary'; summary: ProfileSummary }
  | { ok: true; type: 'profile'; imported: ImportedProfile }
  | { ok: false; error: Failure };

/**
 * The worker script: dist/profile-worker.js beside the running bundle (esbuild.mjs builds it), or
 * the TypeScript source with tsx when running from source (tests, tsx).
 */
export function workerScript(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'profile-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.join(__dirname, 'worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
}

const CANCELLED: WorkerReply = {
  ok: false,
  error: { kind: 'cancelled', message: 'Loading the profile was cancelled.' },
};

export interface WorkerOptions {
  signal?: AbortSignal;
  /** The worker's heap limit in MB; default from the profile size limit (see limits.ts). */
  heapLimitMb?: number;
}

/**
 * Runs one request on a fresh worker whose heap is capped: a profile that needs more memory ends
 * the worker with ERR_WORKER_OUT_OF_MEMORY, which becomes a failure here, never a crash of the
 * process (the extension host) that started it.
 */
function run(req: WorkerRequest, opts: WorkerOptions): Promise<WorkerReply> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.resolve(CANCELLED);
  const { file, execArgv } = workerScript();
  const heapMb = opts.heapLimitMb ?? workerHeapLimitMb(profileLimitBytes(req.load?.maxBytes));
  return new Promise((resolve) => {
    const worker = new Worker(file, { execArgv, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    let settled = false;
    const finish = (r: WorkerReply) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const onAbort = () => finish(CANCELLED);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: WorkerReply) => finish(m));
    worker.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish({
          ok: false,
          error: {
            kind: 'too-large',
            message: `Reading ${path.basename(req.path)} needed more than the ${heapMb} MB of memory the profile reader may use, so it was stopped. ${RAISE_PROFILE_LIMIT} (the reader may use eight times the limit, at least 1 GB).`,
          },
        });
      } else finish({ ok: false, error: { kind: 'internal', message: `The profile worker failed: ${e.message}` } });
    });
    worker.once('exit', (code) =>
      finish({
        ok: false,
        error: { kind: 'internal', message: `The profile worker exited (code ${code}) before answering.` },
      }),
    );
    worker.postMessage(req);
  });
}

/** Summarises a profile file on a worker thread (the caller's event loop stays free). */
export async function summarizeInWorker(
  file: string,
  opts: WorkerOptions & { load?: LoadOptions; summary?: SummaryOptions } = {},
): Promise<Result<ProfileSummary>> {
  const r = await run({ type: 'summarize', path: file, load: opts.load, summary: opts.summary }, opts);
  if (!r.ok) return fail(r.error.kind, r.error.message);
  return r.type === 'summary' ? ok(r.summary) : fail('internal', 'The profile worker answered with the wrong reply.');
}

/** Imports (and source-maps) a profile file on a worker thread; the call tree arrays are transferred, not copied. */
export async function loadProfileInWorker(
  file: string,
  opts: WorkerOptions & { load?: LoadOptions } = {},
): Promise<Result<ImportedProfile>> {
  const r = await run({ type: 'load', path: file, load: opts.load }, opts);
  if (!r.ok) return fail(r.error.kind, r.error.message);
  return r.type === 'profile' ? ok(r.imported) : fail('internal', 'The profile worker answered with the wrong reply.');
}
