import * as assert from 'node:assert/strict';
import { readSettings } from '../../../../src/extension/config';
import type { ConfigurationSource } from '../../../../src/extension/config';
import {
  configuredPostgres,
  envUrlToOffer,
  postgresSecretKey,
  postgresUrlProblem,
  splitPassword,
} from '../../../../src/extension/postgres/postgresSettings';
import { routeStatements } from '../../../../src/extension/postgres/postgresQueries';
import type { ExtractedStatement } from '../../../../src/core/queries/types';

function source(workspace: Record<string, unknown>, user: Record<string, unknown> = {}): ConfigurationSource {
  return {
    get: <T>(k: string) => (k in workspace ? workspace[k] : user[k]) as T | undefined,
    inspect: <T>(k: string) => ({ globalValue: user[k] as T | undefined }),
  };
}

describe('PostgreSQL connection settings', () => {
  it('reads perflens.queries.postgresUrl from the workspace only when it is trusted', () => {
    const s = source({ 'queries.postgresUrl': ' postgresql://app@localhost:5432/shop ' });
    assert.equal(readSettings(s, { trusted: true }).queriesPostgresUrl, 'postgresql://app@localhost:5432/shop');
    assert.equal(readSettings(s, { trusted: false }).queriesPostgresUrl, '');
    const user = source({}, { 'queries.postgresUrl': 'postgresql://me@localhost/mine' });
    assert.equal(readSettings(user, { trusted: false }).queriesPostgresUrl, 'postgresql://me@localhost/mine');
  });

  it('refuses a URL with a password in the setting, without repeating the password', () => {
    const r = configuredPostgres('postgresql://app:s3cr3t-pw@localhost:5432/shop');
    assert.ok(!r.ok);
    assert.match(r.error.message, /perflens\.queries\.postgresUrl: The URL holds a password/);
    assert.ok(!r.error.message.includes('s3cr3t-pw'), r.error.message);
    assert.equal(postgresUrlProblem('postgresql://app@localhost:5432/shop'), undefined);
    assert.match(postgresUrlProblem('http://localhost/x') ?? '', /not a PostgreSQL URL/);
    const none = configuredPostgres('  ');
    assert.ok(none.ok && none.value === undefined);
  });

  it('moves a password out of a URL', () => {
    assert.deepEqual(splitPassword('postgresql://app:p%40ss@localhost:5433/shop?sslmode=require'), {
      url: 'postgresql://app@localhost:5433/shop?sslmode=require',
      password: 'p@ss',
    });
    assert.deepEqual(splitPassword('postgresql://app@localhost/shop'), { url: 'postgresql://app@localhost/shop' });
  });

  it('names the secret by user, host, port and database, whatever else the URL says', () => {
    const key = (u: string) => {
      const r = postgresSecretKey(u);
      assert.ok(r.ok);
      return r.value;
    };
    assert.equal(key('postgresql://app@LocalHost:5433/shop'), 'perflens.postgresPassword:app@localhost:5433/shop');
    assert.equal(
      key('postgres://app@localhost:5433/shop?sslmode=require'),
      key('postgresql://app@localhost:5433/shop'),
    );
    assert.equal(key('postgresql://app@localhost/shop'), 'perflens.postgresPassword:app@localhost:5432/shop');
    assert.notEqual(key('postgresql://app@localhost/shop'), key('postgresql://app@localhost/other'));
    assert.notEqual(key('postgresql://app@localhost/shop'), key('postgresql://admin@localhost/shop'));
    assert.ok(!key('postgresql://app:pw@localhost/shop').includes('pw'));
  });

  it('offers a .env DATABASE_URL only when nothing is set, the workspace is trusted and it was not declined', () => {
    const envUrl = 'postgresql://app:pw@localhost:5432/shop';
    const base = { configured: '', envUrl, declined: [] as string[], trusted: true };
    assert.equal(envUrlToOffer(base), 'postgresql://app@localhost:5432/shop');
    assert.equal(envUrlToOffer({ ...base, configured: 'postgresql://x@localhost/y' }), undefined);
    assert.equal(envUrlToOffer({ ...base, trusted: false }), undefined);
    assert.equal(envUrlToOffer({ ...base, envUrl: undefined }), undefined);
    assert.equal(envUrlToOffer({ ...base, declined: ['postgresql://app@localhost:5432/shop'] }), undefined);
    assert.equal(envUrlToOffer({ ...base, envUrl: 'postgresql://app@localhost:99999/shop' }), undefined);
  });

  it('sends all but SQLite drivers to the PostgreSQL server when one is set, everything to SQLite otherwise', () => {
    const st = (dialect?: 'postgres' | 'sqlite') => ({ dialect }) as unknown as ExtractedStatement;
    const all = [st('postgres'), st('sqlite'), st()];
    assert.deepEqual(routeStatements(all, { postgres: true }), { postgres: [0, 2], sqlite: [1] });
    assert.deepEqual(routeStatements(all, { postgres: false }), { postgres: [], sqlite: [0, 1, 2] });
  });
});
