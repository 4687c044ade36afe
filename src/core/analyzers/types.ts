/** What every analyzer produces: a typed finding with the numbers and the window behind it. */

export type Severity = 'info' | 'warning' | 'critical';

export type AnalyzerName = 'pool' | 'cache' | 'bottleneck' | 'leak' | 'trend' | 'forecast' | 'traces';

export interface FindingEvidence {
  /** Epoch milliseconds of the first and last sample the finding rests on. */
  window: { from: number; to: number };
  /** The measured numbers, named with their unit (e.g. utilisationPct, acquireWaitP95Ms). */
  numbers: Record<string, number | string>;
  /** One or two sentences a user reads: what was measured and against which threshold. */
  text: string;
}

export interface Finding {
  /** Stable across runs for the same problem, e.g. "pool.saturated:db". */
  id: string;
  analyzer: AnalyzerName;
  severity: Severity;
  title: string;
  evidence: FindingEvidence;
  recommendation: string;
  /** HTTP route the finding belongs to, when it is per route. */
  route?: string;
  /** Pool, cache, query or metric name the finding is about. */
  target?: string;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first; ties keep the analyzer's own order (stable sort). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return SEVERITY_RANK[s] <= SEVERITY_RANK[min];
}

/** Rounds for evidence: numbers users read, not 17 significant digits. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
