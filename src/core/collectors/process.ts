/**
 * Per-process resources of the attached service: CPU % and RSS (on Linux from one read of
 * /proc/PID/stat, elsewhere from pidusage), open TCP connections from the socket tables. A pid
 * that has exited is a typed failure so the session can re-resolve the pid from the service's
 * port (a restarted service gets a new pid).
 */
import type Pidusage from 'pidusage';
import type { ProcessStats } from '../session/types';
import type { Result } from '../util/result';
import { processExists } from '../util/process';
import { errorMessage, fail, ok } from '../util/result';
import { TcpConnectionCounter, countTcpConnections } from './portPid';
import { ProcCpuMeter, closeKeptProcessFiles } from './procStat';

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

let pidusage: typeof Pidusage | undefined;

function pidusageModule(): typeof Pidusage {
  // Loaded on first use so that activating the extension stays cheap.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pidusage ??= require('pidusage') as typeof Pidusage;
  return pidusage;
}

function defaultUsage(pid: number): Promise<ProcessUsage> {
  return pidusageModule()(pid);
}

/**
 * CPU and RSS readings for one session: on Linux a meter of its own that keeps only the last
 * reading (see procStat.ts); elsewhere pidusage, whose per-pid history is process-wide.
 */
export function processUsageMeter(procRoot = '/proc'): (pid: number) => Promise<ProcessUsage> {
  if (process.platform !== 'linux') return defaultUsage;
  const meter = new ProcCpuMeter(procRoot);
  return (pid) => {
    try {
      return Promise.resolve(meter.read(pid));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
}

/**
 * Drops pidusage's per-pid history (and its cleanup interval) and closes the kept stat files of
 * the processes measured, once no session needs them.
 */
export function releaseProcessHistory(): void {
  closeKeptProcessFiles();
  // Never loaded (Linux sessions read /proc themselves): nothing to release, and nothing to load.
  pidusage?.clear();
}

/** This process's CPU time so far (user and system), in milliseconds. */
export function ownCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Counts that read the socket tables only when the process's sockets changed (see TcpConnectionCounter). */
function tableCounter(now: () => number): (pid: number) => Promise<number | undefined> {
  const counter = new TcpConnectionCounter(now);
  return (pid) => counter.count(pid);
}

/** The share of one core counting connections may take: a count that costs 5 ms waits 10 s. */
export const CONNECTION_COUNT_CPU_SHARE = 1 / 2000;

/**
 * Counting a process's TCP connections means reading the kernel's socket tables, and the kernel
 * walks its whole connection hash for each (milliseconds of CPU on a machine with much memory,
 * however few sockets there are): too much every second, and the count moves slowly. A count is
 * reused for `minAgeMs`, or longer when counting cost more, so that counting takes at most
 * CONNECTION_COUNT_CPU_SHARE of one core whatever the machine.
 */
export function cachedConnectionCounter(
  now: () => number,
  minAgeMs = 5000,
  count: (pid: number) => Promise<number | undefined> = tableCounter(now),
  cpuMs: () => number = ownCpuMs,
): (pid: number) => Promise<number | undefined> {
  let last: { pid: number; until: number; value: number | undefined } | undefined;
  return async (pid) => {
    const t = now();
    if (last && last.pid === pid && t < last.until) return last.value;
    // On Linux the count is synchronous work inside the promise: this CPU time is its cost.
    const before = cpuMs();
    const counting = count(pid);
    const cost = Math.max(0, cpuMs() - before);
    const value = await counting;
    last = { pid, until: t + Math.max(minAgeMs, cost / CONNECTION_COUNT_CPU_SHARE), value };
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
