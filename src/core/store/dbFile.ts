/**
 * The history database's file. PerfLens only ever replaces a file it wrote itself: its own files
 * carry the PerfLens application id in the SQLite header (and its `series` table); any other file
 * (another program's database, a text file, a history from a newer PerfLens) is refused and left
 * exactly as it is. A file of ours that is damaged is set aside with its -wal/-shm/-journal, never
 * dropped. Writes are atomic (temp file, fsync, rename, fsync of the folder), so a crash mid-write
 * leaves either the old file or the new one.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from '../util/sqljs';
import { errorMessage } from '../util/result';
import { readUserFile, UserFileError } from '../util/userFile';
import { withFileLock } from './fileLock';
import type { FileLockOptions } from './fileLock';

/** "PFLH" in ASCII: marks a file as a PerfLens history database (SQLite header offset 68). */
export const HISTORY_APPLICATION_ID = 0x50464c48;
export const HISTORY_SCHEMA_VERSION = 1;
/** The largest history file read into memory (30 days × 30 series is about 10 MB). */
export const HISTORY_MAX_BYTES = 1024 * 1024 * 1024;
const SQLITE_HEADER = 'SQLite format 3\0';
/** Files SQLite keeps beside a database; they belong to it and move with it. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

export interface MovedAside {
  /** Why the file could not be used. */
  reason: string;
  /** Where it was moved; it is kept for the user to inspect or recover. */
  movedTo: string;
}

/** Which file on disk a history was read from or written to: another writer's save changes it. */
export interface FileFingerprint {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export function fingerprintOf(st: fs.BigIntStats): FileFingerprint {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
}

export function sameFingerprint(a: FileFingerprint | undefined, b: FileFingerprint | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs
  );
}

/** The fingerprint of the file at `file` now, or undefined when there is none. */
export async function currentFingerprint(file: string): Promise<FileFingerprint | undefined> {
  try {
    return fingerprintOf(await fsp.stat(file, { bigint: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Why a history file was refused: 'foreign' (not ours), 'newer' (ours, newer schema), 'busy' (ours, another program has changes pending in it). */
export type HistoryRefusal = 'foreign' | 'newer' | 'busy';

/** The history file exists and PerfLens will not touch it. The message says why and what to do. */
export class HistoryFileRefused extends Error {
  constructor(
    readonly kind: HistoryRefusal,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'HistoryFileRefused';
  }
}

export function sideFileRefusal(file: string, side: string): HistoryFileRefused {
  return new HistoryFileRefused(
    'busy',
    file,
    `${side} holds changes that are not in ${file} itself: another program (sqlite3, a database browser) has the history open, or stopped before a checkpoint. Close that program, or run sqlite3 "${file}" "PRAGMA wal_checkpoint(TRUNCATE)", then try again`,
  );
}

export interface OpenedDatabase {
  db: Database;
  /** True when an existing file was loaded (false: a fresh database). */
  loaded: boolean;
  movedAside?: MovedAside;
  /** The file the database was read from (undefined: there was none). */
  fingerprint?: FileFingerprint;
}

function timeTag(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

type Verdict =
  | { kind: 'ours'; db: Database }
  | { kind: 'foreign' | 'newer'; problem: string }
  | { kind: 'damaged'; problem: string };

/** Whether the bytes are a history database of ours (and readable), from the header first. */
export function inspectHistoryBytes(SQL: SqlJsStatic, bytes: Uint8Array): Verdict {
  if (bytes.length < 100 || Buffer.from(bytes.subarray(0, 16)).toString('latin1') !== SQLITE_HEADER) {
    return {
      kind: 'foreign',
      problem: 'is not an SQLite database (if it is a damaged PerfLens history, move it away yourself)',
    };
  }
  // The application id lives in the header, so it can be read even when the pages are damaged.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32BE(68) !== HISTORY_APPLICATION_ID) {
    return { kind: 'foreign', problem: 'is an SQLite database, but not a PerfLens history file' };
  }
  // A WAL-mode header (bytes 18-19 = 2) cannot be opened in memory; the -wal was checked empty.
  const copy = new Uint8Array(bytes);
  if (copy[18] === 2 || copy[19] === 2) copy[18] = copy[19] = 1;
  let db: Database | undefined;
  try {
    db = new SQL.Database(copy);
    const check = db.exec('PRAGMA quick_check')[0]?.values[0]?.[0];
    if (check !== 'ok') {
      db.close();
      return { kind: 'damaged', problem: `SQLite reports it damaged (${String(check)})` };
    }
    const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    if (version > HISTORY_SCHEMA_VERSION) {
      db.close();
      return {
        kind: 'newer',
        problem: `was written by a newer PerfLens (history schema ${version}; this one reads up to ${HISTORY_SCHEMA_VERSION})`,
      };
    }
    const tables = (db.exec("SELECT name FROM sqlite_schema WHERE type = 'table'")[0]?.values ?? []).map((r) =>
      String(r[0]),
    );
    if (tables.length > 0 && !tables.includes('series')) {
      db.close();
      return {
        kind: 'foreign',
        problem: 'carries the PerfLens application id but none of the tables of a PerfLens history',
      };
    }
    return { kind: 'ours', db };
  } catch (e) {
    db?.close();
    return { kind: 'damaged', problem: `SQLite cannot read it (${errorMessage(e)})` };
  }
}

/** A -wal or -journal with content means another program has changes that are not in the main file yet. */
export function pendingSideFile(file: string): string | undefined {
  for (const suffix of ['-wal', '-journal']) {
    const size = fs.statSync(`${file}${suffix}`, { throwIfNoEntry: false })?.size ?? 0;
    if (size > 0) return `${file}${suffix}`;
  }
  return undefined;
}

/** Moves a damaged history of ours, and the files SQLite keeps beside it, to `<file>.corrupt-<time>`. */
async function setAside(file: string, movedTo: string): Promise<void> {
  await fsp.rename(file, movedTo);
  for (const suffix of SIDE_FILES) {
    await fsp.rename(`${file}${suffix}`, `${movedTo}${suffix}`).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}

/**
 * Opens the history file, or starts an empty database when there is none (or it is empty). A
 * damaged history of ours is renamed `<file>.corrupt-<time>` (with its side files) and reported in
 * `movedAside`; any file that is not ours is refused with HistoryFileRefused and not touched.
 */
export async function openDatabaseFile(
  SQL: SqlJsStatic,
  file: string | undefined,
  now: number,
  lock: FileLockOptions = {},
): Promise<OpenedDatabase> {
  if (!file) return { db: new SQL.Database(), loaded: false };
  for (let attempt = 0; ; attempt++) {
    let read;
    try {
      read = await readUserFile(file, {
        maxBytes: HISTORY_MAX_BYTES,
        what: 'history file',
        raiseWith: 'lower perflens.retentionDays, or start a new history file',
      });
    } catch (e) {
      if (e instanceof UserFileError && e.kind === 'not-found' && e.code === 'ENOENT')
        return { db: new SQL.Database(), loaded: false };
      throw e;
    }
    const fingerprint = fingerprintOf(read.stat);
    if (read.bytes.length === 0) return { db: new SQL.Database(), loaded: false, fingerprint };
    const verdict = inspectHistoryBytes(SQL, read.bytes);
    if (verdict.kind === 'foreign' || verdict.kind === 'newer') {
      throw new HistoryFileRefused(
        verdict.kind,
        file,
        `${file} ${verdict.problem}. PerfLens writes its history only to a file it created, so it has left this one as it is: choose another history file.`,
      );
    }
    const side = pendingSideFile(file);
    if (side) {
      if (verdict.kind === 'ours') verdict.db.close();
      throw sideFileRefusal(file, side);
    }
    if (verdict.kind === 'ours') return { db: verdict.db, loaded: true, fingerprint };
    const movedTo = `${file}.corrupt-${timeTag(now)}`;
    // Under the lock, and only if the file is still the one judged damaged (another writer may have just replaced it).
    const moved = await withFileLock(
      file,
      async () => {
        if (!sameFingerprint(await currentFingerprint(file), fingerprint)) return false;
        await setAside(file, movedTo);
        return true;
      },
      lock,
    );
    if (!moved) {
      if (attempt < 2) continue;
      throw new Error(
        `${file} kept changing while it was being read; try again once other PerfLens windows or runs have saved`,
      );
    }
    const reason = `The history file ${file} could not be used: ${verdict.problem}. It was moved to ${movedTo} (with any -wal/-shm files beside it) and a new history was started.`;
    return { db: new SQL.Database(), loaded: false, movedAside: { reason, movedTo } };
  }
}

let tempCounter = 0;

/** Writes bytes to `file` atomically: temp file in the same folder, fsync, rename, fsync folder. Returns the new file's fingerprint. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<FileFingerprint> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${++tempCounter}`);
  const fh = await fsp.open(tmp, 'w');
  let written: FileFingerprint;
  try {
    await fh.writeFile(data);
    await fh.sync();
    written = fingerprintOf(await fh.stat({ bigint: true }));
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
  return written;
}
