import * as http from 'node:http';
import * as https from 'node:https';
import type { ConnectPolicy } from './connect';
import { LOOPBACK_ONLY, checkConnectUrl, policyLookup } from './connect';
import { decodedBody } from './decompress';
import type { Result } from './result';
import { fail, ok } from './result';
import { formatBytes } from '../../shared/format';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Time from request start to the full body, in milliseconds. */
  elapsedMs: number;
}

export interface HttpGetOptions {
  timeoutMs?: number;
  /** Cap on the decoded body; larger bodies fail with kind 'too-large'. */
  maxBytes?: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string | Buffer;
  /** Where this request may connect; default loopback only (see connect.ts). */
  connect?: ConnectPolicy;
  /**
   * Ends the request when aborted (failure kind 'aborted'). A string reason completes the
   * message: "… had not answered when <reason>".
   */
  signal?: AbortSignal;
}

export type HttpFailureKind =
  'invalid-url' | 'remote' | 'refused' | 'timeout' | 'too-large' | 'network' | 'decode' | 'aborted';

/** What a request takes: httpRequest, a session's KeptHttp, or a test's stand-in. */
export type HttpFn = (url: string, opts?: HttpGetOptions) => Promise<Result<HttpResponse, HttpFailureKind>>;

export function abortedFailure(url: string, signal: AbortSignal): ReturnType<typeof fail<'aborted'>> {
  const why = typeof signal.reason === 'string' ? signal.reason : 'it was cancelled';
  return fail('aborted', `${url} had not answered when ${why}; the request was stopped.`);
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** The URL of a request, parsed, if it is http(s) and the connect policy allows its host. */
export function checkRequestUrl(url: string, opts: HttpGetOptions): Result<URL, HttpFailureKind> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('invalid-url', `"${url}" is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return fail('invalid-url', `Only http and https URLs are supported, not ${parsed.protocol}`);
  const allowed = checkConnectUrl(parsed, opts.connect ?? LOOPBACK_ONLY);
  if (!allowed.ok) return fail('remote', `PerfLens did not connect to ${url}: ${allowed.error.message}`);
  return ok(parsed);
}

/** A failed connection or exchange, said for a user. */
export function requestFailure(
  url: string,
  parsed: URL,
  e: NodeJS.ErrnoException,
): ReturnType<typeof fail<HttpFailureKind>> {
  if (e.code === 'ECONNREFUSED')
    return fail('refused', `Nothing is listening at ${parsed.host} (connection refused). Is the service running?`, e);
  // OpenSSL's own text ("…ssl3_get_record:wrong version number:../deps/…") tells a user nothing.
  if (parsed.protocol === 'https:' && (e.code === 'EPROTO' || /SSL|TLS/i.test(e.message)))
    return fail(
      'network',
      `${url}: the TLS handshake failed, so ${parsed.host} does not speak HTTPS there. For a plain HTTP service use http://.`,
      e,
    );
  if (e.code === 'ENOTFOUND')
    return fail('network', `${url}: the host ${parsed.hostname} was not found (DNS). Check the spelling.`, e);
  return fail('network', `Request to ${url} failed: ${e.message}`, e);
}

/** Plain HTTP(S) GET with a hard timeout over the whole exchange, a body cap and gzip decoding. */
export function httpRequest(url: string, opts: HttpGetOptions = {}): Promise<Result<HttpResponse, HttpFailureKind>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const checked = checkRequestUrl(url, opts);
  if (!checked.ok) return Promise.resolve(checked);
  const parsed = checked.value;
  const policy = opts.connect ?? LOOPBACK_ONLY;
  const lib = parsed.protocol === 'https:' ? https : http;
  const started = performance.now();
  const signal = opts.signal;
  if (signal?.aborted) return Promise.resolve(abortedFailure(url, signal));
  return new Promise((resolve) => {
    let settled = false;
    const onAbort = () => {
      req.destroy();
      done(abortedFailure(url, signal!));
    };
    const done = (r: Result<HttpResponse, HttpFailureKind>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const req = lib.request(
      parsed,
      {
        method: opts.method ?? 'GET',
        // Names resolve through the policy (localhost names without DNS) and connect to what it approved.
        lookup: policyLookup(policy),
        headers: { 'accept-encoding': 'gzip', 'user-agent': 'PerfLens', ...opts.headers },
      },
      (res) => {
        // The cap is on the decoded bytes; past it the inflation stops at once (a gzip bomb).
        const { stream, stop } = decodedBody(res, String(res.headers['content-encoding'] ?? ''));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            stop();
            req.destroy();
            done(fail('too-large', `The response from ${url} is larger than the ${formatBytes(maxBytes)} limit.`));
            return;
          }
          chunks.push(c);
        });
        stream.on('error', (e: Error) =>
          done(fail('decode', `Could not decode the response from ${url}: ${e.message}`, e)),
        );
        stream.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          done(
            ok({
              status: res.statusCode ?? 0,
              headers,
              body: Buffer.concat(chunks),
              elapsedMs: performance.now() - started,
            }),
          );
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done(fail('timeout', `${url} did not answer within ${timeoutMs} ms.`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done(requestFailure(url, parsed, e)));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
