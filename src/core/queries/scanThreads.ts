import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileJob, FileOutcome } from './scanFile';

/** One message to a scan worker: files to read and tokenize; the reply is their outcomes, in order. */
export interface ScanBatch {
  maxBytes: number;
  jobs: FileJob[];
}

/**
 * Fewest files a scan must read before it starts threads: below it, starting a thread (~35 ms for
 * the bundle) costs more than the ~0.2 ms a file the calling thread spends on the same work.
 */
export const DEFAULT_THREAD_THRESHOLD = 500;

/** Threads for a large scan: one per core, at most four (past that the disk sets the pace). */
export function defaultScanThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

/** Files per message: enough to make a message's cost small, few enough to share the tail evenly. */
const BATCH = 64;

/** dist/scan-worker.js beside the running bundle (esbuild.mjs builds it), else the TypeScript source under tsx. */
function workerScript(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'scan-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.join(__dirname, 'scanWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };
}

/**
 * How long finished threads wait for the next scan before they end. A thread that stays keeps its
 * compiled code: a scan started within this time pays neither the start-up nor the warm-up again.
 */
const IDLE_MS = 15_000;
/** Idle threads kept at most; more end at once. */
const MAX_IDLE = 4;

const idle: Worker[] = [];
let idleTimer: NodeJS.Timeout | undefined;

function takeThread(): Worker | undefined {
  const kept = idle.pop();
  if (kept) {
    kept.ref();
    return kept;
  }
  let worker: Worker;
  try {
    const script = workerScript();
    worker = new Worker(script.file, { execArgv: script.execArgv });
  } catch {
    return undefined;
  }
  // For its whole life: an error or exit while it waits in the pool only drops it from the pool.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

function endThread(worker: Worker): void {
  void worker.terminate();
}

function returnThread(worker: Worker): void {
  if (idle.length >= MAX_IDLE) return endThread(worker);
  // Idle threads never keep the process alive (a CLI run ends when its work does).
  worker.unref();
  idle.push(worker);
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(endIdleThreads, IDLE_MS);
  idleTimer.unref();
}

/** Ends the threads kept for the next scan (they also end by themselves after IDLE_MS). */
export function endIdleThreads(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  for (const w of idle.splice(0)) endThread(w);
}

/**
 * Reads and tokenizes the files on `threads` worker threads, handing each outcome to `onOutcome`
 * on the calling thread as batches come back. Threads take the next batch as they finish one, so
 * a slow file holds up only its own thread. Returns the jobs no thread could do (a thread that did
 * not start or stopped): the caller reads those itself, so a broken thread costs speed, never results.
 */
export async function scanInThreads(
  jobs: readonly FileJob[],
  maxBytes: number,
  threads: number,
  onOutcome: (job: FileJob, outcome: FileOutcome) => void,
): Promise<{ undone: FileJob[]; threads: number }> {
  let next = 0;
  /** Threads that answered at least one batch. */
  let started = 0;
  const undone: FileJob[] = [];
  /** Sends a thread its next batch; one per started thread. */
  const senders: (() => void)[] = [];
  const runThread = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = takeThread();
      if (!worker) return resolve();
      let answered = false;
      /** Batches sent and not yet answered, oldest first (a worker answers in order). */
      const sent: FileJob[][] = [];
      const send = (): void => {
        if (next >= jobs.length) return;
        const batch = jobs.slice(next, (next = Math.min(jobs.length, next + BATCH)));
        sent.push(batch);
        worker.postMessage({ maxBytes, jobs: batch } satisfies ScanBatch);
      };
      const onMessage = (outcomes: FileOutcome[]): void => {
        if (!answered) started++;
        answered = true;
        const batch = sent.shift()!;
        for (let i = 0; i < batch.length; i++) onOutcome(batch[i]!, outcomes[i]!);
        send();
        if (sent.length === 0) done(true);
      };
      const onFailure = (): void => {
        for (const batch of sent.splice(0)) undone.push(...batch);
        done(false);
      };
      const done = (healthy: boolean): void => {
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onFailure);
        if (healthy) returnThread(worker);
        else endThread(worker);
        resolve();
      };
      worker.on('message', onMessage);
      worker.on('error', onFailure);
      worker.on('exit', onFailure);
      senders.push(() => {
        send();
        if (sent.length === 0) done(true);
      });
    });
  // No more threads than batches: a thread with nothing to read would only cost its start-up.
  const wanted = Math.max(1, Math.min(threads, Math.ceil(jobs.length / BATCH)));
  const running = Array.from({ length: wanted }, runThread);
  // A batch for each thread, then a second each, so a thread never waits for its next one to arrive.
  for (const send of senders) send();
  for (const send of senders) send();
  await Promise.all(running);
  // Files no thread took (every thread failed): the caller reads them too.
  undone.push(...jobs.slice(next));
  return { undone, threads: started };
}
