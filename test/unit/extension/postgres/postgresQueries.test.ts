import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readSettings } from '../../../../src/extension/config';
import { adviseByDialect, PostgresQueries } from '../../../../src/extension/postgres/postgresQueries';
import { postgresSecretKey } from '../../../../src/extension/postgres/postgresSettings';
import type { ExtractedStatement } from '../../../../src/core/queries/types';
import type { PostgresQueriesServices } from '../../../../src/extension/postgres/postgresQueries';

const PASSWORD = 'pw-never-shown-7f3a';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function services(url: string, logged: string[]): PostgresQueriesServices {
  const settings = readSettings({
    get: <T>(k: string) => (k === 'queries.postgresUrl' ? url : undefined) as T | undefined,
    inspect: () => undefined,
  });
  const key = postgresSecretKey(url);
  assert.ok(key.ok);
  const secrets = new Map([[key.value, PASSWORD]]);
  const log = (...a: unknown[]) => void logged.push(a.map(String).join(' '));
  return {
    settings: () => settings,
    secrets: { get: (k: string) => Promise.resolve(secrets.get(k)) },
    log: { info: log, warn: log, error: log },
  } as unknown as PostgresQueriesServices;
}

describe('PostgreSQL statements in the editor', () => {
  it('marks each statement with why the server failed, and never shows or logs the password', async function () {
    this.timeout(30_000);
    const url = `postgresql://app@127.0.0.1:${await closedPort()}/shop`;
    const logged: string[] = [];
    const pg = new PostgresQueries(services(url, logged));
    const statements = [
      { sql: 'SELECT * FROM entities WHERE workspace_id = $1', text: 'x', dialect: 'postgres' },
      { sql: 'SELECT 1', text: 'SELECT 1', dialect: 'sqlite' },
    ] as unknown as ExtractedStatement[];
    const reports = await adviseByDialect(statements, { sqlite: undefined, postgres: pg }, false, {
      warn: (m: string) => void logged.push(m),
    });
    assert.match(reports[0]!.error ?? '', /^Not explained: Nothing accepts connections at 127\.0\.0\.1:\d+/);
    assert.match(reports[1]!.error ?? '', /no SQLite database is open/);
    const everything = JSON.stringify(reports) + logged.join('\n');
    assert.ok(logged.length > 0);
    assert.ok(!everything.includes(PASSWORD), everything);
  });
});
