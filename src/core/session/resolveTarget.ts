/** The user's target (a URL, a port, pid:N) resolved to what a session collects from. */
import { healthPathCandidates } from '../collectors/healthVerdict';
import { connectPolicy, remoteRefusal } from '../util/connect';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import type { TargetSpec } from '../util/target';
import { isLoopbackHost, joinUrl, parseTarget } from '../util/target';
import type { AttachSessionOptions } from './session';
import { DEFAULT_METRICS_PATH } from './session';

/** What the session resolved the user's target to. */
export interface ResolvedTarget {
  id: string;
  baseUrl?: string;
  metricsUrl?: string;
  healthPaths: string[];
  /** Port the service listens on, when known (for pid discovery after restarts). */
  port?: number;
  /** Pid the user gave, if any. */
  pid?: number;
  local: boolean;
}

export function resolveTarget(opts: AttachSessionOptions): Result<ResolvedTarget, 'invalid' | 'remote'> {
  let spec: TargetSpec;
  if (typeof opts.target === 'string') {
    const r = parseTarget(opts.target, { allowRemote: opts.allowRemote });
    if (!r.ok) return r;
    spec = r.value;
  } else {
    spec = opts.target;
    if (spec.kind !== 'pid') {
      const refusal = remoteRefusal(new URL(spec.baseUrl).hostname, connectPolicy(opts.allowRemote));
      if (refusal) return fail('remote', refusal);
    }
  }
  const healthPaths = healthPathCandidates(opts.healthPath, opts.statusPath);
  if (spec.kind === 'pid') return ok({ id: opts.id ?? `pid:${spec.pid}`, pid: spec.pid, healthPaths, local: true });
  const url = new URL(spec.baseUrl);
  const local = isLoopbackHost(url.hostname);
  const port = spec.kind === 'port' ? spec.port : url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return ok({
    id: opts.id ?? spec.baseUrl,
    baseUrl: spec.baseUrl,
    metricsUrl: joinUrl(spec.baseUrl, opts.metricsPath ?? DEFAULT_METRICS_PATH),
    healthPaths,
    port,
    local,
  });
}
