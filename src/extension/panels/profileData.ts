import type { ProfileDiff } from '../../core/profiler/diff';
import type { Profile } from '../../core/profiler/model';
import { functionWeight, weightUnit } from '../../core/profiler/model';
import type { BenchmarkView, DiffRow, DiffViewData, FunctionRow, ProfileViewData } from '../../shared/protocol/profile';
import { profileSelfTotal } from '../codeLens/hotSpots';

/**
 * What the profile view shows, built from the core model: every function with weight (the page
 * sorts and searches), the call tree for the flame graph, and the load figures of a benchmark run.
 */
export function profileViewData(
  p: Profile,
  opts: { title: string; warnings?: string[]; benchmark?: BenchmarkView; sampleTypes?: string[] },
): ProfileViewData {
  const total = profileSelfTotal(p);
  const rows: FunctionRow[] = [];
  for (const f of p.functions) {
    const self = functionWeight(f, 'self');
    const tot = functionWeight(f, 'total');
    if (self <= 0 && tot <= 0) continue;
    rows.push({
      frame: f.frame,
      name: f.name,
      file: f.file,
      line: f.line,
      calls: f.calls ?? null,
      self,
      total: tot,
      selfShare: total > 0 ? self / total : 0,
      totalShare: total > 0 ? tot / total : 0,
    });
  }
  rows.sort((a, b) => b.self - a.self || b.total - a.total || a.name.localeCompare(b.name));
  const t = p.tree;
  const weights = t ? (t.selfTime ?? t.selfSamples) : null;
  return {
    title: opts.title,
    unit: weightUnit(p),
    sampleType: p.sampleType?.type ?? null,
    sampleTypes: opts.sampleTypes ?? [],
    total,
    samples: p.hasSamples ? p.sampleCount : null,
    durationMs: p.durationMs,
    names: p.frames.map((f) => f.name),
    rows,
    flame:
      t && weights ? { parent: Array.from(t.parent), frame: Array.from(t.frame), self: Array.from(weights) } : null,
    warnings: opts.warnings ?? [],
    benchmark: opts.benchmark ?? null,
  };
}

export function diffViewData(d: ProfileDiff, before: string, after: string): DiffViewData {
  const regressed = new Set(d.regressed);
  const improved = new Set(d.improved);
  const rows: DiffRow[] = d.functions.map((f) => ({
    name: f.name,
    file: f.file,
    line: f.line,
    beforeSelf: f.before.selfShare,
    afterSelf: f.after.selfShare,
    beforeTotal: f.before.totalShare,
    afterTotal: f.after.totalShare,
    selfDelta: f.selfDelta,
    pValue: f.pValue,
    status: regressed.has(f) ? 'regressed' : improved.has(f) ? 'improved' : 'unchanged',
  }));
  // Significant changes first (regressions on top), then by size of the move.
  const rank = { regressed: 0, improved: 1, unchanged: 2 } as const;
  rows.sort((a, b) => rank[a.status] - rank[b.status] || Math.abs(b.selfDelta) - Math.abs(a.selfDelta));
  return { before, after, weight: d.weight, rows };
}
