import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../util/sqljs';
import { loadSqlJs } from '../util/sqljs';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';
import { readUserFile, UserFileError } from '../util/userFile';

export interface ColumnInfo {
  name: string;
  type: string;
  primaryKey: boolean;
}

export interface IndexInfo {
  name: string;
  table: string;
  columns: { name: string; desc: boolean }[];
  unique: boolean;
  partial: boolean;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  /** Row count from sqlite_stat1 when ANALYZE has run (filled lazily otherwise: see rowCount()). */
  statRows?: number;
}

export interface SchemaInfo {
  tables: TableInfo[];
  hasStat1: boolean;
}

/** The user's database, copied into memory: nothing done to it reaches the file. */
export interface LoadedDatabase {
  path: string;
  bytes: number;
  db: Database;
  schema: SchemaInfo;
  /** Things the user should know about the copy (e.g. changes still in a -wal file). */
  notes: string[];
  table(name: string): TableInfo | undefined;
  /** Rows in a table: sqlite_stat1's estimate, else COUNT(*) (cached). */
  rowCount(table: string): number;
  /** A fresh in-memory copy of the original bytes, for experiments that must not see each other. */
  copy(): Database;
  close(): void;
}

export type DatabaseFailureKind = 'not-found' | 'not-sqlite' | 'unreadable' | 'locked' | 'corrupt' | 'too-large';

/** The largest file copied into memory by default. */
export const DEFAULT_MAX_DATABASE_BYTES = 1024 * 1024 * 1024;

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const DB_EXTENSIONS = ['.db', '.sqlite', '.sqlite3'];
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  'venv',
  '.venv',
  '__pycache__',
  'target',
  'vendor',
  '.perflens',
  '.cache',
]);

/**
 * Reads a SQLite file's bytes (never opening it for writing) and loads them into sql.js.
 * A file in WAL mode is read as its main file; changes not yet checkpointed into it are noted.
 */
export async function loadDatabaseFile(
  file: string,
  opts: { maxBytes?: number } = {},
): Promise<Result<LoadedDatabase, DatabaseFailureKind>> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DATABASE_BYTES;
  let bytes: Buffer;
  try {
    // The copy lives in memory (twice, briefly, while sql.js takes it): refuse what would not fit.
    bytes = (
      await readUserFile(file, {
        maxBytes,
        what: 'database',
        raiseWith: 'explain on a smaller copy, e.g. a sample of the rows with the same schema and indexes',
      })
    ).bytes;
  } catch (e) {
    if (!(e instanceof UserFileError)) return fail('unreadable', `${file} could not be read: ${errorMessage(e)}`, e);
    if (e.kind === 'not-found' && e.code === 'ENOENT')
      return fail(
        'not-found',
        `No database file at ${file}. Check the path of the service's SQLite file (on the command line: --db FILE).`,
      );
    if (e.code === 'EBUSY' || e.code === 'EPERM' || e.code === 'EACCES') {
      return fail(
        'locked',
        `${file} could not be read (${e.code}): another program holds it exclusively. Stop the service or copy the file (with its -wal file) and point PerfLens at the copy.`,
        e,
      );
    }
    if (e.kind === 'too-large') return fail('too-large', e.message, e);
    return fail('unreadable', e.message, e);
  }
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(HEADER)) {
    return fail(
      'not-sqlite',
      `${file} is not a SQLite database (its first bytes are not "SQLite format 3"). Point PerfLens at the service's .db/.sqlite file.`,
    );
  }
  const notes: string[] = [];
  // Bytes 18-19 are 2 in WAL mode; an in-memory copy cannot use a WAL, so read it as a rollback journal file.
  if (bytes[18] === 2 || bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
    const wal = `${file}-wal`;
    if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
      notes.push(
        `${path.basename(wal)} holds changes not yet written into the main file; they are not in this analysis. Checkpoint it (PRAGMA wal_checkpoint) or stop the service to include them.`,
      );
    }
  }
  const SQL = await loadSqlJs();
  const original = new Uint8Array(bytes);
  let db: Database;
  let schema: SchemaInfo;
  try {
    db = new SQL.Database(original);
    schema = readSchema(db);
  } catch (e) {
    return fail(
      'corrupt',
      `${file} could not be read as a SQLite database: ${errorMessage(e)}. If the service is writing it right now, try again or copy the file first.`,
      e,
    );
  }
  const counts = new Map<string, number>();
  const byName = new Map(schema.tables.map((t) => [t.name.toLowerCase(), t]));
  return ok({
    path: file,
    bytes: bytes.length,
    db,
    schema,
    notes,
    table: (name) => byName.get(name.toLowerCase()),
    rowCount(table) {
      const info = byName.get(table.toLowerCase());
      if (info?.statRows !== undefined) return info.statRows;
      let n = counts.get(table.toLowerCase());
      if (n === undefined) {
        n = Number(db.exec(`SELECT COUNT(*) FROM ${quoteIdent(info?.name ?? table)}`)[0]?.values[0]?.[0] ?? 0);
        counts.set(table.toLowerCase(), n);
      }
      return n;
    },
    copy: () => new SQL.Database(original),
    close: () => db.close(),
  });
}

export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function readSchema(db: Database): SchemaInfo {
  const tableNames = rows(
    db,
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).map((r) => String(r[0]));
  const hasStat1 = rows(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'").length > 0;
  const stats = new Map<string, number>();
  if (hasStat1) {
    for (const [tbl, stat] of rows(db, 'SELECT tbl, stat FROM sqlite_stat1')) {
      const n = Number(String(stat).split(' ')[0]);
      if (Number.isFinite(n))
        stats.set(String(tbl).toLowerCase(), Math.max(n, stats.get(String(tbl).toLowerCase()) ?? 0));
    }
  }
  const tables = tableNames.map((name): TableInfo => {
    const columns = rows(db, `PRAGMA table_info(${quoteIdent(name)})`).map((r) => ({
      name: String(r[1]),
      type: String(r[2] ?? ''),
      primaryKey: Number(r[5]) > 0,
    }));
    const indexes = rows(db, `PRAGMA index_list(${quoteIdent(name)})`).map((r): IndexInfo => {
      const idx = String(r[1]);
      const cols = rows(db, `PRAGMA index_xinfo(${quoteIdent(idx)})`)
        .filter((c) => Number(c[5]) === 1)
        .map((c) => ({ name: c[2] === null ? '<expr>' : String(c[2]), desc: Number(c[3]) === 1 }));
      return { name: idx, table: name, columns: cols, unique: Number(r[2]) === 1, partial: Number(r[4]) === 1 };
    });
    const info: TableInfo = { name, columns, indexes };
    const stat = stats.get(name.toLowerCase());
    if (stat !== undefined) info.statRows = stat;
    return info;
  });
  return { tables, hasStat1 };
}

function rows(db: Database, sql: string): unknown[][] {
  return (db.exec(sql)[0]?.values ?? []) as unknown[][];
}

/**
 * SQLite files in a workspace (*.db, *.sqlite, *.sqlite3 with the SQLite header), shallowest
 * first, skipping dependency and build folders.
 */
export async function findDatabaseFiles(root: string, maxDepth = 4): Promise<string[]> {
  const found: { file: string; depth: number }[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !SKIP_DIRS.has(e.name)) await walk(full, depth + 1);
      } else if (
        e.isFile() &&
        DB_EXTENSIONS.includes(path.extname(e.name).toLowerCase()) &&
        (await hasSqliteHeader(full))
      ) {
        found.push({ file: full, depth });
      }
    }
  };
  await walk(root, 0);
  return found.sort((a, b) => a.depth - b.depth || a.file.localeCompare(b.file)).map((f) => f.file);
}

async function hasSqliteHeader(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const buf = Buffer.alloc(16);
    await handle.read(buf, 0, 16, 0);
    return buf.equals(HEADER);
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
