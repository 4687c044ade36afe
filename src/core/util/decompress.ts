/**
 * Every decompression PerfLens does goes through here, bounded by the size of its output. A few
 * megabytes of gzip can hold gigabytes of zeros, and it is the output that costs memory, so the
 * limit is on what comes out, checked while inflating: inflation stops at the limit.
 */
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { Result } from './result';
import { fail, ok } from './result';
import { formatBytes } from '../../shared/format';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export type InflateFailureKind = 'too-large' | 'decode';

/**
 * Inflates a whole gzip buffer (several members are concatenated, as gunzip does), failing with
 * 'too-large' as soon as the output would pass `maxBytes`; no more than that is ever allocated.
 */
export function gunzipWithin(bytes: Uint8Array, maxBytes: number): Result<Buffer, InflateFailureKind> {
  return inflateBounded(zlib.gunzipSync, 'gzip', bytes, maxBytes);
}

/** Inflates a whole zlib-wrapped deflate buffer (Content-Encoding: deflate) under the same limit. */
export function inflateWithin(bytes: Uint8Array, maxBytes: number): Result<Buffer, InflateFailureKind> {
  return inflateBounded(zlib.inflateSync, 'deflate', bytes, maxBytes);
}

function inflateBounded(
  inflate: (bytes: Uint8Array, opts: zlib.ZlibOptions) => Buffer,
  format: string,
  bytes: Uint8Array,
  maxBytes: number,
): Result<Buffer, InflateFailureKind> {
  try {
    return ok(inflate(bytes, { maxOutputLength: Math.max(1, Math.floor(maxBytes)) }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return fail('too-large', `decompresses to more than ${formatBytes(maxBytes)}`);
    return fail('decode', `its ${format} data is damaged (${(e as Error).message})`);
  }
}

/**
 * A response body decoded by its Content-Encoding (gzip, x-gzip, deflate; anything else passes as
 * it is). The caller counts the decoded bytes against its cap and calls `stop()` past it, which
 * ends the inflation at once instead of letting buffered input keep inflating.
 */
export function decodedBody(body: Readable, contentEncoding: string): { stream: Readable; stop(): void } {
  const enc = contentEncoding.trim().toLowerCase();
  const inflater =
    enc === 'gzip' || enc === 'x-gzip' ? zlib.createGunzip() : enc === 'deflate' ? zlib.createInflate() : undefined;
  if (!inflater) return { stream: body, stop: () => body.destroy() };
  body.pipe(inflater);
  return {
    stream: inflater,
    stop: () => {
      body.unpipe(inflater);
      body.destroy();
      inflater.destroy();
    },
  };
}
