import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import { connectPolicy, remoteRefusal } from '../../core/util/connect';

/**
 * What the user typed into Profile Service…, read without touching the system (pure, tested):
 *   1234 or :1234            the service listening on that port (its process is profiled)
 *   pid:1234                 a process id
 *   http://127.0.0.1:3000    a service URL (its port's process)
 *   http://127.0.0.1:6060/debug/pprof/profile or pprof:http://…   a Go pprof endpoint
 *   inspect:9229 or inspect:127.0.0.1:9229                         a Node inspector address
 */
export type ProfileTarget =
  | { kind: 'pid'; pid: number }
  | { kind: 'port'; port: number; host: string }
  | { kind: 'pprof'; url: string }
  | { kind: 'inspect'; host: string; port: number };

function portOk(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

export function parseProfileTarget(
  input: string,
  opts: { allowRemote?: boolean } = {},
): Result<ProfileTarget, 'invalid' | 'remote'> {
  const text = input.trim();
  // Checked again where the capture connects; here so a wrong target is refused as it is typed.
  const remote = (host: string) => remoteRefusal(host, connectPolicy(opts.allowRemote)) !== undefined;
  let m = /^pid:\s*(\d+)$/i.exec(text);
  if (m) {
    const pid = Number(m[1]);
    return pid > 0 ? ok({ kind: 'pid', pid }) : fail('invalid', `"${text}" is not a process id.`);
  }
  m = /^:?(\d{1,5})$/.exec(text);
  if (m) {
    const port = Number(m[1]);
    return portOk(port)
      ? ok({ kind: 'port', port, host: '127.0.0.1' })
      : fail('invalid', `${m[1]} is not a TCP port (1–65535).`);
  }
  m = /^inspect:(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/i.exec(text);
  if (m) {
    const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1';
    const port = Number(m[2]);
    if (!portOk(port)) return fail('invalid', `${m[2]} is not a TCP port (1–65535).`);
    if (remote(host))
      return fail(
        'remote',
        `${host} is not on this machine; PerfLens profiles loopback inspectors only unless perflens.allowRemoteTargets is on.`,
      );
    return ok({ kind: 'inspect', host, port });
  }
  const pprof = /^pprof:/i.test(text);
  const urlText = pprof ? text.slice('pprof:'.length) : text;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(urlText) ? urlText : `http://${urlText}`);
  } catch {
    return fail(
      'invalid',
      `"${text}" is not a port, pid:N, URL or inspect:PORT (examples: 3000, pid:4242, http://127.0.0.1:3000, http://127.0.0.1:6060/debug/pprof/profile).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail('invalid', `Only http and https URLs can be profiled, not ${url.protocol}`);
  if (remote(url.hostname))
    return fail(
      'remote',
      `${url.hostname} is not on this machine; PerfLens profiles loopback services only unless perflens.allowRemoteTargets is on.`,
    );
  if (pprof || url.pathname.includes('/debug/pprof')) return ok({ kind: 'pprof', url: url.href });
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return ok({ kind: 'port', port, host: url.hostname });
}

/** A short label for titles and file names. */
export function targetLabel(t: ProfileTarget): string {
  switch (t.kind) {
    case 'pid':
      return `pid ${t.pid}`;
    case 'port':
      return `port ${t.port}`;
    case 'pprof':
      return new URL(t.url).host;
    case 'inspect':
      return `inspector ${t.host}:${t.port}`;
  }
}
