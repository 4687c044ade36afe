import { readStatStatements } from '../../core/queries/postgres';
import type { CliCommand } from '../command';
import { flagString, parseArgs } from '../args';
import { EXIT_OK } from '../io';
import { formatMs } from '../../shared/format';
import { UserError } from '../../core/util/result';
import { openPgSession } from './explainPostgres';

const USAGE = `Usage: perflens queries top --postgres URL [--limit N] [--allow-remote] [--json]

The statements that cost the most total execution time on a PostgreSQL server, from
pg_stat_statements (calls, total and mean time, rows), read in a read-only session.

  --postgres URL   postgresql://user[:password]@host:port/db (the password may come from PGPASSWORD)
  --limit N        how many statements (default 20)
  --allow-remote   allow a server that is not on this machine

Exit codes: 0 done, 2 bad usage, no connection, or pg_stat_statements unavailable.
--json prints {statements: [{query, calls, totalMs, meanMs, rows}]}, most total time first.`;

export const queriesTopCommand: CliCommand = {
  path: ['queries', 'top'],
  summary: 'The PostgreSQL statements with the most total time, from pg_stat_statements',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['postgres', 'limit'], boolean: ['allow-remote'] });
    if (args.positionals.length) throw new UserError(`Unexpected argument ${args.positionals[0]}.`);
    const url = flagString(args, 'postgres');
    if (url === undefined)
      throw new UserError('queries top needs --postgres URL (postgresql://user@localhost:5432/db).');
    const limitText = flagString(args, 'limit');
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UserError(`--limit must be a whole number from 1 to 1000, not "${limitText}".`);
    const session = await openPgSession(url, { allowRemote: args.flags.has('allow-remote') });
    try {
      const stats = await readStatStatements(session.client, limit);
      if (!stats.ok) throw new UserError(stats.why);
      if (args.flags.has('json')) {
        io.out(JSON.stringify({ statements: stats.rows }, null, 2));
        return EXIT_OK;
      }
      if (stats.rows.length === 0) {
        io.out('pg_stat_statements has no statements for this database yet.');
        return EXIT_OK;
      }
      io.out(`Top ${stats.rows.length} statement(s) by total time at ${session.target.display}:`);
      for (const r of stats.rows)
        io.out(
          `${formatMs(r.totalMs).padStart(10)} total  ${String(r.calls).padStart(8)} calls  ${formatMs(r.meanMs).padStart(9)} mean  ${r.query.replace(/\s+/g, ' ').slice(0, 160)}`,
        );
      return EXIT_OK;
    } finally {
      await session.close();
    }
  },
};
