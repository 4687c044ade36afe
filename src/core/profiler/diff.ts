import type { FunctionStats, Profile } from './model';

/** One function's share of each profile (0–1) and how it moved. */
export interface FunctionShare {
  selfShare: number;
  totalShare: number;
  selfSamples: number | null;
  totalSamples: number | null;
  selfMs: number | null;
  totalMs: number | null;
}

export interface FunctionDiff {
  name: string;
  file: string;
  line: number;
  before: FunctionShare;
  after: FunctionShare;
  /** after − before, in shares of each profile's total (0.1 = ten percentage points). */
  selfDelta: number;
  totalDelta: number;
  /** Two-proportion z statistic of the self share change (of total share when self did not move); null without sample counts. */
  z: number | null;
  /** Two-sided p-value of z; null without sample counts. */
  pValue: number | null;
  significant: boolean;
}

export interface ProfileDiff {
  weight: 'time' | 'samples';
  before: { samples: number | null; totalMs: number | null };
  after: { samples: number | null; totalMs: number | null };
  functions: FunctionDiff[];
  /** Share went up significantly, biggest change first. */
  regressed: FunctionDiff[];
  /** Share went down significantly, biggest change first. */
  improved: FunctionDiff[];
}

export interface DiffOptions {
  /** Smallest share change (0–1) worth listing; default 0.01 (one percentage point). */
  minChange?: number;
  /** Significance level for the z-test; default 0.01. */
  alpha?: number;
}

/** Functions are matched across profiles by name and file: lines move between builds. */
function keyOf(f: FunctionStats): string {
  return `${f.name}\u0000${f.file}`;
}

/** Complementary error function (Chebyshev fit, fractional error below 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** z and two-sided p for x1 of n1 versus x2 of n2 (pooled two-proportion test). */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  if (n1 <= 0 || n2 <= 0) return { z: 0, p: 1 };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p: p1 === p2 ? 1 : 0 };
  const z = (p2 - p1) / se;
  return { z, p: Math.min(1, Math.max(0, erfc(Math.abs(z) / Math.SQRT2))) };
}

interface Aggregate {
  name: string;
  file: string;
  line: number;
  selfW: number;
  totalW: number;
  selfS: number;
  totalS: number;
  selfMs: number | null;
  totalMs: number | null;
}

function aggregate(p: Profile, useTime: boolean): Map<string, Aggregate> {
  const out = new Map<string, Aggregate>();
  for (const f of p.functions) {
    const k = keyOf(f);
    let a = out.get(k);
    if (!a)
      out.set(
        k,
        (a = {
          name: f.name,
          file: f.file,
          line: f.line,
          selfW: 0,
          totalW: 0,
          selfS: 0,
          totalS: 0,
          selfMs: p.hasTime ? 0 : null,
          totalMs: p.hasTime ? 0 : null,
        }),
      );
    a.selfW += (useTime ? f.selfMs : f.selfSamples) ?? 0;
    // Several frames with one key (e.g. two closures) may overlap on a stack; cap at the profile total below.
    a.totalW += (useTime ? f.totalMs : f.totalSamples) ?? 0;
    a.selfS += f.selfSamples ?? 0;
    a.totalS += f.totalSamples ?? 0;
    if (a.selfMs !== null) a.selfMs += f.selfMs ?? 0;
    if (a.totalMs !== null) a.totalMs += f.totalMs ?? 0;
  }
  return out;
}

function profileTotal(p: Profile, useTime: boolean): number {
  if (useTime) return p.totalMs ?? 0;
  return p.sampleCount;
}

/**
 * Compares two profiles function by function. Shares are normalised by each profile's own total
 * (time when both have time, samples otherwise), so a longer "after" capture does not look like a
 * regression. Significance is a two-proportion z-test on sample counts.
 */
export function diffProfiles(before: Profile, after: Profile, opts: DiffOptions = {}): ProfileDiff {
  const minChange = opts.minChange ?? 0.01;
  const alpha = opts.alpha ?? 0.01;
  const useTime = before.hasTime && after.hasTime;
  const withSamples = before.hasSamples && after.hasSamples;
  const a = aggregate(before, useTime);
  const b = aggregate(after, useTime);
  const totA = profileTotal(before, useTime);
  const totB = profileTotal(after, useTime);
  const nA = before.sampleCount;
  const nB = after.sampleCount;
  // One side of a row: a function absent from a profile has a zero share (and 0 ms when that profile has time).
  const sideOf = (x: Aggregate | undefined, total: number, p: Profile): FunctionShare => ({
    selfShare: total > 0 ? Math.min(1, (x?.selfW ?? 0) / total) : 0,
    totalShare: total > 0 ? Math.min(1, (x?.totalW ?? 0) / total) : 0,
    selfSamples: withSamples ? (x?.selfS ?? 0) : null,
    totalSamples: withSamples ? (x?.totalS ?? 0) : null,
    selfMs: x ? x.selfMs : p.hasTime ? 0 : null,
    totalMs: x ? x.totalMs : p.hasTime ? 0 : null,
  });
  const functions: FunctionDiff[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const ref = (y ?? x)!;
    const bs = sideOf(x, totA, before);
    const as = sideOf(y, totB, after);
    const selfDelta = as.selfShare - bs.selfShare;
    const totalDelta = as.totalShare - bs.totalShare;
    // Test the share that moved most: self for hot leaves, total for callers of hot code.
    const useSelf = Math.abs(selfDelta) >= Math.abs(totalDelta);
    let z: number | null = null;
    let pValue: number | null = null;
    if (withSamples) {
      const t = useSelf
        ? twoProportionZ(Math.min(x?.selfS ?? 0, nA), nA, Math.min(y?.selfS ?? 0, nB), nB)
        : twoProportionZ(Math.min(x?.totalS ?? 0, nA), nA, Math.min(y?.totalS ?? 0, nB), nB);
      z = t.z;
      pValue = t.p;
    }
    const delta = useSelf ? selfDelta : totalDelta;
    const significant = Math.abs(delta) >= minChange && (pValue === null || pValue < alpha);
    functions.push({
      name: ref.name,
      file: ref.file,
      line: ref.line,
      before: bs,
      after: as,
      selfDelta,
      totalDelta,
      z,
      pValue,
      significant,
    });
  }
  const moved = (f: FunctionDiff) => (Math.abs(f.selfDelta) >= Math.abs(f.totalDelta) ? f.selfDelta : f.totalDelta);
  functions.sort((p, q) => Math.abs(moved(q)) - Math.abs(moved(p)) || p.name.localeCompare(q.name));
  return {
    weight: useTime ? 'time' : 'samples',
    before: { samples: before.hasSamples ? nA : null, totalMs: before.totalMs },
    after: { samples: after.hasSamples ? nB : null, totalMs: after.totalMs },
    functions,
    regressed: functions.filter((f) => f.significant && moved(f) > 0),
    improved: functions.filter((f) => f.significant && moved(f) < 0),
  };
}
