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

/** The SQLite file statements were explained on (a read-only in-memory copy). */
export interface SqliteDatabaseFacts {
  path: string;
  tables: number;
  notes: string[];
}

/** The PostgreSQL server statements were explained on (read-only session), and what it offered. */
export interface PostgresDatabaseFacts {
  /** The URL with the password masked. */
  url: string;
  server: string;
  hypopg: { version: string } | { error: string };
  statStatements: { statements: number } | { error: string };
}

export interface ExplainFacts {
  database: SqliteDatabaseFacts | PostgresDatabaseFacts;
  /** With a PostgreSQL `database`, the SQLite file that statements of SQLite drivers were explained on. */
  sqlite?: SqliteDatabaseFacts;
  metrics?: { url: string; statements?: number; error?: string };
  scanned?: { files: number; statements: number };
  reports: readonly StatementReport[];
}

export const isPostgresFacts = (d: ExplainFacts['database']): d is PostgresDatabaseFacts => 'server' in d;

/** "PostgreSQL 15.4" from server_version_num. */
export function postgresServerName(versionNum: number): string {
  return `PostgreSQL ${Math.floor(versionNum / 10000)}.${versionNum % 100}`;
}

/** `explain --postgres --json`'s database object, from what the session found. */
export function postgresDatabaseFacts(
  session: { target: { display: string }; serverVersion: number },
  hypopg: { ok: true; version: string } | { ok: false; why: string },
  stats: { ok: true; rows: readonly unknown[] } | { ok: false; why: string },
): PostgresDatabaseFacts {
  return {
    url: session.target.display,
    server: postgresServerName(session.serverVersion),
    hypopg: hypopg.ok ? { version: hypopg.version } : { error: hypopg.why },
    statStatements: stats.ok ? { statements: stats.rows.length } : { error: stats.why },
  };
}

const sqliteJson = (d: SqliteDatabaseFacts): SqliteDatabaseFacts => ({
  path: d.path,
  tables: d.tables,
  notes: d.notes,
});

/** A statement's JSON view: 1-based locations, no internal ranges. */
export function statementJson(r: StatementReport): Omit<StatementReport, 'range'> {
  const { range: _range, ...rest } = r;
  return rest;
}

/** `perflens explain --json` (with --postgres, the server's facts as `database`). */
export function explainJson(f: ExplainFacts): Record<string, unknown> {
  const db = f.database;
  return {
    database: isPostgresFacts(db)
      ? { url: db.url, server: db.server, hypopg: db.hypopg, statStatements: db.statStatements }
      : sqliteJson(db),
    ...(f.sqlite ? { sqlite: sqliteJson(f.sqlite) } : {}),
    ...(f.metrics ? { metrics: f.metrics } : {}),
    ...(f.scanned ? { scanned: f.scanned } : {}),
    statements: f.reports.map(statementJson),
  };
}
