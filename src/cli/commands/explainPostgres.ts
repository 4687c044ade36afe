import { hasFindingOf } from '../../core/queries/advisor';
import type { StatementInput } from '../../core/queries/advisor';
import type { PgSession } from '../../core/queries/postgres';
import { connectPg } from '../../core/queries/postgres';
import type { FindingKind } from '../../core/queries/types';
import { scanWorkspace } from '../../core/queries/workspace';
import { connectPolicy } from '../../core/util/connect';
import { UserError } from '../../core/util/result';
import { plural } from '../../shared/format';
import { EXIT_FINDING, EXIT_OK } from '../io';
import type { CliIO } from '../io';
import { explainJson } from '../../core/insights/json';
import { explainOnPgSession } from '../../core/insights/postgres';
import { human } from './explainOutput';

export const POSTGRES_FLAGS = `PerfLens never writes the database.
  --postgres URL     postgresql://user[:password]@host:port/db[?sslmode=require|verify-ca|verify-full&sslrootcert=FILE]
                     (the password may come from PGPASSWORD instead); loopback hosts only unless --allow-remote
  --what-if          prove each suggested index with a HypoPG hypothetical index (needs CREATE EXTENSION hypopg)
  --analyze          also run each parameterless reading statement (EXPLAIN ANALYZE, BUFFERS) inside a
                     read-only transaction that is rolled back; off unless given
  --allow-remote     allow a PostgreSQL server that is not on this machine
Runtime (calls, mean and total time) comes from pg_stat_statements when it is enabled.`;

export interface PostgresExplainOptions {
  sql?: string;
  workspace?: string;
  whatIf: boolean;
  analyze: boolean;
  allowRemote: boolean;
  json: boolean;
  failOn: FindingKind[];
  minRows?: number;
  timeoutMs?: number;
}

/** Connects read-only, or throws a UserError that says why (never with the password in it). */
export async function openPgSession(
  url: string,
  opts: { allowRemote: boolean; timeoutMs?: number },
): Promise<PgSession> {
  const password = process.env.PGPASSWORD;
  const session = await connectPg(url, {
    policy: connectPolicy(opts.allowRemote),
    ...(password ? { password } : {}),
    ...(opts.timeoutMs !== undefined ? { statementTimeoutMs: opts.timeoutMs } : {}),
  });
  if (!session.ok)
    throw new UserError(
      session.error.kind === 'remote'
        ? session.error.message.replace(/CLI --allow-remote/, '--allow-remote')
        : session.error.message,
    );
  return session.value;
}

export async function explainOnPostgres(io: CliIO, url: string, opts: PostgresExplainOptions): Promise<number> {
  const session = await openPgSession(url, opts);
  try {
    let inputs: StatementInput[];
    let scanned: { files: number; statements: number } | undefined;
    if (opts.workspace) {
      const scan = await scanWorkspace(opts.workspace);
      if (scan.files === 0 && scan.errors.length === 0)
        io.err(`perflens: no Python, JS/TS, Go or Java files under ${opts.workspace}.`);
      inputs = scan.statements;
      scanned = { files: scan.files, statements: scan.statements.length };
    } else inputs = [opts.sql!];
    const facts = await explainOnPgSession(session, inputs, {
      whatIf: opts.whatIf,
      analyze: opts.analyze,
      ...(opts.minRows !== undefined ? { minRows: opts.minRows } : {}),
      ...(scanned ? { scanned } : {}),
    });
    const reports = facts.reports;
    const code = opts.failOn.length && hasFindingOf(reports, opts.failOn) ? EXIT_FINDING : EXIT_OK;
    if (opts.json) {
      io.out(JSON.stringify(explainJson(facts), null, 2));
      return code;
    }
    const db = facts.database;
    io.out(`${db.server} at ${db.url} (read-only session; nothing is written)`);
    if ('error' in db.statStatements) io.out(`note: no runtime timings: ${db.statStatements.error}`);
    if (opts.whatIf && 'error' in db.hypopg) io.out(`note: index advice is unproven: ${db.hypopg.error}`);
    if (scanned)
      io.out(`Read ${plural(scanned.files, 'source file')}; found ${plural(scanned.statements, 'SQL statement')}.`);
    io.out('');
    human(reports, io);
    return code;
  } finally {
    await session.close();
  }
}
