import type { CliCommand } from '../command';
import { flagString, parseArgs, refuseFlags } from '../args';
import { heapDiff } from './profileDiffHeap';
import { EXIT_FINDING, EXIT_OK } from '../io';
import {
  PROFILE_SIZE_FLAG,
  PROFILE_SIZE_USAGE,
  fmtLocation,
  loadForCli,
  parsePositiveInt,
  printDiffSections,
  profileSizeLimit,
} from './profileShared';
import { MISSING, formatMs, formatShare, plural } from '../../shared/format';
import type { FunctionDiff } from '../../core/profiler/diff';
import { diffProfiles } from '../../core/profiler/diff';
import { selectProfile } from '../../core/profiler/summary';
import { UserError } from '../../core/util/result';

const USAGE = `Usage: perflens profile diff BEFORE AFTER [--top 10] [--min-change 1] [--alpha 0.01] [--sample-type T] [--min-growth SIZE] [--fail-on-regression] [--max-profile-size SIZE] [--no-source-maps] [--json]

Compares two CPU profiles of the same program (any supported format, e.g. before and after a
change). Per function it compares self and total shares, each normalised by its own profile's
total, and tests each change with a two-proportion z-test on the sample counts.

Two heap profiles (.heapprofile, Go heap/allocs pprof) are compared by allocation site instead:
how many bytes (or objects) each allocating function and line holds in each, and which grew.
  --sample-type T       the heap sample type of both (default inuse_space, or the profile's default)
  --min-growth SIZE     smallest growth to list (e.g. 512KB; objects for *_objects types; default
                        the larger of 256KB / 64 objects and 1% of AFTER's total)

  --min-change PCT      smallest share change to report, in percentage points (default 1)
  --alpha P             significance level of the z-test (default 0.01)
  --top N               rows per list (default 10)
  --fail-on-regression  exit 1 when any function regressed
  --no-source-maps      compare generated JavaScript frames as they are
${PROFILE_SIZE_USAGE}

--json prints {"weight": "time"|"samples", "before": {"file", "format", "samples", "totalMs"},
"after": {…}, "regressed": [row], "improved": [row]}; a row is {"name", "file", "line",
"beforeSelfShare", "afterSelfShare", "beforeTotalShare", "afterTotalShare", "selfDelta", "totalDelta",
"z", "pValue"} (shares 0–1; z and pValue null when a profile has no sample counts).
Heap --json: {"kind": "heap", "sampleType", "unit": "bytes"|"objects", "threshold", "before": {"file",
"format", "total"}, "after": {…}, "growing": [site], "shrinking": [site]}; a site is {"name", "file",
"line", "before", "after", "growth", "afterShare"}. With --fail-on-regression, a growing site exits 1.
Exit codes: 0 ok, 1 a regression with --fail-on-regression, 2 bad usage or unreadable profile.`;

function round(v: number | null, digits = 4): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function jsonRow(d: FunctionDiff) {
  return {
    name: d.name,
    file: d.file,
    line: d.line,
    beforeSelfShare: round(d.before.selfShare),
    afterSelfShare: round(d.after.selfShare),
    beforeTotalShare: round(d.before.totalShare),
    afterTotalShare: round(d.after.totalShare),
    selfDelta: round(d.selfDelta),
    totalDelta: round(d.totalDelta),
    z: round(d.z, 2),
    pValue: d.pValue === null ? null : Number(d.pValue.toPrecision(3)),
  };
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : '−'}${formatShare(Math.abs(v))}`;
}

export const profileDiffCommand: CliCommand = {
  path: ['profile', 'diff'],
  summary: 'Compare two CPU profiles: which functions regressed or improved, with significance',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['top', 'min-change', 'alpha', 'sample-type', 'min-growth', PROFILE_SIZE_FLAG],
      boolean: ['fail-on-regression', 'no-source-maps'],
    });
    if (args.positionals.length !== 2) throw new UserError('profile diff needs two files: BEFORE AFTER.');
    const top = parsePositiveInt(flagString(args, 'top'), 'top', 10);
    const minChangePct = Number(flagString(args, 'min-change') ?? '1');
    if (!(minChangePct >= 0 && minChangePct <= 100))
      throw new UserError('--min-change is a number of percentage points between 0 and 100.');
    const alpha = Number(flagString(args, 'alpha') ?? '0.01');
    if (!(alpha > 0 && alpha < 1)) throw new UserError('--alpha is a probability between 0 and 1, e.g. 0.01.');
    const [beforeFile, afterFile] = args.positionals as [string, string];
    const sourceMaps = !args.flags.has('no-source-maps');
    const limit = profileSizeLimit(args);
    const sampleType = flagString(args, 'sample-type');
    const [before, after] = await Promise.all([
      loadForCli(beforeFile, io, { sourceMaps, sampleType, ...limit }),
      loadForCli(afterFile, io, { sourceMaps, sampleType, ...limit }),
    ]);
    const heapFiles = [before, after].filter((f) => f.sampleTypes).length;
    if (heapFiles === 1)
      throw new UserError(
        `${before.sampleTypes ? beforeFile : afterFile} is a heap profile and ${before.sampleTypes ? afterFile : beforeFile} a CPU profile; profile diff compares two of a kind.`,
      );
    if (heapFiles === 2) {
      refuseFlags(args, ['min-change', 'alpha'], 'on heap profiles (they are compared by growth, see --min-growth)');
      return heapDiff(io, args, [beforeFile, before], [afterFile, after], top);
    }
    refuseFlags(args, ['min-growth'], 'on CPU profiles (it is for heap profiles; see --min-change)');
    if (sampleType !== undefined && before.format !== 'pprof' && after.format !== 'pprof')
      refuseFlags(args, ['sample-type'], 'on these files (it picks a pprof or heap profile sample type)');
    const diff = diffProfiles(selectProfile(before), selectProfile(after), { minChange: minChangePct / 100, alpha });
    const regressed = diff.regressed.slice(0, top);
    const improved = diff.improved.slice(0, top);
    const code = args.flags.has('fail-on-regression') && diff.regressed.length > 0 ? EXIT_FINDING : EXIT_OK;
    if (args.flags.has('json')) {
      io.out(
        JSON.stringify(
          {
            weight: diff.weight,
            before: {
              file: beforeFile,
              format: before.format,
              samples: diff.before.samples,
              totalMs: round(diff.before.totalMs, 3),
            },
            after: {
              file: afterFile,
              format: after.format,
              samples: diff.after.samples,
              totalMs: round(diff.after.totalMs, 3),
            },
            regressed: regressed.map(jsonRow),
            improved: improved.map(jsonRow),
          },
          null,
          2,
        ),
      );
      return code;
    }
    const describe = (label: string, s: { samples: number | null; totalMs: number | null }) =>
      `${label}: ${s.samples !== null ? plural(s.samples, 'sample') : ''}${s.samples !== null && s.totalMs !== null ? ', ' : ''}${s.totalMs !== null ? formatMs(s.totalMs) : ''}`;
    io.out(`${describe('before', diff.before)}   ${describe('after', diff.after)}   (shares of ${diff.weight})`);
    printDiffSections(
      io,
      [
        ['Regressed', regressed],
        ['Improved', improved],
      ],
      ['self before', 'self after', 'Δ self', 'Δ total', 'p', 'function', 'location'],
      (d: FunctionDiff) => [
        formatShare(d.before.selfShare),
        formatShare(d.after.selfShare),
        signed(d.selfDelta),
        signed(d.totalDelta),
        d.pValue === null ? MISSING : d.pValue < 1e-4 ? '<0.0001' : d.pValue.toFixed(4),
        d.name,
        fmtLocation(d.file, d.line, io.cwd),
      ],
      [0, 1, 2, 3, 4],
    );
    return code;
  },
};
