import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaptureFacts } from '../../core/profiler/capture/keep';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import type { ProfileTarget } from './profileServiceTarget';
import { targetLabel } from './profileServiceTarget';
import { connectPolicy } from '../../core/util/connect';
import { formatSpan } from '../../shared/format';

/**
 * Records a CPU profile of a running service with the core capture functions (Node inspector,
 * SIGUSR1 to open one, Go pprof over HTTP, py-spy) and writes it to a file, so the same loader
 * (worker thread, source maps) reads captured and imported profiles alike.
 */
export interface CaptureRequest {
  target: ProfileTarget;
  durationMs: number;
  signal: AbortSignal;
  allowRemote: boolean;
  /** Folder the recording is written to. */
  outDir: string;
  /** The profile size limit in bytes (perflens.profile.maxSizeMb). */
  maxBytes?: number;
  /** Asked before SIGUSR1 opens a Node process's inspector; false refuses. */
  confirmEnableInspector(pid: number): Promise<boolean>;
  progress(message: string): void;
}

export interface CaptureResult {
  file: string;
  /** "pid 4242 (node) · 10 s" */
  label: string;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function outFile(req: CaptureRequest, name: string, ext: string): string {
  fs.mkdirSync(req.outDir, { recursive: true });
  return path.join(req.outDir, `${name.replace(/[^\w.-]+/g, '-')}-${stamp()}${ext}`);
}

function facts(req: CaptureRequest, source: string): CaptureFacts {
  return { durationMs: req.durationMs, source, maxBytes: req.maxBytes };
}

/** Where a recording comes from, once the user's target is resolved to a process and runtime. */
export type ResolvedTarget =
  | { kind: 'node'; address: { host: string; port: number }; label: string }
  | { kind: 'python'; pid: number }
  | { kind: 'pprof'; url: string };

/**
 * Resolves a target to a Node inspector (opening one with SIGUSR1 only after confirmation), a
 * Python process or a Go pprof URL: the one way CPU and heap captures find what to record.
 */
export async function resolveCaptureTarget(
  req: Pick<CaptureRequest, 'target' | 'allowRemote' | 'confirmEnableInspector' | 'progress'>,
): Promise<Result<ResolvedTarget>> {
  const { target } = req;
  if (target.kind === 'pprof') return ok({ kind: 'pprof', url: target.url });
  const inspector = await import('../../core/profiler/capture/inspector');
  if (target.kind === 'inspect')
    return ok({ kind: 'node', address: { host: target.host, port: target.port }, label: targetLabel(target) });
  let pid: number;
  if (target.kind === 'port') {
    const { findPidByPort } = await import('../../core/collectors/portPid');
    const found = await findPidByPort(target.port);
    if (!found.ok)
      return fail(
        'no-process',
        `${found.error.message} Start the service first, or give its pid (pid:N) or a Go pprof URL.`,
      );
    pid = found.value;
  } else {
    pid = target.pid;
  }
  const { processRuntime } = await import('../../core/profiler/capture/processInfo');
  const runtime = processRuntime(pid);
  if (runtime === undefined) return fail('no-process', `No process ${pid} is running.`);
  if (runtime === 'python') return ok({ kind: 'python', pid });
  if (runtime !== 'node')
    return fail(
      'not-supported',
      `Process ${pid} is neither Node nor Python. For a Go service give its pprof URL (http://127.0.0.1:PORT/debug/pprof/profile, net/http/pprof).`,
    );
  let addr = await inspector.findInspector(pid, { connect: connectPolicy(req.allowRemote) });
  if (!addr.ok && addr.error.kind === 'no-inspector') {
    if (!(await req.confirmEnableInspector(pid)))
      return fail(
        'cancelled',
        `Process ${pid} has no inspector open, and PerfLens did not open one. Start it with --inspect to profile it.`,
      );
    req.progress(`Opening the inspector of process ${pid} (SIGUSR1)…`);
    addr = await inspector.enableInspector(pid);
  }
  if (!addr.ok) return fail(addr.error.kind, addr.error.message);
  return ok({ kind: 'node', address: addr.value, label: `pid ${pid}` });
}

export async function captureProfile(req: CaptureRequest): Promise<Result<CaptureResult>> {
  const resolved = await resolveCaptureTarget(req);
  if (!resolved.ok) return resolved;
  const r = resolved.value;
  if (r.kind === 'pprof') return capturePprof(req, r.url);
  if (r.kind === 'python') return capturePySpy(req, r.pid);
  return captureInspector(req, r.address, r.label);
}

async function captureInspector(
  req: CaptureRequest,
  addr: { host: string; port: number },
  label: string,
): Promise<Result<CaptureResult>> {
  const { captureNodeProfile } = await import('../../core/profiler/capture/inspector');
  req.progress(`Recording ${formatSpan(req.durationMs)} from ${label} (inspector ${addr.host}:${addr.port})…`);
  const r = await captureNodeProfile(addr, {
    durationMs: req.durationMs,
    signal: req.signal,
    connect: connectPolicy(req.allowRemote),
  });
  if (!r.ok) return fail(r.error.kind, r.error.message);
  const file = outFile(req, label, '.cpuprofile');
  const { keepCapture } = await import('../../core/profiler/capture/keep');
  const kept = await keepCapture(
    Buffer.from(JSON.stringify(r.value)),
    file,
    facts(req, `the Node inspector at ${addr.host}:${addr.port}`),
  );
  if (!kept.ok) return kept;
  return ok({ file, label: `${label} · ${formatSpan(req.durationMs)}` });
}

async function capturePprof(req: CaptureRequest, url: string): Promise<Result<CaptureResult>> {
  const { fetchPprofProfile } = await import('../../core/profiler/capture/pprofHttp');
  const label = new URL(url).host;
  req.progress(`Recording ${formatSpan(req.durationMs)} from ${label} (Go pprof)…`);
  const fetched = fetchPprofProfile(url, req.durationMs / 1000, { connect: connectPolicy(req.allowRemote) });
  // The Go server samples for the whole duration before it answers; cancelling stops waiting for it.
  const cancelled = new Promise<'cancelled'>((resolve) => {
    if (req.signal.aborted) resolve('cancelled');
    req.signal.addEventListener('abort', () => resolve('cancelled'), { once: true });
  });
  const r = await Promise.race([fetched, cancelled]);
  if (r === 'cancelled') return fail('cancelled', 'The profile capture was cancelled.');
  if (!r.ok) return fail(r.error.kind, r.error.message);
  const file = outFile(req, `pprof-${label}`, '.pb.gz');
  const { keepCapture } = await import('../../core/profiler/capture/keep');
  const kept = await keepCapture(r.value, file, facts(req, `the Go service at ${label}`));
  if (!kept.ok) return kept;
  return ok({ file, label: `${label} (pprof) · ${formatSpan(req.durationMs)}` });
}

async function capturePySpy(req: CaptureRequest, pid: number): Promise<Result<CaptureResult>> {
  const { recordWithPySpy } = await import('../../core/profiler/capture/pyspy');
  req.progress(`Recording ${formatSpan(req.durationMs)} from Python process ${pid} (py-spy)…`);
  const file = outFile(req, `pid${pid}-py-spy`, '.txt');
  const r = await recordWithPySpy({
    pid,
    durationSeconds: req.durationMs / 1000,
    outFile: file,
    format: 'raw',
    signal: req.signal,
  });
  if (!r.ok) return fail(r.error.kind, r.error.message);
  const { keepRecordedFile } = await import('../../core/profiler/capture/keep');
  const kept = await keepRecordedFile(file, facts(req, 'py-spy'));
  if (!kept.ok) return kept;
  return ok({ file, label: `pid ${pid} (python) · ${formatSpan(req.durationMs)}` });
}
