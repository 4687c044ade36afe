import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng } from './random';

/** Bumped whenever the generated data changes, so an old file is re-seeded instead of reused. */
export const SEED_VERSION = 1;
export const WORKSPACE_COUNT = 20;
export const ENTITY_COUNT = 100_000;

const ENTITY_TYPES = ['person', 'organization', 'location', 'event', 'concept', 'document'];
const NAME_PARTS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'sigma',
  'omega',
  'nova',
  'terra',
  'luna',
  'sol',
  'vega',
  'orion',
];

// No index on entities.workspace_id on purpose: the entities query must scan the table and
// sort with a temp b-tree, which is exactly what PerfLens's query advisor should find.
const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE workspaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE entities (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  degree INTEGER NOT NULL,
  description TEXT NOT NULL
);
`;

/** True when the file exists and holds a complete seed of the current version. */
export function isSeeded(dbPath: string): boolean {
  if (!fs.existsSync(dbPath)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'seed_version'").get() as { value: string } | undefined;
    if (row?.value !== String(SEED_VERSION)) return false;
    const count = db.prepare('SELECT count(*) AS n FROM entities').get() as { n: number };
    return count.n === ENTITY_COUNT;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** Fills a fresh database file with workspaces and entities whose degrees follow a heavy tail. */
export function writeSeed(db: Database.Database, entityCount = ENTITY_COUNT, workspaceCount = WORKSPACE_COUNT): void {
  db.exec(SCHEMA);
  const rand = prng(42);
  const insertWorkspace = db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)');
  const insertEntity = db.prepare(
    'INSERT INTO entities (id, workspace_id, name, type, degree, description) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let w = 1; w <= workspaceCount; w++) {
      insertWorkspace.run(w, `workspace-${w}`, new Date(Date.UTC(2025, 0, w)).toISOString());
    }
    for (let id = 1; id <= entityCount; id++) {
      // Rows of one workspace are spread over the whole table, as inserts from many users would be.
      const workspaceId = 1 + Math.floor(rand() * workspaceCount);
      const name = `${NAME_PARTS[Math.floor(rand() * NAME_PARTS.length)]}-${NAME_PARTS[Math.floor(rand() * NAME_PARTS.length)]}-${id}`;
      const type = ENTITY_TYPES[Math.floor(rand() * ENTITY_TYPES.length)]!;
      // Pareto-like: most entities have a few links, a few hubs have hundreds.
      const degree = Math.min(500, Math.floor(1 / Math.pow(1 - rand(), 0.7)));
      insertEntity.run(
        id,
        workspaceId,
        name,
        type,
        degree,
        `The ${type} ${name}, mentioned in ${degree} relationships.`,
      );
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('seed_version', ?)").run(String(SEED_VERSION));
  })();
}

/**
 * Makes sure dbPath holds the seeded data. The data is written to a temp file and renamed into place,
 * so services started in parallel never see a half-written database; a complete file is reused.
 */
export function ensureSeeded(dbPath: string): { seeded: boolean } {
  if (isSeeded(dbPath)) return { seeded: false };
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const tmp = `${dbPath}.${process.pid}.${Date.now()}.tmp`;
  try {
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      writeSeed(db);
    } finally {
      db.close();
    }
    fs.renameSync(tmp, dbPath);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { seeded: true };
}
