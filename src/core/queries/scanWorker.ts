/**
 * Worker-thread entry (bundled to dist/scan-worker.js): reads and tokenizes batches of a large
 * workspace scan's files with blocking reads, off the caller's thread. See scanThreads.ts.
 */
import { parentPort } from 'node:worker_threads';
import { scanFileSync } from './scanFile';
import type { ScanBatch } from './scanThreads';

parentPort?.on('message', (batch: ScanBatch) => {
  parentPort!.postMessage(batch.jobs.map((job) => scanFileSync(job, batch.maxBytes)));
});
