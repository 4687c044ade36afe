import type { ParsedArgs } from '../args';
import { flagString } from '../args';
import type { CliIO } from '../io';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { fmtLocation, printDiffSections } from './profileShared';
import { formatBytes, formatShare, plural } from '../../shared/format';
import type { ImportedProfile } from '../../core/profiler/formats/types';
import type { SiteGrowth } from '../../core/profiler/heapDiff';
import { diffHeapProfiles } from '../../core/profiler/heapDiff';
import { selectProfile } from '../../core/profiler/summary';
import { UserError } from '../../core/util/result';

/** --min-growth: bytes (512KB, 2MB, 4096) for space types, a count for object types. */
function minGrowth(text: string | undefined, unit: 'bytes' | 'objects'): number | undefined {
  if (text === undefined) return undefined;
  if (unit === 'objects') {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      throw new UserError(`--min-growth is a number of objects for an *_objects sample type, not "${text}".`);
    return n;
  }
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new UserError(`--min-growth "${text}" is not a size like 512KB or 2MB.`);
  const mult = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? 'b')[0]!.toLowerCase() as 'b' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/** `perflens profile diff` on two heap profiles: growth by allocation site. */
export function heapDiff(
  io: CliIO,
  args: ParsedArgs,
  [beforeFile, before]: [string, ImportedProfile],
  [afterFile, after]: [string, ImportedProfile],
  top: number,
): number {
  const a = selectProfile(after);
  const unit = a.sampleType!.unit === 'bytes' ? 'bytes' : 'objects';
  const r = diffHeapProfiles(selectProfile(before), a, { minGrowth: minGrowth(flagString(args, 'min-growth'), unit) });
  if (!r.ok) throw new UserError(r.error.message);
  const d = r.value;
  const code = args.flags.has('fail-on-regression') && d.growing.length > 0 ? EXIT_FINDING : EXIT_OK;
  const growing = d.growing.slice(0, top);
  const shrinking = d.shrinking.slice(0, top);
  if (args.flags.has('json')) {
    const site = (s: SiteGrowth) => ({
      name: s.name,
      file: s.file,
      line: s.line,
      before: Math.round(s.before),
      after: Math.round(s.after),
      growth: Math.round(s.growth),
      afterShare: Math.round(s.afterShare * 10_000) / 10_000,
    });
    io.out(
      JSON.stringify(
        {
          kind: 'heap',
          sampleType: d.sampleType,
          unit: d.unit,
          threshold: Math.round(d.threshold),
          before: { file: beforeFile, format: before.format, total: Math.round(d.before.total) },
          after: { file: afterFile, format: after.format, total: Math.round(d.after.total) },
          growing: growing.map(site),
          shrinking: shrinking.map(site),
        },
        null,
        2,
      ),
    );
    return code;
  }
  const amount = (v: number) => (d.unit === 'bytes' ? formatBytes(v) : plural(Math.round(v), 'object'));
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${amount(Math.abs(v))}`;
  io.out(
    `${d.sampleType}: before ${amount(d.before.total)}, after ${amount(d.after.total)} (${signed(d.after.total - d.before.total)}); sites that moved by at least ${amount(d.threshold)}`,
  );
  printDiffSections(
    io,
    [
      ['Growing', growing],
      ['Shrinking', shrinking],
    ],
    ['change', 'before', 'after', 'share', 'function', 'location'],
    (s: SiteGrowth) => [
      signed(s.growth),
      amount(s.before),
      amount(s.after),
      formatShare(s.afterShare),
      s.name,
      fmtLocation(s.file, s.line, io.cwd),
    ],
    [0, 1, 2, 3],
  );
  return code;
}
