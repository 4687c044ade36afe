/**
 * Per-process resources of the attached service: CPU % and RSS from pidusage, open TCP
 * connections from the socket tables. A pid that has exited is a typed failure so the session
 * can re-resolve the pid from the service's port (a restarted service gets a new pid).
 */
import type Pidusage from 'pidusage';
import type { ProcessStats } from '../session/types';
import type { Result } from '../util/result';
import { processExists } from '../util/process';
import { errorMessage, fail, ok } from '../util/result';
import { countTcpConnections } from './portPid';

export type ProcessFailureKind = 'exited' | 'denied' | 'error';

export interface ProcessUsage {
  /** Percent of one core since the previous call for this pid. */
  cpu: number;
  /** Resident set size, bytes. */
  memory: number;
}

export interface ProcessCollectorDeps {
  usage?: (pid: number) => Promise<ProcessUsage>;
  connections?: (pid: number) => Promise<number | undefined>;
}

function pidusageModule(): typeof Pidusage {
  // Loaded on first use so that activating the extension stays cheap.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pidusage') as typeof Pidusage;
}

function defaultUsage(pid: number): Promise<ProcessUsage> {
  return pidusageModule()(pid);
}

/** Drops pidusage's per-pid history (and its cleanup interval) once no session needs it. */
export function releaseProcessHistory(): void {
  try {
    pidusageModule().clear();
  } catch {
    // pidusage never loaded: nothing to release.
  }
}

/**
 * Counting a process's TCP connections means reading the kernel's socket tables, ~1 ms of CPU
 * each on a busy machine: too much every second, and the count moves slowly. This reuses a count
 * for up to `maxAgeMs` per pid.
 */
export function cachedConnectionCounter(
  now: () => number,
  maxAgeMs = 5000,
  count: (pid: number) => Promise<number | undefined> = countTcpConnections,
): (pid: number) => Promise<number | undefined> {
  let last: { pid: number; at: number; value: number | undefined } | undefined;
  return async (pid) => {
    const t = now();
    if (last && last.pid === pid && t - last.at < maxAgeMs) return last.value;
    const value = await count(pid);
    last = { pid, at: t, value };
    return value;
  };
}

export async function collectProcess(
  pid: number,
  deps: ProcessCollectorDeps = {},
): Promise<Result<ProcessStats, ProcessFailureKind>> {
  if (!processExists(pid)) return fail('exited', `Process ${pid} is not running (it exited or was restarted).`);
  let usage: ProcessUsage;
  try {
    usage = await (deps.usage ?? defaultUsage)(pid);
  } catch (e) {
    if (!processExists(pid)) return fail('exited', `Process ${pid} exited while it was being measured.`, e);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES')
      return fail('denied', `Not allowed to read process ${pid} (it belongs to another user).`, e);
    return fail('error', `Could not read CPU and memory of process ${pid}: ${errorMessage(e)}`, e);
  }
  const openConnections = await (deps.connections ?? countTcpConnections)(pid);
  const stats: ProcessStats = { pid, cpuPercent: usage.cpu, rssBytes: usage.memory };
  if (openConnections !== undefined) stats.openConnections = openConnections;
  return ok(stats);
}
