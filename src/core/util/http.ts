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

function abortedFailure(url: string, signal: AbortSignal): ReturnType<typeof fail<'aborted'>> {
  const why = typeof signal.reason === 'string' ? signal.reason : 'it was cancelled';
  return fail('aborted', `${url} had not answered when ${why}; the request was stopped.`);
}

/** Plain HTTP(S) GET with a hard timeout over the whole exchange, a body cap and gzip decoding. */
export function httpRequest(url: string, opts: HttpGetOptions = {}): Promise<Result<HttpResponse, HttpFailureKind>> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(fail('invalid-url', `"${url}" is not a valid URL.`));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.resolve(fail('invalid-url', `Only http and https URLs are supported, not ${parsed.protocol}`));
  }
  const policy = opts.connect ?? LOOPBACK_ONLY;
  const allowed = checkConnectUrl(parsed, policy);
  if (!allowed.ok)
    return Promise.resolve(fail('remote', `PerfLens did not connect to ${url}: ${allowed.error.message}`));
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
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED')
        done(
          fail('refused', `Nothing is listening at ${parsed.host} (connection refused). Is the service running?`, e),
        );
      // OpenSSL's own text ("…ssl3_get_record:wrong version number:../deps/…") tells a user nothing.
      else if (parsed.protocol === 'https:' && (e.code === 'EPROTO' || /SSL|TLS/i.test(e.message)))
        done(
          fail(
            'network',
            `${url}: the TLS handshake failed, so ${parsed.host} does not speak HTTPS there. For a plain HTTP service use http://.`,
            e,
          ),
        );
      else if (e.code === 'ENOTFOUND')
        done(fail('network', `${url}: the host ${parsed.hostname} was not found (DNS). Check the spelling.`, e));
      else done(fail('network', `Request to ${url} failed: ${e.message}`, e));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
