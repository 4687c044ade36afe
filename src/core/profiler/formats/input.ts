import type { ByteSource } from './byteWindow';

/** How many bytes from the start format detection may look at without reading the whole file. */
export const HEAD_BYTES = 64 * 1024;

/**
 * A profile's bytes as the importer reads them: the first bytes to recognise the format, then
 * either all of them at once or, for a reader that streams (the .cpuprofile scanner), a source
 * read through a small window, so a large file need never be in memory whole.
 */
export interface ProfileInput {
  /** How many bytes there are. */
  readonly size: number;
  /** The first bytes: at least HEAD_BYTES of them, or all. */
  readonly head: Buffer;
  /** All the bytes. */
  whole(): Buffer;
  /** The bytes from the first, for a reader that streams them (the Buffer itself when they are in memory). */
  stream(): Buffer | ByteSource;
  /** The window a streaming reader reads through (default DEFAULT_WINDOW_BYTES). */
  readonly windowBytes?: number;
}

/** Bytes already in memory as an input. */
export function bytesInput(bytes: Buffer): ProfileInput {
  return { size: bytes.length, head: bytes, whole: () => bytes, stream: () => bytes };
}
