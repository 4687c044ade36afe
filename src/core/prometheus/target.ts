/**
 * The "Prometheus server" target kind: a server URL plus a selector naming the service (job, and
 * optionally instance or other labels), with optional credentials.
 */
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import type { ConnectPolicy } from '../util/connect';
import { connectPolicy, remoteRefusal } from '../util/connect';
import type { PrometheusAuth } from './client';
import type { LabelMatcher } from './selector';
import { parseSelector, renderMatchers } from './selector';

export interface PrometheusTarget {
  kind: 'prometheus';
  /** Base URL without a trailing slash; a path prefix (http://host/prometheus) is kept. */
  serverUrl: string;
  /** The selector in canonical form, e.g. `job="demo", instance="127.0.0.1:3100"`. */
  selector: string;
  matchers: LabelMatcher[];
  auth?: PrometheusAuth;
  /** Server-side evaluation limit per query (the `timeout` parameter), ms. */
  queryTimeoutMs?: number;
  /** Where the server may be; set by parsePrometheusTarget, default loopback only. */
  connect?: ConnectPolicy;
}

export type PrometheusTargetFailureKind = 'invalid-url' | 'remote' | 'bad-selector' | 'bad-credentials';

export interface PrometheusTargetOptions {
  allowRemote?: boolean;
  auth?: PrometheusAuth;
  queryTimeoutMs?: number;
}

export function parsePrometheusTarget(
  url: string,
  selector: string,
  opts: PrometheusTargetOptions = {},
): Result<PrometheusTarget, PrometheusTargetFailureKind> {
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return fail('invalid-url', `"${url}" is not a Prometheus server URL (example: http://127.0.0.1:9090).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return fail('invalid-url', `Only http and https Prometheus servers are supported, not ${parsed.protocol}`);
  if (parsed.username || parsed.password) {
    return fail(
      'bad-credentials',
      'Put credentials in PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD (or PERFLENS_PROMETHEUS_TOKEN), not in the URL, where they would show in logs and shell history.',
    );
  }
  // Checked again at every request; here so a wrong URL is refused as it is typed.
  const connect = connectPolicy(opts.allowRemote);
  const refusal = remoteRefusal(parsed.hostname, connect);
  if (refusal) return fail('remote', `Reading from a remote Prometheus server must be allowed explicitly: ${refusal}`);
  const matchers = parseSelector(selector);
  if (!matchers.ok) return matchers;
  const path = parsed.pathname.replace(/\/+$/, '');
  return ok({
    kind: 'prometheus',
    serverUrl: `${parsed.protocol}//${parsed.host}${path}`,
    selector: renderMatchers(matchers.value),
    matchers: matchers.value,
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.queryTimeoutMs !== undefined ? { queryTimeoutMs: opts.queryTimeoutMs } : {}),
    connect,
  });
}

/** Stable id for snapshots and the history store: the server and the selector. */
export function prometheusTargetId(t: Pick<PrometheusTarget, 'serverUrl' | 'selector'>): string {
  return `prometheus:${t.serverUrl}{${t.selector}}`;
}

/**
 * Credentials from the environment (the CLI's way; the extension keeps them in SecretStorage):
 * PERFLENS_PROMETHEUS_TOKEN for a bearer token, or PERFLENS_PROMETHEUS_USER and
 * PERFLENS_PROMETHEUS_PASSWORD for basic auth.
 */
export function prometheusAuthFromEnv(
  env: Record<string, string | undefined>,
): Result<PrometheusAuth | undefined, 'bad-credentials'> {
  const token = env.PERFLENS_PROMETHEUS_TOKEN;
  const user = env.PERFLENS_PROMETHEUS_USER;
  const password = env.PERFLENS_PROMETHEUS_PASSWORD;
  if (token && (user || password))
    return fail(
      'bad-credentials',
      'Set either PERFLENS_PROMETHEUS_TOKEN (bearer token) or PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD (basic auth), not both.',
    );
  if (token) return ok({ kind: 'bearer', token });
  if (user !== undefined || password !== undefined) {
    if (!user || password === undefined)
      return fail(
        'bad-credentials',
        'Basic auth needs both PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD.',
      );
    if (user.includes(':'))
      return fail(
        'bad-credentials',
        'PERFLENS_PROMETHEUS_USER must not contain ":" (basic auth separates user and password with it).',
      );
    return ok({ kind: 'basic', user, password });
  }
  return ok(undefined);
}
