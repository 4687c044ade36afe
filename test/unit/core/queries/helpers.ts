import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { loadDatabaseFile } from '../../../../src/core/queries/database';
import { loadSqlJs } from '../../../../src/core/util/sqljs';
import { DEMO_DEFAULT_DB } from '../../../helpers/demoService';

export interface GraphDbOptions {
  entities?: number;
  relationships?: number;
  /** Extra statements run after the data is in (indexes, ANALYZE…). */
  extra?: string[];
}

/**
 * Writes a real SQLite file shaped like the seed's graph store (entities, relationships, a tiny
 * lookup table) into a fresh temp folder and returns its path.
 */
export async function writeGraphDb(opts: GraphDbOptions = {}): Promise<{ dir: string; file: string }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE entities (id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT, degree INTEGER NOT NULL DEFAULT 0, created_at INTEGER);
          CREATE TABLE relationships (id INTEGER PRIMARY KEY, workspace_id TEXT, source_id INTEGER, target_id INTEGER, weight REAL);
          CREATE TABLE kinds (code TEXT PRIMARY KEY, label TEXT);`);
  db.run('BEGIN');
  const e = db.prepare('INSERT INTO entities (workspace_id, name, type, degree, created_at) VALUES (?, ?, ?, ?, ?)');
  const n = opts.entities ?? 5000;
  // Workspaces are skewed like real tenants: ws-0 holds the most rows.
  for (let i = 0; i < n; i++)
    e.run([`ws-${Math.floor(Math.sqrt(i % 400))}`, `entity ${i}`, `t${i % 7}`, (i * 7919) % 1000, 1_700_000_000 + i]);
  e.free();
  const r = db.prepare('INSERT INTO relationships (workspace_id, source_id, target_id, weight) VALUES (?, ?, ?, ?)');
  const m = opts.relationships ?? 3000;
  for (let i = 0; i < m; i++) r.run([`ws-${i % 20}`, ((i * 13) % n) + 1, ((i * 31) % n) + 1, (i % 10) / 10]);
  r.free();
  for (let i = 0; i < 5; i++) db.run('INSERT INTO kinds VALUES (?, ?)', [`t${i}`, `kind ${i}`]);
  db.run('COMMIT');
  for (const s of opts.extra ?? []) db.run(s);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-queries-'));
  const file = path.join(dir, 'graph.db');
  fs.writeFileSync(file, db.export());
  db.close();
  return { dir, file };
}

export async function loadGraphDb(
  opts: GraphDbOptions = {},
): Promise<{ dir: string; file: string; loaded: LoadedDatabase }> {
  const { dir, file } = await writeGraphDb(opts);
  const r = await loadDatabaseFile(file);
  if (!r.ok) throw new Error(r.error.message);
  return { dir, file, loaded: r.value };
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/** A private copy of the demo's seeded database (the demo seeds the path itself when there is none yet). */
export function demoDbCopy(): { dir: string; dbPath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-demo-db-'));
  const dbPath = path.join(dir, 'graphrag.db');
  if (fs.existsSync(DEMO_DEFAULT_DB)) fs.copyFileSync(DEMO_DEFAULT_DB, dbPath);
  return { dir, dbPath };
}

/** Runs for minutes in any SQLite: a scalar subquery counting to a billion, on a table the advisor wants indexed (blog schema). */
export const RUNAWAY_SQL =
  'SELECT p.id, p.title FROM post p WHERE p.author_id = (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c)';

export const FLASK_BLOG_INDEX =
  'SELECT p.id, title, body, created, author_id, username FROM post p JOIN user u ON p.author_id = u.id ORDER BY created DESC';

/**
 * The Flask tutorial's blog schema (user, post) filled like a small blog that has run for a while:
 * 60 authors, `posts` posts with timestamps spread over months and bodies of a few hundred bytes.
 */
export async function writeFlaskBlogDb(posts = 6000): Promise<{ dir: string; file: string }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE user (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE NOT NULL, password TEXT NOT NULL);
          CREATE TABLE post (id INTEGER PRIMARY KEY AUTOINCREMENT, author_id INTEGER NOT NULL, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            title TEXT NOT NULL, body TEXT NOT NULL, FOREIGN KEY (author_id) REFERENCES user (id));`);
  db.run('BEGIN');
  for (let i = 1; i <= 60; i++)
    db.run('INSERT INTO user (username, password) VALUES (?, ?)', [
      `author${i}`,
      `pbkdf2:sha256:600000$${i.toString(36)}`,
    ]);
  const s = db.prepare('INSERT INTO post (author_id, created, title, body) VALUES (?, ?, ?, ?)');
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < posts; i++) {
    // Posts arrive out of id order (imports, edits), as on a real blog.
    const created = new Date(start + ((i * 7919) % posts) * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    s.run([
      1 + ((i * 31) % 60),
      created,
      `Post number ${i}`,
      `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(5)}${i}`,
    ]);
  }
  s.free();
  db.run('COMMIT');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-flask-'));
  const file = path.join(dir, 'flaskr.sqlite');
  fs.writeFileSync(file, db.export());
  db.close();
  return { dir, file };
}
