import type { ConnectPolicy } from '../../util/connect';
import { httpRequest } from '../../util/http';
import type { Result } from '../../util/result';
import { fail, ok } from '../../util/result';

export type PprofFetchFailureKind = 'invalid-url' | 'remote' | 'http' | 'not-pprof';

/** An http(s) URL of a pprof server as typed (`127.0.0.1:6060` is taken as http). */
export function parsePprofUrl(input: string): Result<URL, PprofFetchFailureKind> {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(input) ? input : `http://${input}`);
  } catch {
    return fail('invalid-url', `"${input}" is not a URL (example: http://127.0.0.1:6060).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail('invalid-url', `Only http and https pprof URLs are supported, not ${url.protocol}`);
  return ok(url);
}

/**
 * The CPU-profile URL of a Go service: a base URL (http://127.0.0.1:6060) gets Go's standard
 * /debug/pprof/profile path; a URL that already names a pprof endpoint keeps its path. The
 * seconds parameter is set either way.
 */
export function pprofProfileUrl(input: string, seconds: number): Result<URL, PprofFetchFailureKind> {
  const parsed = parsePprofUrl(input);
  if (!parsed.ok) return parsed;
  const url = parsed.value;
  if (!url.pathname.includes('/debug/pprof/')) url.pathname = url.pathname.replace(/\/+$/, '') + '/debug/pprof/profile';
  url.searchParams.set('seconds', String(Math.max(1, Math.round(seconds))));
  return ok(url);
}

/**
 * Pulls a CPU profile from a Go service's net/http/pprof handler. The server itself samples for
 * the requested seconds, so the request waits that long plus a margin.
 */
export async function fetchPprofProfile(
  input: string,
  seconds: number,
  opts: { connect?: ConnectPolicy; extraTimeoutMs?: number } = {},
): Promise<Result<Buffer, PprofFetchFailureKind>> {
  const u = pprofProfileUrl(input, seconds);
  if (!u.ok) return u;
  return fetchPprof(u.value, seconds * 1000 + (opts.extraTimeoutMs ?? 15_000), opts.connect);
}

/** GETs a pprof endpoint and checks that the answer is a gzipped profile (Go serves them so). */
export async function fetchPprof(
  url: URL,
  timeoutMs: number,
  connect: ConnectPolicy | undefined,
): Promise<Result<Buffer, PprofFetchFailureKind>> {
  const r = await httpRequest(url.href, {
    timeoutMs,
    maxBytes: 512 * 1024 * 1024,
    headers: { 'accept-encoding': 'identity' },
    connect,
  });
  if (!r.ok && r.error.kind === 'remote') return fail('remote', r.error.message);
  if (!r.ok) return fail('http', `Could not fetch a profile from ${url.href}: ${r.error.message}`);
  const { status, body } = r.value;
  if (status !== 200) {
    const hint =
      status === 404 ? ' Is net/http/pprof imported (import _ "net/http/pprof") and served on this port?' : '';
    return fail('http', `${url.href} answered HTTP ${status}: ${body.toString('utf8', 0, 300).trim()}${hint}`);
  }
  // Go serves the profile gzipped (application/octet-stream, no content-encoding).
  if (!(body.length > 2 && body[0] === 0x1f && body[1] === 0x8b)) {
    return fail(
      'not-pprof',
      `${url.href} answered, but not with a gzipped pprof profile (first bytes: ${JSON.stringify(body.toString('utf8', 0, 60))}).`,
    );
  }
  return ok(body);
}
