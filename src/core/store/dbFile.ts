/**
 * The history database's file: opening it (moving a corrupt or foreign file aside, never
 * silently dropping it) and writing it atomically (temp file, fsync, rename, fsync of the folder)
 * so a crash mid-write leaves either the old file or the new one, never half of each.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from '../util/sqljs';
import { errorMessage } from '../util/result';

/** "PFLH" in ASCII: marks a file as a PerfLens history database. */
export const HISTORY_APPLICATION_ID = 0x50464c48;
export const HISTORY_SCHEMA_VERSION = 1;
const SQLITE_HEADER = 'SQLite format 3\0';

export interface MovedAside {
  /** Why the file could not be used. */
  reason: string;
  /** Where it was moved; it is kept for the user to inspect or recover. */
  movedTo: string;
}

export interface OpenedDatabase {
  db: Database;
  /** True when an existing file was loaded (false: a fresh database). */
  loaded: boolean;
  movedAside?: MovedAside;
}

function timeTag(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

/** Why the bytes are not a usable history database, or undefined when they are. */
function problemWith(SQL: SqlJsStatic, bytes: Uint8Array): { problem?: string; db?: Database } {
  if (bytes.length < 100 || Buffer.from(bytes.subarray(0, 16)).toString('latin1') !== SQLITE_HEADER) {
    return { problem: 'it is not an SQLite database (the file header is wrong or the file is truncated)' };
  }
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
    if (check !== 'ok') {
      db.close();
      return { problem: `SQLite reports it damaged (${String(check)})` };
    }
    const appId = Number(db.exec('PRAGMA application_id')[0]?.values[0]?.[0] ?? 0);
    if (appId !== HISTORY_APPLICATION_ID) {
      db.close();
      return { problem: 'it is an SQLite database, but not a PerfLens history file' };
    }
    const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    if (version > HISTORY_SCHEMA_VERSION) {
      db.close();
      return { problem: `it was written by a newer PerfLens (schema ${version}, this one reads up to ${HISTORY_SCHEMA_VERSION})` };
    }
    return { db };
  } catch (e) {
    db?.close();
    return { problem: `SQLite cannot read it (${errorMessage(e)})` };
  }
}

/**
 * Opens the history file, or starts an empty database when there is none. A file that cannot be
 * used is renamed `<file>.corrupt-<time>` and reported in `movedAside`.
 */
export async function openDatabaseFile(SQL: SqlJsStatic, file: string | undefined, now: number): Promise<OpenedDatabase> {
  if (!file) return { db: new SQL.Database(), loaded: false };
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { db: new SQL.Database(), loaded: false };
    throw e;
  }
  if (bytes.length === 0) return { db: new SQL.Database(), loaded: false };
  const { problem, db } = problemWith(SQL, bytes);
  if (db) return { db, loaded: true };
  const movedTo = `${file}.corrupt-${timeTag(now)}`;
  await fsp.rename(file, movedTo);
  return { db: new SQL.Database(), loaded: false, movedAside: { reason: `The history file ${file} could not be used: ${problem}. It was moved to ${movedTo} and a new history was started.`, movedTo } };
}

let tempCounter = 0;

/** Writes bytes to `file` atomically: temp file in the same folder, fsync, rename, fsync folder. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${++tempCounter}`);
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  // The rename itself is durable only once the folder is synced (not possible on Windows: skip).
  if (process.platform !== 'win32') {
    const dh = await fsp.open(dir, 'r').catch(() => undefined);
    await dh?.sync().catch(() => undefined);
    await dh?.close();
  }
}
