/**
 * Worker-thread entry (bundled to dist/profile-worker.js): parses and summarises a profile file off
 * the extension host's main thread, so a 100 MB profile never blocks the editor.
 */
import { parentPort } from 'node:worker_threads';
import { loadProfileFile } from './load';
import type { LoadOptions } from './load';
import { summarizeProfile } from './summary';
import type { SummaryOptions } from './summary';
import { errorMessage } from '../util/result';
import type { WorkerReply, WorkerRequest } from './workerClient';

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  const loaded = await loadProfileFile(req.path, req.load);
  if (!loaded.ok) return { ok: false, error: { kind: loaded.error.kind, message: loaded.error.message } };
  if (req.type === 'summarize')
    return { ok: true, type: 'summary', summary: summarizeProfile(loaded.value, req.summary) };
  return { ok: true, type: 'profile', imported: loaded.value };
}

parentPort?.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (reply) => {
      // Typed arrays of the call tree move to the caller instead of being copied.
      const transfer: ArrayBuffer[] = [];
      if (reply.ok && reply.type === 'profile') {
        for (const p of reply.imported.profiles) {
          if (!p.tree) continue;
          for (const a of [p.tree.parent, p.tree.frame, p.tree.selfSamples, p.tree.selfTime])
            if (a) transfer.push(a.buffer as ArrayBuffer);
        }
      }
      parentPort!.postMessage(reply, transfer);
    },
    (e: unknown) =>
      parentPort!.postMessage({
        ok: false,
        error: { kind: 'internal', message: errorMessage(e) },
      } satisfies WorkerReply),
  );
});

export type { LoadOptions, SummaryOptions };
