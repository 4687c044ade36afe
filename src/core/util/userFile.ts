/**
 * The one way PerfLens reads a file a user named (a history file, an application's database, a
 * profile): regular files only, and never more than a cap on the bytes actually read.
 *
 * - The file is opened with O_NONBLOCK, so a FIFO with no writer cannot block the open, and the
 *   type is checked with fstat on the opened descriptor (not on the path, which could change in
 *   between): a FIFO, a device such as /dev/zero, a socket or a folder is refused by name.
 * - The cap counts bytes as they are read, not stat.size (which is 0 for devices and /proc files,
 *   and stale for a file that grows while it is read).
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { formatBytes } from '../../shared/format';

/** 'changed': the file grew or shrank while it was read (a program is still writing it). */
export type UserFileFailureKind = 'not-found' | 'not-a-file' | 'too-large' | 'unreadable' | 'changed';

export interface ReadUserFileOptions {
  /** Refuse the file once more than this many bytes have been read. */
  maxBytes: number;
  /** What the file is, for messages: "history file", "database", "profile". */
  what: string;
  /** How to raise the limit, when something can (a setting or a flag); said in the too-large message. */
  raiseWith?: string;
}

export interface UserFile {
  bytes: Buffer;
  /** fstat of the descriptor the bytes came from (bigint: nanosecond mtime, exact inode). */
  stat: fs.BigIntStats;
}

/**
 * A user's file could not be read. `message` is a whole sentence for the user; `reason` is the part
 * after "Cannot read FILE: " for callers that word the sentence themselves.
 */
export class UserFileError extends Error {
  constructor(
    readonly kind: UserFileFailureKind,
    readonly file: string,
    readonly reason: string,
    /** The operating system's code (ENOENT, EACCES…) when it was the system that refused. */
    readonly code?: string,
  ) {
    super(`Cannot read ${file}: ${reason}.`);
    this.name = 'UserFileError';
  }
}

const CHUNK = 1024 * 1024;

/** What a non-regular file is, in words. */
export function describeFileType(st: fs.Stats | fs.BigIntStats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function systemReason(e: NodeJS.ErrnoException, what: string): { kind: UserFileFailureKind; reason: string } {
  switch (e.code) {
    case 'ENOENT':
      return { kind: 'not-found', reason: 'there is no such file' };
    case 'EISDIR':
      return { kind: 'not-a-file', reason: `it is a folder, not a ${what}` };
    case 'ENXIO':
      // Opening a socket (or a FIFO with no reader on some systems) fails this way.
      return {
        kind: 'not-a-file',
        reason: `it is a socket or device, not a regular file; PerfLens reads a ${what} only from a regular file`,
      };
    case 'ENOTDIR':
      return { kind: 'not-found', reason: 'a part of the path is not a folder' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'unreadable', reason: 'permission denied' };
    case 'EBUSY':
      return { kind: 'unreadable', reason: 'another program holds it exclusively' };
    default:
      return { kind: 'unreadable', reason: e.message };
  }
}

/** A system error met while reading a user's file, as a UserFileError that words it. */
export function userFileError(e: unknown, file: string, what: string): UserFileError {
  if (e instanceof UserFileError) return e;
  const err = e as NodeJS.ErrnoException;
  const { kind, reason } = systemReason(err, what);
  return new UserFileError(kind, file, reason, err.code);
}

/**
 * Opens a file a user named for synchronous reads, without blocking on a named pipe or a device:
 * the descriptor of a regular file, or a UserFileError saying what the path is.
 */
export function openRegularFileSync(file: string, what: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const { kind, reason } = systemReason(err, what);
    throw new UserFileError(kind, file, reason, err.code);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new UserFileError(
      'not-a-file',
      file,
      `it is ${describeFileType(stat)}, not a regular file; PerfLens reads a ${what} only from a regular file`,
    );
  }
  return fd;
}

/**
 * Reads a file a user named: a regular file of at most `maxBytes`, or a UserFileError that says
 * what the path is and what to do.
 */
export async function readUserFile(file: string, opts: ReadUserFileOptions): Promise<UserFile> {
  const { maxBytes, what } = opts;
  let fh: fsp.FileHandle;
  try {
    // O_NONBLOCK is 0 where the platform has none (Windows has no FIFOs to block on either).
    fh = await fsp.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const { kind, reason } = systemReason(err, what);
    throw new UserFileError(kind, file, reason, err.code);
  }
  try {
    const stat = await fh.stat({ bigint: true });
    if (!stat.isFile()) {
      throw new UserFileError(
        'not-a-file',
        file,
        `it is ${describeFileType(stat)}, not a regular file; PerfLens reads a ${what} only from a regular file`,
      );
    }
    const tooLarge = () =>
      new UserFileError(
        'too-large',
        file,
        `it is larger than the ${formatBytes(maxBytes)} limit for a ${what}${opts.raiseWith ? ` (${opts.raiseWith})` : ''}`,
      );
    if (stat.size > BigInt(maxBytes)) throw tooLarge();
    // Sized from stat, grown if the file is longer than it said; one byte past the cap proves "too large".
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(Number(stat.size) + 1, CHUNK)));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxBytes) throw tooLarge();
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge();
    return { bytes: buf.subarray(0, length), stat };
  } catch (e) {
    if (e instanceof UserFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    const { kind, reason } = systemReason(err, what);
    throw new UserFileError(kind, file, reason, err.code);
  } finally {
    await fh.close();
  }
}
