import * as path from 'node:path';
import type { CliCommand } from '../command';
import { isHeapSnapshotFile, summarizeSnapshotForCli } from './profileSnapshot';
import { flagString, parseArgs, refuseFlags } from '../args';
import { EXIT_OK } from '../io';
import {
  PROFILE_SIZE_FLAG,
  PROFILE_SIZE_USAGE,
  fmtLocation,
  loadForCli,
  parsePositiveInt,
  profileSizeLimit,
  table,
} from './profileShared';
import { MISSING, formatBytes, formatMs, formatShare, plural } from '../../shared/format';
import { FORMAT_LABELS } from '../../core/profiler/formats/types';
import type { SortKey } from '../../core/profiler/model';
import { summarizeProfile } from '../../core/profiler/summary';
import type { ProfileSummary } from '../../core/profiler/summary';
import type { CliIO } from '../io';
import { UserError } from '../../core/util/result';

const USAGE = `Usage: perflens profile summarize FILE [--top 20] [--sort self|total] [--profile N] [--sample-type TYPE] [--max-profile-size SIZE] [--no-source-maps] [--json]

Reads a CPU or heap profile and lists its heaviest functions. Formats are detected from the content:
V8 .cpuprofile (Chrome DevTools, node --cpu-prof, PerfLens record), V8 .heapprofile (allocation
sampling), speedscope JSON, folded stacks (py-spy raw, perf + stackcollapse, async-profiler), pprof
(Go CPU and heap, gzipped protobuf) and Python cProfile/pstats files. Frames of bundled JavaScript are mapped to their original sources through
source maps unless --no-source-maps.

  --top N            how many functions (default 20)
  --sort self|total  rank by self time (default) or total time
  --profile N        one profile of a file that holds several (0-based); default: all of them summed
  --sample-type T    sample type to weigh by: pprof (cpu, inuse_space, inuse_objects, alloc_space,
                     alloc_objects, …; default cpu, else the profile's default, else inuse_space) or
                     .heapprofile (inuse_space, default, or inuse_objects)
${PROFILE_SIZE_USAGE}

A V8 .heapsnapshot (DevTools "Heap snapshot", v8.writeHeapSnapshot) is read as a stream (never parsed
whole) and summarised instead: retained size by constructor (through the dominator tree) and the
largest retainers; --json prints {"format": "heapsnapshot", "nodeCount", "edgeCount", "totalSize",
"byConstructor": [{"name", "count", "selfSize", "retainedSize"}], "largest": [{"id", "name",
"className", "selfSize", "retainedSize"}]}.

--json prints {"format", "profiles", "samples", "durationMs", "functions": [{"name", "file", "line",
"selfMs", "totalMs", "selfSamples", "totalSamples", "calls"?}], "warnings"}. selfMs/totalMs are null
when the format has no time (folded stacks); samples are null when it has no samples (pstats,
evented speedscope in time units); pstats rows carry its own times and "calls".
Heap profiles add "heap": {"sampleType", "unit": "bytes"|"objects", "total", "sampleTypes"}; their
rows carry "selfBytes", "totalBytes" (or "selfObjects", "totalObjects") and "lines": [{"line",
"bytes"|"objects"}], with the sample fields null.
Exit codes: 0 ok, 2 bad usage or a file that is not a readable profile.`;

/** A heap profile for people: bytes (or objects) per function, with each one's share of the sampled heap. */
function printHeap(io: CliIO, summary: ProfileSummary, profile: number | 'all'): void {
  const heap = summary.heap!;
  const amount = (v: number | undefined) =>
    heap.unit === 'bytes' ? formatBytes(v) : v === undefined ? MISSING : plural(v, 'object');
  const share = (v: number | undefined) => (heap.total > 0 && v !== undefined ? formatShare(v / heap.total) : MISSING);
  io.out(
    [
      FORMAT_LABELS[summary.format],
      profile !== 'all' && summary.profiles > 1 ? `profile ${profile} of ${summary.profiles}` : undefined,
      `${heap.sampleType}: ${amount(heap.total)} sampled`,
      heap.sampleTypes.length > 1 ? `(also: ${heap.sampleTypes.filter((t) => t !== heap.sampleType).join(', ')})` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  );
  for (const w of summary.warnings) io.out(`note: ${w}`);
  const rows = [['self', 'share', 'total', 'function', 'location']];
  for (const f of summary.functions) {
    const self = heap.unit === 'bytes' ? f.selfBytes : f.selfObjects;
    const total = heap.unit === 'bytes' ? f.totalBytes : f.totalObjects;
    const line = f.lines?.[0]?.line ?? f.line;
    rows.push([amount(self), share(self), amount(total), f.name, fmtLocation(f.file, line, io.cwd)]);
  }
  io.out(table(rows, [0, 1, 2]));
}

export const profileSummarizeCommand: CliCommand = {
  path: ['profile', 'summarize'],
  summary:
    'List the heaviest functions of a CPU or heap profile (cpuprofile, heapprofile, speedscope, folded, pprof, pstats)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['top', 'sort', 'profile', 'sample-type', PROFILE_SIZE_FLAG],
      boolean: ['no-source-maps'],
    });
    if (args.positionals.length !== 1)
      throw new UserError(
        args.positionals.length === 0
          ? 'profile summarize needs a FILE.'
          : `Unexpected argument ${args.positionals[1]}.`,
      );
    const top = parsePositiveInt(flagString(args, 'top'), 'top', 20);
    const sort = flagString(args, 'sort') ?? 'self';
    if (sort !== 'self' && sort !== 'total') throw new UserError(`--sort is self or total, not "${sort}".`);
    const profileText = flagString(args, 'profile');
    let profile: number | 'all' = 'all';
    if (profileText !== undefined && profileText !== 'all') {
      profile = Number(profileText);
      if (!Number.isInteger(profile) || profile < 0)
        throw new UserError(`--profile is a profile index (0, 1, …) or all, not "${profileText}".`);
    }
    if (isHeapSnapshotFile(path.resolve(io.cwd, args.positionals[0]!))) {
      refuseFlags(args, ['sort', 'profile', 'sample-type', 'no-source-maps'], 'on a .heapsnapshot');
      return summarizeSnapshotForCli(io, args.positionals[0]!, {
        top,
        json: args.flags.has('json'),
        ...profileSizeLimit(args),
      });
    }
    const imported = await loadForCli(args.positionals[0]!, io, {
      sampleType: flagString(args, 'sample-type'),
      sourceMaps: !args.flags.has('no-source-maps'),
      ...profileSizeLimit(args),
    });
    if (imported.format !== 'pprof' && !imported.sampleTypes)
      refuseFlags(
        args,
        ['sample-type'],
        `on a ${imported.format} file (it picks one of a pprof profile's sample types; this file has one kind of sample)`,
      );
    if (profile !== 'all' && profile >= imported.profiles.length)
      throw new UserError(
        `The file has ${imported.profiles.length === 1 ? '1 profile (0)' : `${imported.profiles.length} profiles (0 to ${imported.profiles.length - 1})`}; there is no profile ${profile}.`,
      );
    const summary = summarizeProfile(imported, { top, sort: sort as SortKey, profile });
    if (args.flags.has('json')) {
      io.out(JSON.stringify(summary, null, 2));
      return EXIT_OK;
    }
    if (summary.heap) {
      printHeap(io, summary, profile);
      return EXIT_OK;
    }
    const head = [
      FORMAT_LABELS[summary.format],
      // With --profile N the numbers that follow are that profile's, not the file's sum.
      profile !== 'all' && summary.profiles > 1
        ? `profile ${profile} of ${summary.profiles}`
        : summary.profiles === 1
          ? '1 profile'
          : `${summary.profiles} profiles summed`,
      summary.samples !== null ? plural(summary.samples, 'sample') : undefined,
      summary.durationMs !== null ? formatMs(summary.durationMs) : undefined,
    ].filter(Boolean);
    io.out(head.join(' · '));
    for (const w of summary.warnings) io.out(`note: ${w}`);
    const hasTime = summary.functions.some((f) => f.selfMs !== null);
    const hasCalls = summary.functions.some((f) => f.calls !== undefined);
    const rows = [
      [
        hasTime ? 'self' : 'self samples',
        hasTime ? 'total' : 'total samples',
        ...(hasCalls ? ['calls'] : []),
        'function',
        'location',
      ],
    ];
    for (const f of summary.functions) {
      rows.push([
        hasTime ? formatMs(f.selfMs ?? undefined) : String(f.selfSamples ?? MISSING),
        hasTime ? formatMs(f.totalMs ?? undefined) : String(f.totalSamples ?? MISSING),
        ...(hasCalls ? [String(f.calls ?? '')] : []),
        f.name,
        fmtLocation(f.file, f.line, io.cwd),
      ]);
    }
    io.out(table(rows, hasCalls ? [0, 1, 2] : [0, 1]));
    return EXIT_OK;
  },
};
