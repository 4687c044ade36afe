/**
 * An HTTP/1.1 response read from a socket's chunks as they arrive (keptHttp.ts): the status line
 * and headers, then a body framed by Content-Length, by chunked transfer coding, or by the end of
 * the connection; the body decoded by its Content-Encoding (gzip, x-gzip, deflate) at the end.
 *
 * Every limit is held here, as the bytes arrive: the head (status line, headers, trailers) may
 * not pass MAX_HEAD_BYTES, a chunk-size line MAX_LINE_BYTES, the body as sent the caller's byte
 * cap (a little more when it is compressed), and the decoded body the cap itself (inflation stops
 * there, decompress.ts). Anything that is not HTTP/1.x as a server writes it is a clear problem,
 * not a guess: folded or nameless header lines, control characters in a value, two different
 * lengths, a transfer coding other than chunked. Header names are lower-cased; a repeated header
 * is joined with ", " except those Node's client keeps the first of.
 *
 * A chunk handed to feed is read during the call and never kept: the socket reads every response
 * into one buffer it reuses (keptHttp.ts), so the reader copies what it keeps (the body into a
 * buffer of its own, sized from Content-Length or the chunk sizes; an unfinished line).
 */
import type { HttpFailureKind, HttpResponse } from './http';
import { gunzipWithin, inflateWithin } from './decompress';
import type { Result } from './result';
import { fail, ok } from './result';
import { formatBytes } from '../../shared/format';
import { keepShape } from './keepShape';

/** The status line, headers and trailers together (Node's client allows 16 KB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line, extensions included. */
export const MAX_LINE_BYTES = 1024;
/** The most a body buffer is made ahead of the bytes that fill it (a length may promise more than comes). */
const MAX_AHEAD_BYTES = 1024 * 1024;
/** A body of unknown length starts in a buffer this big, and doubles. */
const FIRST_BODY_BYTES = 16 * 1024;

const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;
const FAILED = 8;

const LF = 10;
const CR = 13;

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?:[ \t][^\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const CHUNK_SIZE_TEXT = /^[0-9A-Fa-f]{1,8}$/;

/** Headers Node's client keeps the first of when a response repeats them. */
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

export type FeedState = 'more' | 'done' | 'too-large' | 'bad';

export class HttpResponseReader {
  /** Bytes received so far (0: the server sent nothing). */
  bytesRead = 0;
  /** Why the response could not be read (after feed returned 'bad'). */
  problem = '';
  status = 0;
  readonly headers: Record<string, string> = {};
  private state = HEAD;
  /** Head or line bytes not yet complete (a copy: see the file's comment). */
  private pending: Buffer | undefined;
  private headBytes = 0;
  /** The body so far: bodyBytes of it are filled. */
  private body: Buffer | undefined;
  private bodyBytes = 0;
  private remaining = 0;
  private bodyCap: number;
  private keepAlive = false;
  private leftover = false;
  private contentLength: string | undefined;

  constructor(private readonly maxBytes: number) {
    this.bodyCap = maxBytes;
  }

  /** Whether the socket may carry another request: the response ended cleanly and allowed it. */
  get reusable(): boolean {
    return this.state === DONE && this.keepAlive && !this.leftover;
  }

  feed(chunk: Buffer): FeedState {
    if (this.state === DONE) {
      this.leftover = true;
      return 'done';
    }
    if (this.state === FAILED) return 'bad';
    this.bytesRead += chunk.length;
    let buf = chunk;
    let i = 0;
    while (i < buf.length) {
      const state = this.state;
      if (state === HEAD) {
        const rest = this.readHead(buf, i);
        if (rest === undefined) return this.state === FAILED ? 'bad' : 'more';
        if (this.bodyBytes > this.bodyCap) return 'too-large';
        buf = rest;
        i = 0;
      } else if (state === LENGTH || state === CHUNK_DATA) {
        const n = Math.min(this.remaining, buf.length - i);
        if (!this.addBody(buf.subarray(i, i + n))) return 'too-large';
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = state === LENGTH ? DONE : CHUNK_END;
      } else if (state === UNTIL_CLOSE) {
        if (!this.addBody(buf.subarray(i))) return 'too-large';
        i = buf.length;
      } else if (state === DONE) {
        this.leftover = true;
        break;
      } else {
        const nl = buf.indexOf(LF, i);
        const end = nl < 0 ? buf.length : nl;
        const line = this.joinPending(buf.subarray(i, end));
        i = nl < 0 ? buf.length : nl + 1;
        const cap = state === TRAILERS ? MAX_HEAD_BYTES - this.headBytes : MAX_LINE_BYTES;
        if (line.length > cap)
          return this.bad(state === TRAILERS ? 'its trailers are too long' : 'a chunk-size line is too long');
        if (nl < 0) {
          this.holdPending(line);
          continue;
        }
        this.pending = undefined;
        this.readLine(
          state,
          line.toString('latin1', 0, line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length),
        );
        if (this.state === FAILED) return 'bad';
        if (this.bodyBytes > this.bodyCap) return 'too-large';
      }
    }
    return this.state === DONE ? 'done' : 'more';
  }

  /** The connection ended: true when that ends the response (a body read up to the close). */
  endOfInput(): boolean {
    if (this.state === UNTIL_CLOSE) this.state = DONE;
    return this.state === DONE;
  }

  /** The whole response, its body decoded; 'too-large' or 'decode' when decoding fails. */
  response(url: string, started: number): Result<HttpResponse, HttpFailureKind> {
    let body: Buffer = this.body === undefined ? Buffer.alloc(0) : this.body.subarray(0, this.bodyBytes);
    const encoding = (this.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (body.length > 0 && (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate')) {
      const decoded = encoding === 'deflate' ? inflateWithin(body, this.maxBytes) : gunzipWithin(body, this.maxBytes);
      if (!decoded.ok) {
        if (decoded.error.kind === 'too-large')
          return fail('too-large', `The response from ${url} is larger than the ${formatBytes(this.maxBytes)} limit.`);
        return fail('decode', `Could not decode the response from ${url}: ${decoded.error.message}`);
      }
      body = decoded.value;
    }
    return ok({ status: this.status, headers: this.headers, body, elapsedMs: performance.now() - started });
  }

  /**
   * The response was handed on: lets go of the body's chunks and stays alive until the next
   * reader is done, so that the code optimised for readers outlives a full collection (keepShape.ts).
   */
  release(): void {
    this.body = undefined;
    this.pending = undefined;
    keepShape('http response reader', this);
  }

  private bad(problem: string): 'bad' {
    this.problem = problem;
    this.state = FAILED;
    return 'bad';
  }

  private addBody(part: Buffer): boolean {
    const at = this.bodyBytes;
    this.bodyBytes += part.length;
    if (this.bodyBytes > this.bodyCap) return false;
    if (this.body === undefined || this.body.length < this.bodyBytes) this.growBody(at, part.length);
    part.copy(this.body!, at);
    return true;
  }

  /**
   * A bigger body buffer, its first `filled` bytes kept: room for the part being added and, up to
   * MAX_AHEAD_BYTES, for what the length or chunk size says is still coming; at least double.
   */
  private growBody(filled: number, adding: number): void {
    const promised = this.state === LENGTH || this.state === CHUNK_DATA ? this.remaining - adding : 0;
    const doubled = this.body === undefined ? FIRST_BODY_BYTES : 2 * this.body.length;
    const grown = Buffer.allocUnsafe(
      Math.max(this.bodyBytes + Math.min(promised, MAX_AHEAD_BYTES), Math.min(doubled, this.bodyCap)),
    );
    this.body?.copy(grown, 0, 0, filled);
    this.body = grown;
  }

  /**
   * Keeps an unfinished head or line for the next read. Joined to what was pending it is a buffer
   * of its own already; else it is a view of the read, which the next read overwrites: copied.
   */
  private holdPending(joined: Buffer): void {
    this.pending = this.pending === undefined ? Buffer.from(joined) : joined;
  }

  private joinPending(part: Buffer): Buffer {
    const pending = this.pending;
    return pending === undefined ? part : Buffer.concat([pending, part]);
  }

  /** Reads the head once a blank line ends it: the bytes after it, or undefined for more (or a failure). */
  private readHead(buf: Buffer, from: number): Buffer | undefined {
    const pendingLength = this.pending?.length ?? 0;
    const all = this.joinPending(buf.subarray(from));
    let end = -1;
    // A blank line: "\n\n" or "\n\r\n", looked for from just before the new bytes.
    for (let nl = all.indexOf(LF, Math.max(0, pendingLength - 2)); nl >= 0; nl = all.indexOf(LF, nl + 1)) {
      if (nl === 0) continue;
      if (all[nl - 1] === LF || (all[nl - 1] === CR && nl >= 2 && all[nl - 2] === LF)) {
        end = nl + 1;
        break;
      }
    }
    if (end < 0) {
      if (all.length > MAX_HEAD_BYTES) this.bad(`its headers are larger than ${formatBytes(MAX_HEAD_BYTES)}`);
      else this.holdPending(all);
      return undefined;
    }
    this.pending = undefined;
    if (end > MAX_HEAD_BYTES) {
      this.bad(`its headers are larger than ${formatBytes(MAX_HEAD_BYTES)}`);
      return undefined;
    }
    this.headBytes = end;
    this.parseHead(all.toString('latin1', 0, end));
    if (this.state === FAILED) return undefined;
    return all.subarray(end);
  }

  private parseHead(text: string): void {
    const lines = text.split('\n');
    const first = stripCr(lines[0]!);
    const status = STATUS_LINE.exec(first);
    if (status === null) {
      this.bad(`it did not answer with an HTTP/1.x status line (got "${first.slice(0, 40)}")`);
      return;
    }
    const code = Number(status[2]);
    for (const key of Object.keys(this.headers)) delete this.headers[key];
    this.contentLength = undefined;
    for (let k = 1; k < lines.length; k++) {
      const line = stripCr(lines[k]!);
      if (line.length === 0) continue;
      if (!this.addHeader(line)) return;
    }
    if (code < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows. 101 switches protocols.
      if (code === 101) this.bad('it switched protocols');
      return;
    }
    this.status = code;
    this.keepAlive = status[1] === '1' && !hasToken(this.headers.connection, 'close');
    const encoded = this.headers['content-encoding']?.trim().toLowerCase();
    if (encoded === 'gzip' || encoded === 'x-gzip' || encoded === 'deflate')
      this.bodyCap = this.maxBytes + Math.max(1024, Math.ceil(this.maxBytes / 100));
    const te = this.headers['transfer-encoding'];
    if (code === 204 || code === 304) this.state = DONE;
    else if (te !== undefined) {
      if (te.trim().toLowerCase() !== 'chunked') {
        this.bad(`it used transfer coding "${te}", which is not read here (only chunked)`);
        return;
      }
      // A length beside chunked coding is ignored, and the connection is not trusted again.
      if (this.contentLength !== undefined) this.keepAlive = false;
      this.state = CHUNK_SIZE;
    } else if (this.contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(this.contentLength)) {
        this.bad(`its Content-Length "${this.contentLength}" is not a number`);
        return;
      }
      this.remaining = Number(this.contentLength);
      this.state = this.remaining === 0 ? DONE : LENGTH;
      if (this.remaining > this.bodyCap) this.bodyBytes = this.remaining;
    } else {
      this.keepAlive = false;
      this.state = UNTIL_CLOSE;
    }
  }

  private addHeader(line: string): boolean {
    if (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      this.bad('it folded a header over two lines');
      return false;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) {
      this.bad(`it sent a header line that is not "name: value" ("${line.slice(0, 40)}")`);
      return false;
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (CONTROL.test(value)) {
      this.bad(`its header "${name}" holds a control character`);
      return false;
    }
    const key = name.toLowerCase();
    if (key === 'content-length') {
      for (const part of value.split(',')) {
        const length = part.trim();
        if (this.contentLength !== undefined && this.contentLength !== length) {
          this.bad('it sent two different Content-Length headers');
          return false;
        }
        this.contentLength = length;
      }
    }
    const there = this.headers[key];
    if (there === undefined) this.headers[key] = value;
    else if (!FIRST_WINS.has(key)) this.headers[key] = `${there}, ${value}`;
    return true;
  }

  /** A chunk-size line, the line ending a chunk's data, or a trailer line (CR removed). */
  private readLine(state: number, line: string): void {
    if (state === CHUNK_SIZE) {
      const semicolon = line.indexOf(';');
      const size = (semicolon < 0 ? line : line.slice(0, semicolon)).replace(/[ \t]+$/, '');
      if (!CHUNK_SIZE_TEXT.test(size)) {
        this.bad(`it sent an invalid chunk size "${size.slice(0, 20)}"`);
        return;
      }
      this.remaining = parseInt(size, 16);
      if (this.remaining === 0) this.state = TRAILERS;
      else if (this.bodyBytes + this.remaining > this.bodyCap) this.bodyBytes += this.remaining;
      else this.state = CHUNK_DATA;
    } else if (state === CHUNK_END) {
      if (line.length > 0) this.bad('a chunk was longer than its size said');
      else this.state = CHUNK_SIZE;
    } else {
      this.headBytes += line.length + 2;
      if (line.length === 0) this.state = DONE;
    }
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function hasToken(value: string | undefined, token: string): boolean {
  return value !== undefined && value.split(',').some((t) => t.trim().toLowerCase() === token);
}
