import type { Client } from 'pg';
import { ENTITY_COUNT, WORKSPACE_COUNT, entityRows, workspaceRows } from './seedData';

/** Bumped whenever the generated data changes, so an old database is re-seeded instead of reused. */
export const PG_SEED_VERSION = 1;

// The same tables as the SQLite file, with no index on entities.workspace_id on purpose: the
// entities query must scan the table and sort, which is what PerfLens's advisor should find.
const SCHEMA = `
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE workspaces (id integer PRIMARY KEY, name text NOT NULL, created_at text NOT NULL);
CREATE TABLE entities (
  id integer PRIMARY KEY,
  workspace_id integer NOT NULL REFERENCES workspaces(id),
  name text NOT NULL,
  type text NOT NULL,
  degree integer NOT NULL,
  description text NOT NULL
);
`;

/** True when the database holds a complete seed of the current version. */
export async function isPgSeeded(client: Client): Promise<boolean> {
  const has = await client.query(
    "SELECT to_regclass('meta') IS NOT NULL AND to_regclass('entities') IS NOT NULL AS ok",
  );
  if (!has.rows[0]?.ok) return false;
  const v = await client.query("SELECT value FROM meta WHERE key = 'seed_version'");
  if (v.rows[0]?.value !== String(PG_SEED_VERSION)) return false;
  const n = await client.query('SELECT count(*)::int AS n FROM entities');
  return n.rows[0]?.n === ENTITY_COUNT;
}

/** Creates the demo's tables and fills them with the demo's rows (one transaction), then ANALYZE. */
export async function writePgSeed(client: Client, entityCount = ENTITY_COUNT, workspaceCount = WORKSPACE_COUNT) {
  await client.query('BEGIN');
  try {
    await client.query('DROP TABLE IF EXISTS entities, workspaces, meta');
    await client.query(SCHEMA);
    const ws = workspaceRows(workspaceCount);
    await client.query(
      'INSERT INTO workspaces (id, name, created_at) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])',
      [ws.map((w) => w.id), ws.map((w) => w.name), ws.map((w) => w.createdAt)],
    );
    let batch: ReturnType<typeof entityRows> extends Generator<infer R> ? R[] : never = [];
    const flush = async () => {
      if (!batch.length) return;
      await client.query(
        'INSERT INTO entities (id, workspace_id, name, type, degree, description) ' +
          'SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[])',
        [
          batch.map((e) => e.id),
          batch.map((e) => e.workspaceId),
          batch.map((e) => e.name),
          batch.map((e) => e.type),
          batch.map((e) => e.degree),
          batch.map((e) => e.description),
        ],
      );
      batch = [];
    };
    for (const e of entityRows(entityCount, workspaceCount)) {
      batch.push(e);
      if (batch.length >= 10_000) await flush();
    }
    await flush();
    await client.query("INSERT INTO meta (key, value) VALUES ('seed_version', $1)", [String(PG_SEED_VERSION)]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  // Planner statistics, as a database in use would have them.
  await client.query('ANALYZE');
}
