/**
 * The documented --json shapes of report, analyze/check and explain, built here once: the CLI
 * prints them, and the insight answers (MCP server, VS Code tools) hand the same objects to models.
 */
import type { AlertStatus } from '../analyzers/alerts/engine';
import type { AlertEvent } from '../analyzers/alerts/types';
import { summarizeErrors } from '../analyzers/record';
import type { StatementReport } from '../queries/types';
import type { SessionSummary } from '../session/summary';
import type { Snapshot } from '../session/types';

export interface HistoryOutcome {
  file: string;
  movedAside?: unknown;
  error?: string;
}

/** `perflens report --json`: the window's summary, its interval, and where it was recorded. */
export type ReportJson = SessionSummary & { intervalMs: number; history?: HistoryOutcome };

export function reportJson(summary: SessionSummary, intervalMs: number, history?: HistoryOutcome): ReportJson {
  return { ...summary, intervalMs, ...(history ? { history } : {}) };
}

/** A watched window as analyze and check describe it. */
export interface WindowFacts {
  target: string;
  durationMs: number;
  intervalMs: number;
  snapshots: readonly Snapshot[];
  alerts?: { events: AlertEvent[]; firing: AlertStatus[] };
}

/** `perflens analyze --json` and `check --json`: the window's common fields around the command's own. */
export function windowJson(run: WindowFacts, own: Record<string, unknown>): Record<string, unknown> {
  const window = { from: run.snapshots[0]?.time ?? 0, to: run.snapshots.at(-1)?.time ?? 0 };
  return {
    target: run.target,
    durationMs: run.durationMs,
    intervalMs: run.intervalMs,
    window,
    snapshots: run.snapshots.length,
    ...own,
    ...(run.alerts ? { alerts: run.alerts } : {}),
    errors: summarizeErrors(run.snapshots),
  };
}

export interface ExplainFacts {
  database: { path: string; tables: number; notes: string[] };
  metrics?: { url: string; statements?: number; error?: string };
  scanned?: { files: number; statements: number };
  reports: readonly StatementReport[];
}

/** A statement's JSON view: 1-based locations, no internal ranges. */
export function statementJson(r: StatementReport): Omit<StatementReport, 'range'> {
  const { range: _range, ...rest } = r;
  return rest;
}

/** `perflens explain --json`. */
export function explainJson(f: ExplainFacts): Record<string, unknown> {
  return {
    database: { path: f.database.path, tables: f.database.tables, notes: f.database.notes },
    ...(f.metrics ? { metrics: f.metrics } : {}),
    ...(f.scanned ? { scanned: f.scanned } : {}),
    statements: f.reports.map(statementJson),
  };
}
