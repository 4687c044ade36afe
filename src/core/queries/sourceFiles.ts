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

/** What a failed open means for the scan; anything else is rethrown. */
function openFailure(e: unknown): SourceRead {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'skipped', reason: 'gone' };
  // A socket or a device that refuses to open.
  if (code === 'ENXIO' || code === 'EISDIR') return { kind: 'skipped', reason: 'not-a-file' };
  throw e;
}

/** What fstat alone decides, before any byte is read; undefined when the file must be read. */
function beforeRead(
  stat: fs.Stats,
  maxBytes: number,
  unchanged: ((stat: fs.Stats) => boolean) | undefined,
): SourceRead | { kind: 'unchanged'; stat: fs.Stats } | undefined {
  if (!stat.isFile()) return { kind: 'skipped', reason: 'not-a-file' };
  if (stat.size > maxBytes) return { kind: 'skipped', reason: 'too-large' };
  if (unchanged?.(stat)) return { kind: 'unchanged', stat };
  return undefined;
}

/**
 * The bytes read so far, and where the next read goes. Room for one byte past what stat said, for
 * a file that reports no size; the cap counts bytes read.
 */
class ReadBuffer {
  buf: Buffer;
  length = 0;
  constructor(
    private readonly stat: fs.Stats,
    private readonly maxBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, stat.size + 1));
  }
  /** Counts n bytes read: 'done', 'too-large', or 'more' (the buffer grown when full). */
  took(n: number): 'done' | 'too-large' | 'more' {
    if (n === 0) return 'done';
    this.length += n;
    if (this.length > this.maxBytes) return 'too-large';
    // All that stat promised: done, without one more round trip to see the end. (A size of 0,
    // as /proc files report, reads on to the end, still within the cap.)
    if (this.length === this.stat.size) return 'done';
    if (this.length === this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(this.maxBytes + 1, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    return 'more';
  }
  /** The file's text, or 'no-sql' when nothing in its bytes can start a statement. */
  result(): SourceRead {
    const bytes = this.buf.subarray(0, this.length);
    if (!mayHoldSql(bytes)) return { kind: 'no-sql', stat: this.stat };
    return { kind: 'text', text: bytes.toString('utf8'), stat: this.stat };
  }
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
    return openFailure(e);
  }
  try {
    const stat = await fstat(fd);
    const decided = beforeRead(stat, maxBytes, unchanged);
    if (decided) return decided;
    const b = new ReadBuffer(stat, maxBytes);
    for (;;) {
      const step = b.took(await read(fd, b.buf, b.length));
      if (step === 'too-large') return { kind: 'skipped', reason: 'too-large' };
      if (step === 'done') return b.result();
    }
  } finally {
    close(fd);
  }
}

/**
 * The same read, blocking: for the scan's worker threads, where a blocking call holds up no one
 * and costs a fraction of the thread-pool round trips the callback API makes per file.
 */
export function readSourceFileSync(
  file: string,
  maxBytes: number,
  unchanged?: (stat: fs.Stats) => boolean,
): SourceRead | { kind: 'unchanged'; stat: fs.Stats } {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    return openFailure(e);
  }
  try {
    const stat = fs.fstatSync(fd);
    const decided = beforeRead(stat, maxBytes, unchanged);
    if (decided) return decided;
    const b = new ReadBuffer(stat, maxBytes);
    for (;;) {
      const step = b.took(fs.readSync(fd, b.buf, b.length, b.buf.length - b.length, null));
      if (step === 'too-large') return { kind: 'skipped', reason: 'too-large' };
      if (step === 'done') return b.result();
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the scan reads a file of this name (a known language; not minified, not a declaration file). */
export function isSourceName(name: string): boolean {
  return languageOf(name) !== undefined && !name.endsWith('.min.js') && !name.endsWith('.d.ts');
}
