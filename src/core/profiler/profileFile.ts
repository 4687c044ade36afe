/**
 * A profile file opened for reading: its size from the open descriptor, its first bytes for
 * recognising the format, and its bytes either whole or as a source read a few MB at a time, so a
 * large .cpuprofile is scanned without the file ever being in memory at once.
 *
 * It is opened as every file a user names is (see userFile.ts): a FIFO, a device or a folder is
 * refused by name before anything is read. Every read is positioned, so the head, a scan and a
 * whole read each start from the first byte. The file must keep the size it had when it was
 * opened: one that grows or shrinks while it is read (a profiler still writing it) is refused, so
 * a half-written profile never reads as a damaged one.
 */
import * as fs from 'node:fs';
import { DEFAULT_WINDOW_BYTES } from './formats/byteWindow';
import type { ByteSource } from './formats/byteWindow';
import { HEAD_BYTES } from './formats/input';
import type { ProfileInput } from './formats/input';
import { openRegularFileSync, UserFileError, userFileError } from '../util/userFile';

/** The reads a profile file needs (injected in tests to change the file between two reads). */
export interface FileReads {
  readSync(fd: number, into: Buffer, offset: number, length: number, position: number): number;
}

export interface ProfileFileOptions {
  /** At most this many bytes per read, and the first size of a streaming reader's window (default 2 MB). */
  chunkBytes?: number;
  reads?: FileReads;
}

const WHAT = 'profile';

export class ProfileFile implements ProfileInput {
  readonly size: number;
  readonly windowBytes: number;
  private readonly reads: FileReads;
  private headBytes: Buffer | undefined;
  private all: Buffer | undefined;
  private fd: number;

  /** Opens `file`; a UserFileError when it is missing, unreadable or not a regular file. */
  constructor(
    readonly file: string,
    opts: ProfileFileOptions = {},
  ) {
    this.fd = openRegularFileSync(file, WHAT);
    try {
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      this.close();
      throw userFileError(e, file, WHAT);
    }
    this.windowBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_WINDOW_BYTES);
    this.reads = opts.reads ?? fs;
  }

  get head(): Buffer {
    if (this.all) return this.all;
    if (this.size <= HEAD_BYTES) return this.whole();
    if (!this.headBytes) {
      const head = Buffer.allocUnsafe(HEAD_BYTES);
      let got = 0;
      while (got < HEAD_BYTES) {
        const n = this.read(head, got, HEAD_BYTES - got, got);
        if (n === 0) throw this.changed(got);
        got += n;
      }
      this.headBytes = head;
    }
    return this.headBytes;
  }

  whole(): Buffer {
    if (this.all) return this.all;
    const all = Buffer.allocUnsafe(this.size);
    let got = 0;
    while (got < this.size) {
      const n = this.read(all, got, Math.min(this.size - got, this.windowBytes), got);
      if (n === 0) throw this.changed(got);
      got += n;
    }
    // One byte more would mean it grew.
    if (this.read(Buffer.allocUnsafe(1), 0, 1, got) > 0) throw this.changed(got + 1);
    this.headBytes = undefined;
    return (this.all = all);
  }

  stream(): Buffer | ByteSource {
    if (this.all) return this.all;
    let at = 0;
    return {
      read: (into, offset, length) => {
        const n = this.read(into, offset, Math.min(length, this.windowBytes), at);
        at += n;
        if (n === 0 ? at < this.size : at > this.size) throw this.changed(at);
        return n;
      },
    };
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } finally {
      this.fd = -1;
    }
  }

  private read(into: Buffer, offset: number, length: number, position: number): number {
    try {
      return this.reads.readSync(this.fd, into, offset, length, position);
    } catch (e) {
      throw userFileError(e, this.file, WHAT);
    }
  }

  private changed(read: number): UserFileError {
    const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
    const then = read > this.size ? 'it had grown by the time it was read' : `it ended after ${bytes(read)}`;
    return new UserFileError(
      'changed',
      this.file,
      `it changed while PerfLens read it (it was ${bytes(this.size)} when opened, and ${then}). If a profiler is still writing it, wait until it has finished, then open it again`,
    );
  }
}
