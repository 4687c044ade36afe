import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import type { CliIO } from '../io';
import { flagString, parseArgs, parseDuration, refuseFlags } from '../args';
import { EXIT_OK } from '../io';
import {
  PROFILE_SIZE_FLAG,
  PROFILE_SIZE_USAGE,
  fmtLocation,
  parsePositiveInt,
  profileSizeLimit,
} from './profileShared';
import { formatBytes, formatMs, formatSpan, plural } from '../../shared/format';
import type { CaptureFacts, KeepFailureKind } from '../../core/profiler/capture/keep';
import { keepCapture, keepRecordedFile } from '../../core/profiler/capture/keep';
import { captureNodeProfile, enableInspector, findInspector } from '../../core/profiler/capture/inspector';
import { fetchPprofProfile } from '../../core/profiler/capture/pprofHttp';
import { captureNodeHeapProfile, fetchPprofHeap } from '../../core/profiler/capture/heapCapture';
import type { InspectorAddress } from '../../core/profiler/capture/processInfo';
import { processRuntime } from '../../core/profiler/capture/processInfo';
import { recordWithPySpy } from '../../core/profiler/capture/pyspy';
import { loadProfileFile } from '../../core/profiler/load';
import { topFunctions, weightUnit } from '../../core/profiler/model';
import { reportHeap } from './profileRecordHeap';
import { selectProfile } from '../../core/profiler/summary';
import { connectPolicy } from '../../core/util/connect';
import type { ConnectPolicy } from '../../core/util/connect';
import type { Result } from '../../core/util/result';
import { UserError } from '../../core/util/result';

const USAGE = `Usage: perflens profile record (--pid PID | --inspect [HOST:]PORT | --pprof URL) [--heap] [--duration 10s] [-o FILE]
                               [--interval 1000] [--enable-inspector] [--allow-remote] [--max-profile-size SIZE] [--json]

Records a CPU profile (or with --heap, a heap profile) of a running service and writes it to FILE:
  --pid PID         a Node process (through its inspector, found from its command line or its
                    listening ports) or a Python process (through py-spy, when on PATH)
  --inspect H:P     a Node inspector address, e.g. 127.0.0.1:9229 or 9229
  --pprof URL       a Go service with net/http/pprof, e.g. http://127.0.0.1:6060
  --duration D      how long to sample (default 10s; 500ms, 30s, 2m …)
  --interval US     V8 sampling interval in microseconds (Node only; default 1000)
  --enable-inspector  for a Node process started without --inspect: send it SIGUSR1 to open its
                    inspector (this opens a debug port on 127.0.0.1:9229 until the process exits)
  --heap            a heap profile instead: Node samples allocations over the inspector for
                    --duration and writes the objects still alive at the end (after a garbage
                    collection) as .heapprofile; Go answers /debug/pprof/heap (or /debug/pprof/allocs
                    when the URL names it) at once, as .pb.gz. Not for Python.
  -o FILE           output file (default perflens-<source>-<time>.cpuprofile / .heapprofile / .pb.gz / .txt)
${PROFILE_SIZE_USAGE}

A file is written only when the recording holds samples: an idle process gives "No samples in N s"
and no file. Ctrl-C stops a capture early without writing a file. Only loopback targets unless --allow-remote.
--json prints {"file", "source": "inspector"|"pprof"|"py-spy", "format", "bytes", "durationMs",
"samples", "top": {"name", "file", "line", "selfMs", "selfSamples"} | null}; with --heap {"file",
"source", "format", "bytes", "sampleType", "unit", "total", "top": {"name", "file", "line", "self"} | null}.
Exit codes: 0 recorded, 1 no samples (the process was idle; no file written), 2 bad usage or the
target could not be profiled.`;

function parseInspect(text: string): InspectorAddress {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new UserError(`--inspect is [HOST:]PORT, e.g. 127.0.0.1:9229, not "${text}".`);
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1', port };
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** An AbortSignal that fires on Ctrl-C while a capture runs. */
function interruptSignal(): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  return { signal: ac.signal, release: () => process.removeListener('SIGINT', onInt) };
}

async function nodeAddressForPid(
  pid: number,
  enable: boolean,
  io: CliIO,
  connect: ConnectPolicy,
): Promise<InspectorAddress> {
  const found = await findInspector(pid, { connect });
  if (found.ok) return found.value;
  if (found.error.kind === 'no-process' || found.error.kind === 'remote') throw new UserError(found.error.message);
  if (!enable)
    throw new UserError(
      `${found.error.message}\nTo open it without a restart, run again with --enable-inspector (sends SIGUSR1; the debug port stays open until the process exits).`,
    );
  io.err(`Sending SIGUSR1 to process ${pid} to open its inspector…`);
  const enabled = await enableInspector(pid, {
    onWait: (ms) => io.err(`Waiting for process ${pid} to open its inspector… (${Math.round(ms / 1000)} s)`),
  });
  if (!enabled.ok) throw new UserError(enabled.error.message);
  io.err(`The inspector of process ${pid} is listening on ${enabled.value.host}:${enabled.value.port}.`);
  return enabled.value;
}

export const profileRecordCommand: CliCommand = {
  path: ['profile', 'record'],
  summary: 'Record a CPU profile of a running Node, Go or Python service, or a heap profile (--heap) of Node or Go',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['pid', 'inspect', 'pprof', 'duration', 'output', 'interval', PROFILE_SIZE_FLAG],
      boolean: ['enable-inspector', 'allow-remote', 'heap'],
      aliases: { o: 'output' },
    });
    if (args.positionals.length) throw new UserError(`Unexpected argument ${args.positionals[0]}.`);
    const sources = ['pid', 'inspect', 'pprof'].filter((f) => args.flags.has(f));
    if (sources.length !== 1)
      throw new UserError('profile record needs exactly one of --pid PID, --inspect HOST:PORT or --pprof URL.');
    if (!args.flags.has('pid'))
      refuseFlags(args, ['enable-inspector'], 'without --pid (it opens the inspector of the process given by --pid)');
    const heap = args.flags.has('heap');
    if (args.flags.has('pprof'))
      refuseFlags(args, ['interval'], 'with --pprof (a Go service samples at its own rate, 100 Hz)');
    if (heap)
      refuseFlags(
        args,
        args.flags.has('pprof') ? ['duration', 'interval'] : ['interval'],
        args.flags.has('pprof')
          ? 'with --heap --pprof (a Go heap profile is a snapshot of the heap, answered at once)'
          : 'with --heap (V8 samples one allocation per 32 KB on average)',
      );
    const durationMs = parseDuration(flagString(args, 'duration') ?? '10s');
    if (!(durationMs >= 100) || durationMs > 3_600_000) throw new UserError('--duration must be between 100ms and 1h.');
    const intervalUs = parsePositiveInt(flagString(args, 'interval'), 'interval', 1000);
    const connect = connectPolicy(args.flags.has('allow-remote'));
    const limit = profileSizeLimit(args);
    const facts = (source: string): CaptureFacts => ({ durationMs, source, heap, ...limit });
    const outArg = flagString(args, 'output');
    const outFile = (ext: string, label: string) =>
      path.resolve(io.cwd, outArg ?? `perflens-${label}-${stamp()}${ext}`);
    // Checked before sampling, so a mistyped -o does not cost the whole recording.
    if (
      outArg !== undefined &&
      !fs.statSync(path.dirname(path.resolve(io.cwd, outArg)), { throwIfNoEntry: false })?.isDirectory()
    ) {
      throw new UserError(
        `Cannot write ${outArg}: the folder ${path.dirname(path.resolve(io.cwd, outArg))} does not exist.`,
      );
    }

    let file: string;
    let source: 'inspector' | 'pprof' | 'py-spy';
    const { signal, release } = interruptSignal();
    try {
      if (args.flags.has('pprof') && heap) {
        const url = flagString(args, 'pprof')!;
        const endpoint = /\/debug\/pprof\/allocs\b/.test(url) ? 'allocs' : 'heap';
        const r = await fetchPprofHeap(url, { endpoint, connect });
        if (!r.ok) throw new UserError(r.error.message);
        file = outFile('.pb.gz', `pprof-${endpoint}`);
        kept(await keepCapture(r.value, file, facts(`the Go service at ${url}`)));
        source = 'pprof';
      } else if (args.flags.has('pprof')) {
        const r = await fetchPprofProfile(flagString(args, 'pprof')!, durationMs / 1000, { connect });
        if (!r.ok) throw new UserError(r.error.message);
        file = outFile('.pb.gz', 'pprof');
        kept(await keepCapture(r.value, file, facts(`the Go service at ${flagString(args, 'pprof')!}`)));
        source = 'pprof';
      } else {
        let addr: InspectorAddress;
        let label: string;
        if (args.flags.has('pid')) {
          const pid = Number(flagString(args, 'pid'));
          if (!Number.isInteger(pid) || pid <= 0)
            throw new UserError(`--pid is a process id, not "${flagString(args, 'pid')}".`);
          const runtime = processRuntime(pid);
          if (runtime === undefined) throw new UserError(`No process ${pid} is running.`);
          if (runtime === 'python') {
            if (heap)
              throw new UserError(
                `Process ${pid} is a Python process; PerfLens records heap profiles of Node (inspector) and Go (net/http/pprof) services.`,
              );
            refuseFlags(
              args,
              ['interval', 'enable-inspector'],
              `for a Python process (py-spy samples it; process ${pid} has no Node inspector)`,
            );
            file = outFile('.txt', `pid${pid}`);
            const r = await recordWithPySpy({
              pid,
              durationSeconds: durationMs / 1000,
              outFile: file,
              format: 'raw',
              signal,
            });
            if (!r.ok) throw new UserError(r.error.message);
            kept(await keepRecordedFile(file, facts('py-spy')));
            source = 'py-spy';
            return await report(io, args.flags.has('json'), file, source, limit);
          }
          if (runtime !== 'node')
            throw new UserError(
              `Process ${pid} is neither Node nor Python. For Go services use --pprof http://127.0.0.1:PORT (net/http/pprof).`,
            );
          addr = await nodeAddressForPid(pid, args.flags.has('enable-inspector'), io, connect);
          label = `pid${pid}`;
        } else {
          addr = parseInspect(flagString(args, 'inspect')!);
          label = `${addr.port}`;
        }
        if (!args.flags.has('json'))
          io.err(
            `Recording ${heap ? 'allocations for ' : ''}${formatSpan(durationMs)} from the inspector at ${addr.host}:${addr.port}…`,
          );
        if (heap) {
          const r = await captureNodeHeapProfile(addr, { durationMs, signal, connect });
          if (!r.ok) throw new UserError(r.error.message);
          file = outFile('.heapprofile', label);
          const what = `the Node inspector at ${addr.host}:${addr.port}`;
          kept(await keepCapture(Buffer.from(JSON.stringify(r.value)), file, facts(what)));
          return await report(io, args.flags.has('json'), file, 'inspector', limit);
        }
        const r = await captureNodeProfile(addr, { durationMs, samplingIntervalUs: intervalUs, signal, connect });
        if (!r.ok) throw new UserError(r.error.message);
        file = outFile('.cpuprofile', label);
        kept(
          await keepCapture(
            Buffer.from(JSON.stringify(r.value)),
            file,
            facts(`the Node inspector at ${addr.host}:${addr.port}`),
          ),
        );
        source = 'inspector';
      }
    } finally {
      release();
    }
    return report(io, args.flags.has('json'), file, source, limit);
  },
};

/** A recording that was not kept: no samples is exit 1 (nothing went wrong, nothing ran), the rest exit 2. */
function kept(r: Result<void, KeepFailureKind>): void {
  if (!r.ok) throw new UserError(r.error.message, r.error.kind === 'no-samples' ? 1 : 2);
}

/**
 * The one way out of a successful recording: it reads the written file back, so exit 0 always means
 * a profile on disk whose path was printed.
 */
async function report(
  io: CliIO,
  json: boolean,
  file: string,
  source: 'inspector' | 'pprof' | 'py-spy',
  limit: { maxBytes?: number },
): Promise<number> {
  const bytes = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (bytes === 0)
    throw new UserError(`The ${source} capture finished but left no profile in ${file}; nothing was recorded.`);
  const loaded = await loadProfileFile(file, { roots: [io.cwd], ...limit });
  if (!loaded.ok)
    throw new UserError(`Recorded ${file}, but it does not read back as a profile: ${loaded.error.message}`);
  const p = selectProfile(loaded.value);
  const top = topFunctions(p, 1, 'self')[0];
  const unit = weightUnit(p);
  if (unit === 'bytes' || unit === 'objects') return reportHeap(io, json, file, source, loaded.value.format, bytes, p);
  if (json) {
    io.out(
      JSON.stringify(
        {
          file,
          source,
          format: loaded.value.format,
          bytes,
          durationMs: p.durationMs === null ? null : Math.round(p.durationMs * 1000) / 1000,
          samples: p.hasSamples ? p.sampleCount : null,
          top: top
            ? {
                name: top.name,
                file: top.file,
                line: top.line,
                selfMs: top.selfMs === null ? null : Math.round(top.selfMs * 1000) / 1000,
                selfSamples: top.selfSamples,
              }
            : null,
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  io.out(`Wrote ${file} (${formatBytes(bytes)}, ${p.hasSamples ? plural(p.sampleCount, 'sample') : 'no samples'}).`);
  const where = fmtLocation(top?.file ?? '', top?.line ?? 0, io.cwd);
  if (top)
    io.out(
      `Hottest function: ${top.name}${where ? ` ${where}` : ''} (${top.selfMs !== null ? formatMs(top.selfMs) : plural(top.selfSamples ?? 0, 'sample')} self).`,
    );
  io.out(`Next: perflens profile summarize ${fmtLocation(file, 0, io.cwd)}`);
  return EXIT_OK;
}
