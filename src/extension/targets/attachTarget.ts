import type { Failure } from '../../core/util/result';
import { connectPolicy } from '../../core/util/connect';
import { processExists } from '../../core/util/process';
import { parseTarget } from '../../core/util/target';
import type { PerfLensSettings } from '../config';
import type { ProbeResult } from '../../core/collectors/probe';
import { endpointOk } from '../../core/collectors/probe';
import type { ProbeFunction } from './probeReport';
import { describeEndpoint, summarizeProbe } from './probeReport';
import type { AttachedTarget, TargetRegistry } from './targetRegistry';
import { labelFor } from './targetRegistry';

export interface AttachDependencies {
  registry: TargetRegistry;
  settings: Pick<PerfLensSettings, 'allowRemoteTargets' | 'metricsPath' | 'healthPath' | 'requestTimeoutMs'>;
  probe: ProbeFunction;
  now: () => number;
  /** Whether a process id is alive; injectable so tests need not guess at foreign pids. */
  processExists?: (pid: number) => boolean;
}

export type AttachFailureKind = 'invalid' | 'remote' | 'no-process';

export type AttachOutcome =
  | { ok: true; target: AttachedTarget; summary: string; details: string[]; healthy: boolean }
  | { ok: false; error: Failure<AttachFailureKind> };

/**
 * Validates what the user typed, probes it, and records it as the attached target.
 * An HTTP target that does not answer is still recorded (the service may be starting),
 * with the probe saying so; a process id that does not exist is refused.
 */
export async function attachTarget(input: string, deps: AttachDependencies): Promise<AttachOutcome> {
  const parsed = parseTarget(input, { allowRemote: deps.settings.allowRemoteTargets });
  if (!parsed.ok) return parsed;
  const spec = parsed.value;
  if (spec.kind === 'pid') {
    const exists = (deps.processExists ?? processExists)(spec.pid);
    if (!exists)
      return {
        ok: false,
        error: {
          kind: 'no-process',
          message: `No process with id ${spec.pid} is running. Check the id (e.g. with ps) and try again.`,
        },
      };
    const target: AttachedTarget = { input: input.trim(), spec, label: labelFor(spec), attachedAt: deps.now() };
    await deps.registry.attach(target);
    return {
      ok: true,
      target,
      summary: `process ${spec.pid} is running. Attach by URL or port to probe its HTTP endpoints.`,
      details: [`pid ${spec.pid}: running`],
      healthy: true,
    };
  }
  const probe = await probeSpec(spec.baseUrl, deps);
  const now = deps.now();
  const target: AttachedTarget = {
    input: input.trim(),
    spec,
    label: labelFor(spec),
    attachedAt: now,
    probe,
    probedAt: now,
  };
  await deps.registry.attach(target);
  return {
    ok: true,
    target,
    summary: summarizeProbe(probe),
    details: [describeEndpoint(probe.metrics), describeEndpoint(probe.health)],
    healthy: endpointOk(probe.metrics) || endpointOk(probe.health),
  };
}

/** Probes the current target again and records the result; undefined when nothing to probe. */
export async function reprobeCurrent(deps: AttachDependencies): Promise<ProbeResult | undefined> {
  const cur = deps.registry.current;
  if (!cur || (cur.spec.kind !== 'url' && cur.spec.kind !== 'port')) return undefined;
  const probe = await probeSpec(cur.spec.baseUrl, deps);
  await deps.registry.recordProbe(cur, probe, deps.now());
  return probe;
}

function probeSpec(baseUrl: string, deps: AttachDependencies): Promise<ProbeResult> {
  return deps.probe(baseUrl, {
    metricsPath: deps.settings.metricsPath,
    healthPath: deps.settings.healthPath,
    timeoutMs: deps.settings.requestTimeoutMs,
    connect: connectPolicy(deps.settings.allowRemoteTargets),
  });
}
