/**
 * The editor's side of a "Prometheus server" target, free of the editor API so it is unit-tested:
 * what the target registry remembers (server URL and selector, never credentials), how it is
 * written as one input string (for the recent list), the credentials' SecretStorage form, and
 * what the attach command's arguments may be.
 */
import type { PrometheusAuth, PrometheusTarget } from '../../core/prometheus';
import { parsePrometheusTarget, prometheusTargetId } from '../../core/prometheus';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';

/** What the registry keeps of a Prometheus-server target (credentials live in SecretStorage). */
export interface PrometheusSpec {
  kind: 'prometheus';
  /** Canonical base URL, as parsePrometheusTarget returns it. */
  serverUrl: string;
  /** Canonical selector, e.g. `job="demo"`. */
  selector: string;
}

const INPUT_PREFIX = 'prometheus:';

/** The target's id, also its recent-list input: `prometheus:<server>{<selector>}` (the core's id). */
export function prometheusInput(spec: Pick<PrometheusSpec, 'serverUrl' | 'selector'>): string {
  return prometheusTargetId(spec);
}

/** Reads an input written by prometheusInput back into URL and selector; undefined for other inputs. */
export function parsePrometheusInput(input: string): { url: string; selector: string } | undefined {
  const text = input.trim();
  if (!text.startsWith(INPUT_PREFIX) || !text.endsWith('}')) return undefined;
  const body = text.slice(INPUT_PREFIX.length, -1);
  const open = body.indexOf('{');
  if (open <= 0) return undefined;
  return { url: body.slice(0, open), selector: body.slice(open + 1) };
}

/** Short label for views, the status bar and the dashboard: the selector at the server's host. */
export function prometheusLabel(spec: Pick<PrometheusSpec, 'serverUrl' | 'selector'>): string {
  let host = spec.serverUrl;
  try {
    host = new URL(spec.serverUrl).host;
  } catch {
    // Stored specs were canonical when saved; an odd one still gets a label.
  }
  return `${spec.selector} @ ${host}`;
}

export function specOf(target: PrometheusTarget): PrometheusSpec {
  return { kind: 'prometheus', serverUrl: target.serverUrl, selector: target.selector };
}

/** SecretStorage key of a server's credentials: one per server URL. */
export function prometheusSecretKey(serverUrl: string): string {
  return `perflens.prometheus.auth:${serverUrl}`;
}

export function serializeAuth(auth: PrometheusAuth): string {
  return JSON.stringify(auth);
}

/** Reads stored credentials; anything malformed counts as none rather than being sent. */
export function deserializeAuth(text: string | undefined): PrometheusAuth | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v.kind === 'bearer' && typeof v.token === 'string' && v.token) return { kind: 'bearer', token: v.token };
    if (v.kind === 'basic' && typeof v.user === 'string' && v.user && typeof v.password === 'string')
      return { kind: 'basic', user: v.user, password: v.password };
  } catch {
    // Not JSON: treated as no credentials.
  }
  return undefined;
}

/** Checks a user name for basic auth; undefined when usable (the input box shows the message). */
export function basicUserProblem(user: string): string | undefined {
  if (!user) return 'Enter the user name.';
  if (user.includes(':')) return 'A basic-auth user name cannot contain ":" (it separates user and password).';
  return undefined;
}

/** The arguments `executeCommand('perflens.attachPrometheus', …)` takes. */
export interface AttachPrometheusArgs {
  url: string;
  selector: string;
  /** Stored in SecretStorage for the server; omitted: credentials already stored are kept. */
  auth?: PrometheusAuth;
}

export function readAttachPrometheusArgs(arg: unknown): Result<AttachPrometheusArgs | undefined, 'invalid'> {
  if (arg === undefined || arg === null) return ok(undefined);
  if (typeof arg === 'string') {
    const parsed = parsePrometheusInput(arg);
    return parsed
      ? ok(parsed)
      : fail('invalid', `"${arg}" does not name a Prometheus target (expected prometheus:<server URL>{<selector>}).`);
  }
  if (typeof arg !== 'object') return fail('invalid', 'Expected { url, selector } as the argument.');
  const a = arg as Record<string, unknown>;
  // A recent target's tree item carries its input.
  if (typeof a.targetInput === 'string') return readAttachPrometheusArgs(a.targetInput);
  if (typeof a.url !== 'string' || typeof a.selector !== 'string')
    return fail('invalid', 'Expected { url, selector } as the argument (both strings).');
  if (a.auth === undefined) return ok({ url: a.url, selector: a.selector });
  const auth = deserializeAuth(JSON.stringify(a.auth));
  if (!auth) return fail('invalid', 'auth must be { kind: "bearer", token } or { kind: "basic", user, password }.');
  return ok({ url: a.url, selector: a.selector, auth });
}

/**
 * Validates the URL alone, for the first input box: the core's target parser with a placeholder
 * selector, so URL problems (not http, remote, credentials in the URL) read as the CLI's do.
 */
export function serverUrlProblem(url: string, allowRemote: boolean): string | undefined {
  if (!url.trim()) return 'Enter the Prometheus server URL, e.g. http://127.0.0.1:9090';
  const r = parsePrometheusTarget(url, 'job="placeholder"', { allowRemote });
  return r.ok ? undefined : r.error.message;
}

/** Validates the selector with the core's parser (the second input box shows the message). */
export function selectorProblem(selector: string): string | undefined {
  if (!selector.trim())
    return 'Enter a selector naming the service, e.g. job="api" (and optionally instance="host:port").';
  const r = parsePrometheusTarget('http://127.0.0.1:9090', selector, { allowRemote: false });
  return r.ok ? undefined : r.error.message;
}

/**
 * Failures of the first read after attaching that mean the target itself is wrong (refused),
 * as opposed to a server that is down or still scraping (kept, retried every interval).
 */
export function refusesAttach(kind: string): boolean {
  return (
    kind === 'bad-selector' ||
    kind === 'bad-query' ||
    kind === 'invalid-url' ||
    kind === 'unauthorized' ||
    kind === 'not-found'
  );
}

/** What to do about a failure of the first read, in words, appended to its message. */
export function attachAdvice(kind: string): string {
  switch (kind) {
    case 'unreachable':
      return 'PerfLens keeps trying every collection interval; check that the server runs and the URL is right.';
    case 'timeout':
      return 'PerfLens keeps trying every collection interval; a narrower selector or a less loaded server answers faster.';
    case 'empty':
      return 'PerfLens keeps trying every collection interval, so a service the server has just started scraping shows up by itself.';
    case 'unauthorized':
      return 'Attach again and choose the credentials the server expects (bearer token or basic auth).';
    default:
      return '';
  }
}
