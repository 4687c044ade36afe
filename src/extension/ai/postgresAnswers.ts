/**
 * The AI tools' answers when the workspace has a PostgreSQL connection (perflens.queries.postgresUrl
 * and its password in the secret storage): statements of PostgreSQL drivers explained on that
 * server as `perflens explain --postgres URL --what-if --json` reports them (HypoPG only plans, so
 * proving is cheap), in a read-only session with the editor's loopback rule and timeouts. No
 * 'vscode' here: the glue is tested against a real server.
 */
import type { Refusal } from '../../core/insights/answers';
import type { ExplainFacts, SqliteDatabaseFacts } from '../../core/insights/json';
import type { ExtractedStatement, StatementReport } from '../../core/queries/types';
import type { PostgresQueries } from '../postgres/postgresQueries';
import { routeStatements } from '../postgres/postgresQueries';

/** What the query diagnostics hold: every analysed statement, its report, and the SQLite file if one is open. */
export interface AnalysedStatements {
  sqlite?: SqliteDatabaseFacts;
  statements: readonly ExtractedStatement[];
  reports: readonly StatementReport[];
}

/** Whether a usable PostgreSQL connection is set; a setting that cannot be used is the refusal. */
export function postgresConfigured(pg: PostgresQueries): boolean | Refusal {
  const t = pg.target();
  if (!t.ok) return { error: t.error.message };
  return t.value !== undefined;
}

/**
 * The slow-queries facts: statements of PostgreSQL drivers explained again on the server with
 * HypoPG proof and pg_stat_statements runtime; statements of SQLite drivers as the diagnostics
 * explained them on the SQLite file.
 */
export async function slowQueriesOnPostgres(
  pg: PostgresQueries,
  analysed: AnalysedStatements,
): Promise<ExplainFacts | Refusal> {
  const route = routeStatements([...analysed.statements], { postgres: true });
  const explained = await pg.advise(
    route.postgres.map((i) => analysed.statements[i]!),
    true,
  );
  if (!explained.ok) return { error: explained.error.message };
  const reports = [...analysed.reports];
  route.postgres.forEach((i, k) => (reports[i] = explained.value.reports[k]!));
  return {
    database: explained.value.database,
    ...(analysed.sqlite && route.sqlite.length > 0 ? { sqlite: analysed.sqlite } : {}),
    reports,
  };
}

/** One statement given as text, explained on the server (the explain action). */
export async function explainTextOnPostgres(
  pg: PostgresQueries,
  sql: string,
  whatIf: boolean,
): Promise<ExplainFacts | Refusal> {
  const explained = await pg.advise([sql], whatIf);
  return explained.ok ? explained.value : { error: explained.error.message };
}
