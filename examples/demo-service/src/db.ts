import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTITY_COUNT, WORKSPACE_COUNT, entityRows, workspaceRows } from './seedData';

export { ENTITY_COUNT, WORKSPACE_COUNT };

/** Bumped whenever the generated data changes, so an old file is re-seeded instead of reused. */
export const SEED_VERSION = 1;

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
  const insertWorkspace = db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)');
  const insertEntity = db.prepare(
    'INSERT INTO entities (id, workspace_id, name, type, degree, description) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const w of workspaceRows(workspaceCount)) insertWorkspace.run(w.id, w.name, w.createdAt);
    for (const e of entityRows(entityCount, workspaceCount)) {
      insertEntity.run(e.id, e.workspaceId, e.name, e.type, e.degree, e.description);
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
