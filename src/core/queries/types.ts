/** Shared shapes of the slow-query advisor: extracted statements, plans, findings and reports. */

/** A 0-based position (UTF-16 columns, as editors count them). */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type SourceLanguage = 'python' | 'javascript' | 'typescript' | 'go' | 'java';

/** One SQL statement found in source code. */
export interface ExtractedStatement {
  file?: string;
  language: SourceLanguage;
  /** From the first quote (or string prefix) of the first literal to the end of the last. */
  range: SourceRange;
  /** The statement as written, interpolations shown as `${…}`. */
  text: string;
  /** Placeholders normalised to `?`, ready for EXPLAIN QUERY PLAN. */
  sql: string;
  /** The placeholders as they were written, in order (`$1`, `:name`, `%(name)s`, `${id}`…). */
  placeholders: string[];
  /** The tag of a tagged template literal (e.g. `sql`). */
  tag?: string;
  /** The database the file's driver names (see driverDialect); absent when it names none. */
  dialect?: 'postgres' | 'sqlite';
}

export interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

export interface PlanNode extends PlanRow {
  children: PlanNode[];
}

/** Plans on SQLite and PostgreSQL share full-scan and the text findings; the others are each database's own. */
export type FindingKind =
  | 'full-scan'
  | 'temp-btree'
  | 'automatic-index'
  | 'correlated-subquery'
  | 'leading-wildcard-like'
  | 'select-star'
  | 'sort'
  | 'disk-spill'
  | 'nested-loop'
  | 'unindexed-fk'
  | 'estimate-error'
  | 'lossy-bitmap';

export const FINDING_KINDS: readonly FindingKind[] = [
  'full-scan',
  'temp-btree',
  'automatic-index',
  'correlated-subquery',
  'leading-wildcard-like',
  'select-star',
  'sort',
  'disk-spill',
  'nested-loop',
  'unindexed-fk',
  'estimate-error',
  'lossy-bitmap',
];

/** An index proven on PostgreSQL with a HypoPG hypothetical index: the planner's costs before and after. */
export interface HypoWhatIfResult {
  method: 'hypopg';
  /** The CREATE INDEX statement that was made hypothetical. */
  index: string;
  /** The plan's total cost (planner units) without and with the index. */
  costBefore: number;
  costAfter: number;
  /** costBefore / costAfter. */
  costRatio: number;
  /** The hypothetical index's name as the plan shows it. */
  indexUsed: string;
  /** The plan with the hypothetical index. */
  plan: PlanRow[];
}

export function isHypoWhatIf(w: WhatIfResult | HypoWhatIfResult | undefined): w is HypoWhatIfResult {
  return w !== undefined && 'method' in w && w.method === 'hypopg';
}

/** The timed (SQLite in-memory copy) what-if, when that is how the index was proven. */
export function timedWhatIf(w: WhatIfResult | HypoWhatIfResult | undefined): WhatIfResult | undefined {
  return w === undefined || isHypoWhatIf(w) ? undefined : w;
}

/** The plan with the index, whichever way it was proven. */
export function whatIfPlan(w: WhatIfResult | HypoWhatIfResult): PlanRow[] {
  return isHypoWhatIf(w) ? w.plan : w.planAfter;
}

/** A short sentence on how much the index helped. */
export function whatIfSummary(w: WhatIfResult | HypoWhatIfResult, formatMs: (ms: number) => string): string {
  return isHypoWhatIf(w)
    ? `HypoPG: plan cost ${w.costBefore.toFixed(0)} → ${w.costAfter.toFixed(0)} (${w.costRatio.toFixed(1)}× cheaper) with the hypothetical index`
    : `What-if: ${formatMs(w.beforeMs)} → ${formatMs(w.afterMs)} (${w.speedup.toFixed(1)}× faster) with the index`;
}

export interface WhatIfResult {
  /** The CREATE INDEX statement that was applied to the in-memory copy. */
  index: string;
  beforeMs: number;
  afterMs: number;
  /** beforeMs / afterMs. */
  speedup: number;
  planAfter: PlanRow[];
  /** How many timed runs each median is taken over. */
  runs: number;
  /** The representative parameter values bound for the runs. */
  params: (string | number | null)[];
}

/** One candidate index a what-if tried for a statement, and what became of it. */
export interface TriedIndex {
  index: string;
  /** The plan with this index on the in-memory copy. */
  planAfter: PlanRow[];
  /** Median of the paired before/after ratios; absent when the plan did not improve (not timed). */
  speedup?: number;
  /** Its plan improved and its timing improved beyond noise. */
  proven: boolean;
  /** Why it was or was not recommended, in words. */
  reason: string;
}

export interface RuntimeEvidence {
  /** Metric family the numbers came from, e.g. db_query_duration_seconds ("session" for a live snapshot, "pg_stat_statements"). */
  metric: string;
  /** Total execution time over `count` runs (pg_stat_statements). */
  totalMs?: number;
  /** Rows returned or affected over `count` runs (pg_stat_statements). */
  rows?: number;
  /** Executions since the service started (from a scrape's cumulative counts). */
  count?: number;
  /** Executions per second over the last collection interval (from a live session's snapshot). */
  ratePerSec?: number;
  avgMs: number;
  /** Undefined when the family has no buckets or quantiles to estimate it from. */
  p95Ms?: number;
  /** Other labels of the matched series (e.g. statement="entities_by_workspace"). */
  labels: Record<string, string>;
}

export interface Finding {
  kind: FindingKind;
  table?: string;
  detail: string;
  suggestion?: string;
  /** A CREATE INDEX statement when the suggestion is an index. */
  createIndex?: string;
  whatIf?: WhatIfResult | HypoWhatIfResult;
  /** The candidate indexes a what-if tried for this finding (only when a what-if ran). */
  tried?: TriedIndex[];
  runtime?: RuntimeEvidence;
}

export interface StatementReport {
  sql: string;
  /** The statement as written in source, when it differs from `sql`. */
  text?: string;
  location?: { file: string; line: number; column: number };
  range?: SourceRange;
  plan: PlanRow[];
  findings: Finding[];
  /** The statement could not be prepared on this database (syntax, missing table or column). */
  error?: string;
  /** The statement was not explained, and why (e.g. another SQL dialect). */
  skipped?: string;
  /** Measured in the running service, when /metrics has timings for this statement. */
  runtime?: RuntimeEvidence;
  /** Things that went wrong around the statement without stopping it (e.g. a what-if run that failed). */
  notes?: string[];
}
