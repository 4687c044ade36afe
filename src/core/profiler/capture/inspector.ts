import type { CpuProfileJson } from '../formats/cpuprofile';
import { CdpSession } from './cdp';
import type { InspectorAddress } from './processInfo';
import { inspectorFromArgs, listeningPorts, processRuntime, readCmdline } from './processInfo';
import type { Clock } from '../../util/clock';
import { foregroundClock, systemClock } from '../../util/clock';
import { httpRequest } from '../../util/http';
import type { ConnectPolicy } from '../../util/connect';
import { ConnectRefusedError, LOOPBACK_ONLY, connectHostForBind, isLoopbackName } from '../../util/connect';
import type { Result } from '../../util/result';
import { errorMessage, fail, ok } from '../../util/result';

export type InspectorFailureKind =
  'no-inspector' | 'not-node' | 'no-process' | 'remote' | 'protocol' | 'cancelled' | 'signal';

export interface InspectorTarget {
  id: string;
  type: string;
  title: string;
  url: string;
  webSocketDebuggerUrl: string;
}

export interface CaptureOptions {
  durationMs: number;
  /** V8 sampling interval in microseconds (V8's default is 1000). */
  samplingIntervalUs?: number;
  /** Stops the wait early; the capture then fails with kind 'cancelled' after stopping the profiler. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Where the capture may connect (the inspector, and the debugger URL it names); default loopback only. */
  connect?: ConnectPolicy;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** host:port as a person writes it ([::1]:9229 for IPv6). */
export function hostPort(addr: InspectorAddress): string {
  return `${hostForUrl(addr.host)}:${addr.port}`;
}

/** The debuggable targets of an inspector, from its /json/list endpoint. */
export async function listInspectorTargets(
  addr: InspectorAddress,
  timeoutMs = 2000,
  connect: ConnectPolicy = LOOPBACK_ONLY,
): Promise<Result<InspectorTarget[], InspectorFailureKind>> {
  // Node's inspector answers only a Host that is an IP address or "localhost" (its guard against
  // DNS rebinding), so a *.localhost name is sent as localhost; it still connects to loopback.
  const headers: Record<string, string> = isLoopbackName(addr.host) ? { host: `localhost:${addr.port}` } : {};
  const r = await httpRequest(`http://${hostForUrl(addr.host)}:${addr.port}/json/list`, {
    timeoutMs,
    connect,
    headers,
  });
  if (!r.ok && r.error.kind === 'remote') return fail('remote', r.error.message);
  if (!r.ok) {
    const why = r.error.kind === 'refused' ? 'nothing is listening on that port' : r.error.message.replace(/\.$/, '');
    return fail(
      'no-inspector',
      `No Node inspector answers at ${hostPort(addr)}: ${why}. Is the process running with --inspect?`,
    );
  }
  try {
    const list = JSON.parse(r.value.body.toString('utf8')) as InspectorTarget[];
    const usable = Array.isArray(list) ? list.filter((t) => typeof t?.webSocketDebuggerUrl === 'string') : [];
    if (usable.length === 0)
      return fail(
        'no-inspector',
        `The inspector at ${hostPort(addr)} lists no debuggable target (is another debugger attached?).`,
      );
    return ok(usable);
  } catch {
    return fail(
      'no-inspector',
      `${hostPort(addr)} answered /json/list with something that is not an inspector target list.`,
    );
  }
}

/**
 * Finds the inspector of a running Node process: the port its command line asks for, else any
 * port it listens on that answers /json/list (covers --inspect=0 and inspectors opened by SIGUSR1).
 */
export async function findInspector(
  pid: number,
  opts: { procRoot?: string; connect?: ConnectPolicy } = {},
): Promise<Result<InspectorAddress, InspectorFailureKind>> {
  const procRoot = opts.procRoot ?? '/proc';
  const args = readCmdline(pid, procRoot);
  if (!args) return fail('no-process', `No process ${pid} is running (or its command line cannot be read).`);
  const asked = inspectorFromArgs(args);
  // --inspect=0.0.0.0:9229 (the container idiom) listens on every interface: reach it over loopback.
  const fromArgs = asked && { host: connectHostForBind(asked.host), port: asked.port };
  // Only ports this process owns: when its inspector could not bind the port its command line
  // names, whoever holds that port (another program's inspector, say) is not this process. The
  // command-line port alone is trusted only when the process's sockets cannot be read.
  const owned = listeningPorts(pid, procRoot);
  const candidates: InspectorAddress[] = [];
  if (fromArgs && fromArgs.port > 0 && (owned === undefined || owned.includes(fromArgs.port)))
    candidates.push(fromArgs);
  for (const port of owned ?? [])
    if (!candidates.some((c) => c.port === port)) candidates.push({ host: fromArgs?.host ?? '127.0.0.1', port });
  for (const c of candidates) {
    const t = await listInspectorTargets(c, 1000, opts.connect);
    if (t.ok) return ok(c);
    if (t.error.kind === 'remote')
      return fail(
        'remote',
        `The command line of process ${pid} puts its inspector at ${hostPort(c)}. ${t.error.message}`,
      );
  }
  return fail(
    'no-inspector',
    `Process ${pid} has no Node inspector listening${asked ? ` (its command line asks for ${hostPort(asked)})` : ''}. Start it with --inspect, or let PerfLens enable the inspector with SIGUSR1.`,
  );
}

export interface EnableInspectorOptions {
  /** How long to wait for the inspector to listen after the signal (default 10 s). */
  timeoutMs?: number;
  clock?: Clock;
  procRoot?: string;
  /** Called about once a second while waiting, with the time waited so far. */
  onWait?: (waitedMs: number) => void;
}

export const DEFAULT_ENABLE_INSPECTOR_TIMEOUT_MS = 10_000;

/**
 * Opens the inspector of a Node process started without --inspect by sending it SIGUSR1, then
 * waits for it to listen. The caller must ask the user first: this opens a debug port.
 * Node opens the inspector a few milliseconds after the signal, so the first look usually finds
 * nothing: the wait polls on timers that keep the process alive (foregroundClock), because a CLI
 * whose only pending work is an unreferenced timer simply ends.
 */
export async function enableInspector(
  pid: number,
  opts: EnableInspectorOptions = {},
): Promise<Result<InspectorAddress, InspectorFailureKind>> {
  const procRoot = opts.procRoot ?? '/proc';
  const runtime = processRuntime(pid, procRoot);
  if (runtime === undefined) return fail('no-process', `No process ${pid} is running.`);
  // SIGUSR1 terminates most programs; only Node treats it as "open the inspector".
  if (runtime !== 'node')
    return fail(
      'not-node',
      `Process ${pid} is not a Node process, so PerfLens will not send it SIGUSR1 (that would stop most programs).`,
    );
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (e) {
    return fail('signal', `Could not signal process ${pid}: ${errorMessage(e)} (it may belong to another user).`);
  }
  const clock = opts.clock ?? foregroundClock;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_ENABLE_INSPECTOR_TIMEOUT_MS;
  const started = clock.now();
  let lastReport = started;
  for (;;) {
    const found = await findInspector(pid, { procRoot });
    if (found.ok) return found;
    if (found.error.kind === 'no-process')
      return fail('no-process', `Process ${pid} exited after it was sent SIGUSR1, before its inspector opened.`);
    const now = clock.now();
    if (now - started >= timeoutMs) {
      return fail(
        'no-inspector',
        `Process ${pid} got SIGUSR1 but no inspector started listening within ${timeoutMs} ms. Node prints why on that process's stderr; the usual cause is that its inspector port (9229 unless --inspect-port says otherwise) is taken by another process. Start the service with --inspect=127.0.0.1:0 instead, or profile it with --inspect HOST:PORT.`,
      );
    }
    if (opts.onWait && now - lastReport >= 1000) {
      lastReport = now;
      opts.onWait(now - started);
    }
    await new Promise<void>((r) => clock.setTimeout(r, 100));
  }
}

/** Waits ms on the clock, or until the signal aborts; resolves true when aborted. */
export function waitOrAbort(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(true);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Connects a DevTools Protocol session to the Node target of an inspector: its /json/list first,
 * then the debugger URL it names, which is checked against the connect policy like any address.
 */
export async function openInspectorSession(
  addr: InspectorAddress,
  opts: { clock?: Clock; connect?: ConnectPolicy },
): Promise<Result<CdpSession, InspectorFailureKind>> {
  const targets = await listInspectorTargets(addr, 2000, opts.connect);
  if (!targets.ok) return targets;
  const target = targets.value.find((t) => t.type === 'node') ?? targets.value[0]!;
  try {
    return ok(await CdpSession.connect(target.webSocketDebuggerUrl, { clock: opts.clock, connect: opts.connect }));
  } catch (e) {
    if (e instanceof ConnectRefusedError)
      return fail(
        'remote',
        `The inspector at ${hostPort(addr)} names ${target.webSocketDebuggerUrl} as its debugger address; PerfLens did not connect there: ${e.message}`,
      );
    return fail('protocol', `Could not connect to the inspector at ${target.webSocketDebuggerUrl}: ${errorMessage(e)}`);
  }
}

/**
 * Records a CPU profile of a Node process through its inspector (Chrome DevTools Protocol):
 * Profiler.enable, setSamplingInterval, start, wait, stop. Returns the .cpuprofile JSON.
 */
export async function captureNodeProfile(
  addr: InspectorAddress,
  opts: CaptureOptions,
): Promise<Result<CpuProfileJson, InspectorFailureKind>> {
  const opened = await openInspectorSession(addr, opts);
  if (!opened.ok) return opened;
  const session = opened.value;
  const clock = opts.clock ?? systemClock;
  let started = false;
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', {
      interval: Math.max(1, Math.round(opts.samplingIntervalUs ?? 1000)),
    });
    await session.send('Profiler.start');
    started = true;
    const aborted = await waitOrAbort(clock, opts.durationMs, opts.signal);
    const { profile } = await session.send<{ profile: CpuProfileJson }>('Profiler.stop', {}, 60_000);
    started = false;
    await session.send('Profiler.disable').catch(() => undefined);
    if (aborted) return fail('cancelled', 'The profile capture was cancelled.');
    return ok(profile);
  } catch (e) {
    return fail('protocol', `The inspector at ${hostPort(addr)} failed during the capture: ${errorMessage(e)}`);
  } finally {
    // Never leave the target profiling (it costs CPU) when something went wrong midway.
    if (started) await session.send('Profiler.stop', {}, 5000).catch(() => undefined);
    session.close();
  }
}
