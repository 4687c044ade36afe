import type Database from 'better-sqlite3';
import { Client } from 'pg';

/** A pooled connection: better-sqlite3 on the SQLite file (the default), or a pg client (--pg-url). */
export type DemoConn = Database.Database | Client;

export function isSqlite(conn: DemoConn): conn is Database.Database {
  return 'pragma' in conn;
}

/**
 * The statements are written once, with `?` placeholders; PostgreSQL is sent `$1, $2…` in their
 * place (the demo's statements hold no `?` inside strings).
 */
export function dollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Opens `size` clients to the PostgreSQL URL, each a pooled connection of the demo. */
export async function openPgClients(url: string, size: number): Promise<Client[]> {
  const clients: Client[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const c = new Client({ connectionString: url, application_name: 'perflens-demo' });
      c.on('error', () => undefined);
      await c.connect();
      clients.push(c);
    }
    return clients;
  } catch (e) {
    for (const c of clients) void c.end();
    throw e;
  }
}
