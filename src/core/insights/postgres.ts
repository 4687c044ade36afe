/**
 * Statements explained on a PostgreSQL session as `explain --postgres --json` reports them: the
 * server's facts (version, HypoPG, pg_stat_statements), runtime joined from pg_stat_statements, and
 * each statement's plan, findings and advice (proven with HypoPG when asked and available). The
 * CLI, `perflens mcp` and the editor's AI tools all explain on PostgreSQL through this.
 */
import type { StatementInput } from '../queries/advisor';
import type { PgSession } from '../queries/postgres';
import {
  advisePgStatements,
  hypopgAvailability,
  readStatStatements,
  runtimeFromStatStatements,
} from '../queries/postgres';
import type { StatementReport } from '../queries/types';
import type { ExplainFacts, PostgresDatabaseFacts } from './json';
import { postgresDatabaseFacts } from './json';

export interface PgExplainOptions {
  whatIf: boolean;
  analyze?: boolean;
  minRows?: number;
  scanned?: { files: number; statements: number };
}

export type PgExplainFacts = ExplainFacts & { database: PostgresDatabaseFacts; reports: StatementReport[] };

export async function explainOnPgSession(
  session: PgSession,
  inputs: StatementInput[],
  opts: PgExplainOptions,
): Promise<PgExplainFacts> {
  const stats = await readStatStatements(session.client);
  const hypo = await hypopgAvailability(session.client);
  const reports = await advisePgStatements(session, inputs, {
    whatIf: opts.whatIf,
    ...(opts.analyze ? { analyze: true } : {}),
    ...(stats.ok ? { runtime: runtimeFromStatStatements(stats.rows) } : {}),
    ...(opts.minRows !== undefined ? { minRows: opts.minRows } : {}),
  });
  return {
    database: postgresDatabaseFacts(session, hypo, stats),
    ...(opts.scanned ? { scanned: opts.scanned } : {}),
    reports,
  };
}
