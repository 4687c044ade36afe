import { connectPolicy, remoteRefusal } from './connect';
import type { Result } from './result';
import { fail, ok } from './result';

export { isLoopbackHost } from './connect';

/** What the user pointed PerfLens at. */
export type TargetSpec =
  { kind: 'url'; baseUrl: string } | { kind: 'pid'; pid: number } | { kind: 'port'; port: number; baseUrl: string };

/**
 * Parses what a user typed: a URL (http://localhost:3000), a bare port (3000 or :3000) or a PID
 * (pid:1234). Only loopback hosts unless remote targets are allowed.
 */
export function parseTarget(
  input: string,
  opts: { allowRemote?: boolean } = {},
): Result<TargetSpec, 'invalid' | 'remote'> {
  const s = input.trim();
  if (!s) return fail('invalid', 'Enter a URL (http://localhost:3000), a port (3000) or a process id (pid:1234).');
  const pidMatch = /^pid[:=\s]\s*(\d+)$/i.exec(s);
  if (pidMatch) {
    const pid = Number(pidMatch[1]);
    if (pid <= 0) return fail('invalid', `${s} is not a valid process id.`);
    return ok({ kind: 'pid', pid });
  }
  const portMatch = /^:?(\d{1,5})$/.exec(s);
  if (portMatch) {
    const port = Number(portMatch[1]);
    if (port < 1 || port > 65535) return fail('invalid', `${port} is not a valid port (1–65535).`);
    return ok({ kind: 'port', port, baseUrl: `http://127.0.0.1:${port}` });
  }
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return fail('invalid', `"${s}" is not a URL, a port or a pid.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail('invalid', `Only http and https targets are supported, not ${url.protocol}`);
  // Checked again where each connection is made; here so a typo is refused as it is typed.
  const refusal = remoteRefusal(url.hostname, connectPolicy(opts.allowRemote));
  if (refusal) return fail('remote', refusal);
  // The base URL is the origin plus any path prefix, without a trailing slash.
  const path = url.pathname.replace(/\/+$/, '');
  return ok({ kind: 'url', baseUrl: `${url.protocol}//${url.host}${path}` });
}

export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
