/**
 * The HTTP client of a session's rounds: GETs over plain HTTP/1.1 on sockets kept open from round
 * to round. At one request a second Node's http client is cold every time and costs about three
 * times the CPU of the exchange on a bare socket (bench/README.md has the figures); a session
 * makes two requests a round, so that was a large share of what an attached session cost. HTTPS, a request
 * with a body, credentials in the URL or a header this client would not write go to httpRequest.
 *
 * The response is read by HttpResponseReader (httpResponse.ts), every limit held there; a socket
 * is kept only after a whole response that allows it, and one reused socket that the server had
 * closed in the meantime (it closes idle ones after its keep-alive timeout) is retried once on a
 * fresh connection, as Node's agent does. Idle sockets do not keep the process alive.
 */
import * as net from 'node:net';
import { policyLookup, LOOPBACK_ONLY } from './connect';
import type { ConnectPolicy } from './connect';
import type { HttpFailureKind, HttpFn, HttpGetOptions, HttpResponse } from './http';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  abortedFailure,
  checkRequestUrl,
  httpRequest,
  requestFailure,
} from './http';
import { HttpResponseReader } from './httpResponse';
import type { Result } from './result';
import { fail, ok } from './result';
import { formatBytes } from '../../shared/format';
import { keepShape } from './keepShape';

/** Idle sockets kept per origin (a round has two requests in flight at most). */
const MAX_IDLE_PER_ORIGIN = 4;
/** URLs whose parse and request head are kept. */
const MAX_PREPARED = 16;
/**
 * What every kept socket reads into (net's `onread`): a read is handed to its exchange and
 * copied there as needed before the next read can land, so one buffer serves them all. Node
 * would otherwise make a 64 KB buffer for each read and shrink it to what was read; at one
 * request a second that cost as much CPU as the rest of a bare exchange (bench/README.md).
 * Made with the first kept socket, so a process that never keeps one does not hold it.
 */
let readBuffer: Buffer | undefined;

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A value Node would send as it is: no control characters but tab, nothing past Latin-1.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A request the pool has seen: its URL parsed and its head written, while its headers stay the same. */
interface Prepared {
  parsed: URL;
  policy: ConnectPolicy;
  headersKey: string;
  head: string | undefined;
}

export class KeptHttp {
  private readonly idle = new Map<string, KeptSocket[]>();
  /** The last few URLs requested (a session asks the same two every round). */
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly fallback: HttpFn = httpRequest) {}

  /** Same contract as httpRequest. */
  readonly request: HttpFn = (url, opts = {}) => {
    // Checked before the kept head of a GET to the same URL could be taken for it.
    if ((opts.method ?? 'GET') !== 'GET' || opts.body !== undefined) return this.fallback(url, opts);
    const prepared = this.prepare(url, opts);
    if (!prepared.ok) return Promise.resolve(prepared);
    const { parsed, head } = prepared.value;
    if (head === undefined) return this.fallback(url, opts);
    return new Promise((resolve) => new Exchange(this, url, parsed, head, opts, resolve).start());
  };

  private prepare(url: string, opts: HttpGetOptions): Result<Prepared, HttpFailureKind> {
    const policy = opts.connect ?? LOOPBACK_ONLY;
    let headersKey = '';
    for (const name in opts.headers) headersKey += `${name}\n${opts.headers[name]}\n`;
    const known = this.prepared.get(url);
    if (known !== undefined && known.policy === policy && known.headersKey === headersKey) return ok(known);
    const checked = checkRequestUrl(url, opts);
    if (!checked.ok) return checked;
    const made: Prepared = { parsed: checked.value, policy, headersKey, head: requestHead(checked.value, opts) };
    if (this.prepared.size >= MAX_PREPARED) this.prepared.clear();
    this.prepared.set(url, made);
    return ok(made);
  }

  /**
   * Whether the last GET of `url` went out through this client, which writes a request to its
   * socket within the call that makes it (on a kept socket; a new one writes once connected),
   * rather than through the fallback, which writes on a later tick.
   */
  writesAtOnce(url: string): boolean {
    return this.prepared.get(url)?.head !== undefined;
  }

  /** Closes the idle sockets (a later request connects anew). */
  close(): void {
    for (const list of this.idle.values()) for (const s of list) s.socket.destroy();
    this.idle.clear();
  }

  /** A kept socket to this origin under this policy, taken out of the pool. */
  take(key: string, policy: ConnectPolicy): KeptSocket | undefined {
    const list = this.idle.get(key);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.policy !== policy) continue;
      list.splice(i, 1);
      return s;
    }
    return undefined;
  }

  /** Keeps a socket whose last response ended cleanly and allowed another. */
  keep(s: KeptSocket): void {
    const list = this.idle.get(s.key) ?? [];
    if (list.length >= MAX_IDLE_PER_ORIGIN || s.socket.destroyed) {
      s.socket.destroy();
      return;
    }
    list.push(s);
    this.idle.set(s.key, list);
  }

  /** Forgets an idle socket the server closed or wrote to unasked. */
  drop(s: KeptSocket): void {
    s.socket.destroy();
    const list = this.idle.get(s.key);
    const i = list === undefined ? -1 : list.indexOf(s);
    if (i >= 0) list!.splice(i, 1);
  }
}

/**
 * One connection and its listeners, set once: events go to the exchange using it, or, while it
 * is idle, drop it. It never keeps the process alive (an exchange's timer does while one runs).
 */
class KeptSocket {
  exchange: Exchange | undefined;
  readonly socket: net.Socket;

  constructor(
    private readonly client: KeptHttp,
    to: net.TcpNetConnectOpts,
    readonly key: string,
    readonly policy: ConnectPolicy,
  ) {
    const buffer = (readBuffer ??= Buffer.allocUnsafe(64 * 1024));
    const socket = net.connect({ ...to, onread: { buffer, callback: (n) => this.onRead(buffer, n) } });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.unref();
    socket.on('end', () => (this.exchange ? this.exchange.onEnd() : this.client.drop(this)));
    socket.on('error', (e: Error) => (this.exchange ? this.exchange.lost(e) : this.client.drop(this)));
    socket.on('close', () => (this.exchange ? this.exchange.lost(CLOSED) : this.client.drop(this)));
  }

  /** n bytes read into the shared buffer: the exchange reads them now (it copies what it keeps). */
  private onRead(buffer: Buffer, n: number): boolean {
    if (this.exchange) this.exchange.onData(buffer.subarray(0, n));
    else this.client.drop(this);
    return true;
  }
}

const CLOSED = new Error('the connection closed before the whole response arrived');

/** The request's head as it goes on the wire, or undefined when httpRequest should send it. */
function requestHead(parsed: URL, opts: HttpGetOptions): string | undefined {
  // (A method other than GET, or a body, never gets here: see request.)
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') return undefined;
  const headers: Record<string, string> = {
    'accept-encoding': 'gzip',
    'user-agent': 'PerfLens',
    ...opts.headers,
  };
  let head = `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\nConnection: keep-alive\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'connection' || lower === 'content-length' || lower === 'transfer-encoding')
      return undefined;
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return undefined;
    head += `${name}: ${value}\r\n`;
  }
  return head + '\r\n';
}

/** One request: connect or reuse, send, read, keep or close; settles exactly once. */
class Exchange {
  private readonly key: string;
  private readonly policy: ConnectPolicy;
  private readonly maxBytes: number;
  private readonly started = performance.now();
  private kept: KeptSocket | undefined;
  private reader: HttpResponseReader | undefined;
  private reused = false;
  private retried = false;
  private settled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: KeptHttp,
    private readonly url: string,
    private readonly parsed: URL,
    private readonly head: string,
    private readonly opts: HttpGetOptions,
    private resolve: (r: Result<HttpResponse, HttpFailureKind>) => void,
  ) {
    this.policy = opts.connect ?? LOOPBACK_ONLY;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.key = `${parsed.hostname}:${parsed.port || '80'}`;
  }

  start(): void {
    const signal = this.opts.signal;
    if (signal?.aborted) return this.finish(abortedFailure(this.url, signal));
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timer = setTimeout(
      () => this.finish(fail('timeout', `${this.url} did not answer within ${timeoutMs} ms.`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.send();
  }

  private readonly onAbort = (): void => this.finish(abortedFailure(this.url, this.opts.signal!));

  private send(): void {
    const kept = this.retried ? undefined : this.client.take(this.key, this.policy);
    const s =
      kept ??
      new KeptSocket(
        this.client,
        {
          host: this.parsed.hostname.replace(/^\[|\]$/g, ''),
          port: Number(this.parsed.port || 80),
          lookup: policyLookup(this.policy),
        },
        this.key,
        this.policy,
      );
    this.reused = kept !== undefined;
    s.exchange = this;
    this.kept = s;
    this.reader = new HttpResponseReader(this.maxBytes);
    s.socket.write(this.head, 'latin1');
  }

  /** Lets go of the socket: back to the pool when `keep`, else closed. */
  private release(keep: boolean): void {
    const s = this.kept;
    if (s === undefined) return;
    this.kept = undefined;
    s.exchange = undefined;
    if (keep) this.client.keep(s);
    else s.socket.destroy();
  }

  /** Bytes read: valid only during the call (see readBuffer). */
  onData(chunk: Buffer): void {
    const reader = this.reader!;
    const state = reader.feed(chunk);
    if (state === 'more') return;
    if (state === 'too-large')
      return this.finish(
        fail('too-large', `The response from ${this.url} is larger than the ${formatBytes(this.maxBytes)} limit.`),
      );
    if (state === 'bad') return this.finish(fail('network', `Request to ${this.url} failed: ${reader.problem}.`));
    const done = reader.response(this.url, this.started);
    if (!done.ok) return this.finish(done);
    this.release(reader.reusable);
    this.finish(done);
  }

  /** The server ended its side: the end of a body read up to the close, or a response cut off. */
  onEnd(): void {
    const reader = this.reader!;
    if (reader.endOfInput()) {
      const done = reader.response(this.url, this.started);
      this.release(false);
      return this.finish(done);
    }
    this.lost(CLOSED);
  }

  /** The socket failed: a kept one the server had closed is retried once on a new connection. */
  lost(e: Error): void {
    if (this.settled) return;
    const nothingRead = this.reader?.bytesRead === 0;
    this.release(false);
    if (this.reused && nothingRead && !this.retried) {
      this.retried = true;
      this.send();
      return;
    }
    this.finish(requestFailure(this.url, this.parsed, e as NodeJS.ErrnoException));
  }

  private finish(r: Result<HttpResponse, HttpFailureKind>): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this.release(false);
    this.resolve(r);
    // Nothing of the response stays reachable from here (a settled promise holds its value);
    // the exchange stays alive until the next one settles (keepShape.ts).
    this.resolve = settledAlready;
    this.reader?.release();
    keepShape('kept-socket exchange', this);
  }
}

function settledAlready(): void {
  // An exchange settles once (see finish).
}
