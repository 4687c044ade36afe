import type * as fs from 'node:fs';
import { extractStatements } from './extract';
import type { SourceRead } from './sourceFiles';
import { readSourceFile, readSourceFileSync } from './sourceFiles';
import type { ExtractedStatement, SourceLanguage } from './types';

/** One file for the workspace scan to read, on the calling thread or a worker thread. */
export interface FileJob {
  file: string;
  /** Path relative to the scan root, with `/`: what the statements name. */
  rel: string;
  language: SourceLanguage;
  /** The mtime and size of the cached result: when fstat says the same, the file is not read. */
  known?: { mtimeMs: number; size: number };
}

/** What reading one file came to: plain data, so a worker thread can send it back. */
export type FileOutcome =
  /** Read (and tokenized, when its bytes may hold SQL). */
  | { kind: 'read'; statements: ExtractedStatement[]; mtimeMs: number; size: number }
  /** fstat matched `known`: the cached result stands. */
  | { kind: 'unchanged' }
  /** Gone, not a regular file, or over the size cap. */
  | { kind: 'skipped' }
  | { kind: 'error'; message: string };

function unchangedTest(job: FileJob): ((stat: fs.Stats) => boolean) | undefined {
  const known = job.known;
  return known && ((stat) => stat.mtimeMs === known.mtimeMs && stat.size === known.size);
}

function outcomeOf(r: SourceRead | { kind: 'unchanged' }, job: FileJob): FileOutcome {
  if (r.kind === 'skipped' || r.kind === 'unchanged') return { kind: r.kind };
  const statements = r.kind === 'text' ? extractStatements(r.text, job.language, job.rel) : [];
  return { kind: 'read', statements, mtimeMs: r.stat.mtimeMs, size: r.stat.size };
}

/** Reads and tokenizes one file without blocking the thread (the calling thread's path). */
export async function scanFile(job: FileJob, maxBytes: number): Promise<FileOutcome> {
  try {
    return outcomeOf(await readSourceFile(job.file, maxBytes, unchangedTest(job)), job);
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}

/** The same, with blocking reads: for worker threads only. */
export function scanFileSync(job: FileJob, maxBytes: number): FileOutcome {
  try {
    return outcomeOf(readSourceFileSync(job.file, maxBytes, unchangedTest(job)), job);
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}
