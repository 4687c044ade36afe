import type { PgExplainFacts } from '../../core/insights/postgres';
import { explainOnPgSession } from '../../core/insights/postgres';
import type { StatementInput } from '../../core/queries/advisor';
import { blankReport } from '../../core/queries/advisor';
import * as pg from '../../core/queries/postgres';
import type { QueryWorker } from '../../core/queries/queryWorkerClient';
import { connectPolicy } from '../../core/util/connect';
import type { ExtractedStatement, StatementReport } from '../../core/queries/types';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import type { ExtensionServices } from '../services';
import { configuredPostgres } from './postgresSettings';

export type PostgresQueriesServices = Pick<ExtensionServices, 'settings' | 'log' | 'secrets'>;

/**
 * Explains statements written for a PostgreSQL driver on the server of perflens.queries.postgresUrl:
 * one read-only session per run (timeouts from the settings, loopback unless remote targets are
 * allowed), runtime from pg_stat_statements, index advice proven with HypoPG on a what-if run.
 * The password comes from the secret storage and is never logged.
 */
export class PostgresQueries {
  constructor(private readonly services: PostgresQueriesServices) {}

  /** The configured URL (without password), undefined when none, or why the setting is unusable. */
  target(): Result<{ url: string; secretKey: string } | undefined> {
    return configuredPostgres(this.services.settings().queriesPostgresUrl);
  }

  /** The statements explained on the server, with the server's facts (as explain --postgres --json gives them). */
  async advise(statements: StatementInput[], whatIf: boolean): Promise<Result<PgExplainFacts>> {
    const target = this.target();
    if (!target.ok) return target;
    if (!target.value) return fail('no-postgres', 'No PostgreSQL connection is set (perflens.queries.postgresUrl).');
    const { url, secretKey } = target.value;
    const password = await this.services.secrets.get(secretKey);
    const settings = this.services.settings();
    const session = await pg.connectPg(url, {
      policy: connectPolicy(settings.allowRemoteTargets),
      statementTimeoutMs: settings.queriesStatementTimeoutSeconds * 1000,
      ...(password !== undefined ? { password } : {}),
    });
    if (!session.ok) return fail(session.error.kind, session.error.message);
    try {
      const facts = await explainOnPgSession(session.value, statements, { whatIf });
      const stats = facts.database.statStatements;
      if ('error' in stats) this.services.log.info(`queries: no runtime from ${url}: ${stats.error}`);
      return ok(facts);
    } catch (e) {
      const d = pg.describePgError(e, session.value.target);
      return fail(d.kind, d.message);
    } finally {
      await session.value.close();
    }
  }
}

/**
 * Which database explains a statement: a SQLite driver's goes to SQLite; with a PostgreSQL URL set
 * (an explicit choice, where the SQLite file may only have been found) every other one goes to
 * PostgreSQL; without one, everything goes to SQLite.
 */
export function routeStatements(
  statements: ExtractedStatement[],
  opts: { postgres: boolean },
): { postgres: number[]; sqlite: number[] } {
  const out = { postgres: [] as number[], sqlite: [] as number[] };
  statements.forEach((s, i) => {
    const toPg = opts.postgres && s.dialect !== 'sqlite';
    (toPg ? out.postgres : out.sqlite).push(i);
  });
  return out;
}

/**
 * Each statement explained on its database (routeStatements): PostgreSQL's in one read-only
 * session, SQLite's in the worker. A database that fails as a whole marks each of its statements
 * with the reason rather than going quiet.
 */
export async function adviseByDialect(
  statements: ExtractedStatement[],
  dbs: { sqlite: QueryWorker | undefined; postgres: PostgresQueries | undefined },
  whatIf: boolean,
  log: Pick<PostgresQueriesServices['log'], 'warn'>,
): Promise<StatementReport[]> {
  const pgTarget = dbs.postgres?.target();
  const route = routeStatements(statements, {
    postgres: pgTarget?.ok === true && pgTarget.value !== undefined,
  });
  const reports: StatementReport[] = new Array<StatementReport>(statements.length);
  const place = async (indexes: number[], run: () => Promise<Result<StatementReport[]>>) => {
    if (indexes.length === 0) return;
    const r = await run();
    if (!r.ok) log.warn(`queries: ${r.error.message}`);
    indexes.forEach((i, k) => {
      reports[i] = r.ok ? r.value[k]! : { ...blankReport(statements[i]!), error: `Not explained: ${r.error.message}` };
    });
  };
  const pick = (indexes: number[]) => indexes.map((i) => statements[i]!);
  await place(route.postgres, async () => {
    const r = await dbs.postgres!.advise(pick(route.postgres), whatIf);
    return r.ok ? ok(r.value.reports) : r;
  });
  await place(route.sqlite, async () =>
    dbs.sqlite
      ? dbs.sqlite.advise(pick(route.sqlite), { whatIf })
      : fail('no-database', 'no SQLite database is open for statements of SQLite drivers (perflens.queries.database).'),
  );
  return reports;
}
