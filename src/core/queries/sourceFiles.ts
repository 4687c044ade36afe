import * as fs from 'node:fs';
import { languageOf } from './extract';

/**
 * How the workspace scan reads one source file: regular files only, never more than the size cap
 * in bytes actually read. The file is opened with O_NONBLOCK (a FIFO with no writer cannot block
 * the open) and its type and size are checked with fstat on the opened descriptor, not on the path.
 * Uses the callback API: one thread-pool round trip per step, fewer than the promise API's.
 */
export type SourceRead =
  | { kind: 'text'; text: string; stat: fs.Stats }
  /** Nothing in the bytes can start a statement: not decoded, not tokenized. */
  | { kind: 'no-sql'; stat: fs.Stats }
  | { kind: 'skipped'; reason: 'too-large' | 'not-a-file' | 'gone' };

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function open(file: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, OPEN_FLAGS, (e, fd) => (e ? reject(e) : resolve(fd))));
}
function fstat(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (e, st) => (e ? reject(e) : resolve(st))));
}
function read(fd: number, buf: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, at, buf.length - at, null, (e, n) => (e ? reject(e) : resolve(n))),
  );
}
function close(fd: number): void {
  fs.close(fd, () => undefined);
}

/**
 * The statement words the extractor looks for (it tests every literal for one of them), matched
 * on the raw bytes: a file without any cannot hold a statement spelled out in its source.
 */
const ANY_STATEMENT_WORD = /select|insert|update|delete|with|create|replace/i;

/** Whether a file's bytes may hold a statement; latin1 keeps every ASCII letter where it is, cheaply. */
export function mayHoldSql(bytes: Buffer): boolean {
  return ANY_STATEMENT_WORD.test(bytes.toString('latin1'));
}

/** Reads a source file for the scan. `unchanged` lets a cached result stand before any byte is read. */
export async function readSourceFile(
  file: string,
  maxBytes: number,
  unchanged?: (stat: fs.Stats) => boolean,
): Promise<SourceRead | { kind: 'unchanged'; stat: fs.Stats }> {
  let fd: number;
  try {
    fd = await open(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'skipped', reason: 'gone' };
    // A socket or a device that refuses to open.
    if (code === 'ENXIO' || code === 'EISDIR') return { kind: 'skipped', reason: 'not-a-file' };
    throw e;
  }
  try {
    const stat = await fstat(fd);
    if (!stat.isFile()) return { kind: 'skipped', reason: 'not-a-file' };
    if (stat.size > maxBytes) return { kind: 'skipped', reason: 'too-large' };
    if (unchanged?.(stat)) return { kind: 'unchanged', stat };
    // Room for one byte past what stat said, for a file that reports no size; the cap counts bytes read.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, stat.size + 1));
    let length = 0;
    for (;;) {
      const n = await read(fd, buf, length);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { kind: 'skipped', reason: 'too-large' };
      // All that stat promised: done, without one more round trip to see the end. (A size of 0,
      // as /proc files report, reads on to the end, still within the cap.)
      if (length === stat.size) break;
      if (length === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
    }
    const bytes = buf.subarray(0, length);
    if (!mayHoldSql(bytes)) return { kind: 'no-sql', stat };
    return { kind: 'text', text: bytes.toString('utf8'), stat };
  } finally {
    close(fd);
  }
}

/** Whether the scan reads a file of this name (a known language; not minified, not a declaration file). */
export function isSourceName(name: string): boolean {
  return languageOf(name) !== undefined && !name.endsWith('.min.js') && !name.endsWith('.d.ts');
}
