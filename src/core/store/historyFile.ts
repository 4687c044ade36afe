/**
 * Saving a history that other PerfLens processes may be saving too. Each save holds `FILE.lock`;
 * when the file is still the one this store last read or wrote, its bytes are written as they are;
 * when another writer saved in between, the file's current rows are read and this store's changes
 * since its last save are replayed onto them, so neither writer's rows are lost.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from '../util/sqljs';
import { readUserFile } from '../util/userFile';
import type { FileFingerprint } from './dbFile';
import {
  currentFingerprint,
  HISTORY_MAX_BYTES,
  HistoryFileRefused,
  inspectHistoryBytes,
  pendingSideFile,
  sameFingerprint,
  sideFileRefusal,
  writeFileAtomic,
} from './dbFile';
import type { FileLockOptions } from './fileLock';
import { withFileLock } from './fileLock';
import { PendingChanges } from './pending';

export interface SaveHooks {
  /** Creates the history tables in a database read from the file (no-op where they exist). */
  ensureSchema(db: Database): void;
  /**
   * Takes over `merged` (the file's rows plus this store's saved changes) as the store's database;
   * `newer` holds what was recorded while the save ran, not yet in the file nor in `merged`.
   */
  adopt(merged: Database, newer: PendingChanges): void;
}

export class HistoryFile {
  /** Changes since the last successful save. */
  pending = new PendingChanges();

  constructor(
    readonly file: string,
    private readonly SQL: SqlJsStatic,
    /** The file as last read or written by this store (undefined: there was none). */
    private fingerprint: FileFingerprint | undefined,
    private readonly lock: FileLockOptions = {},
  ) {}

  /**
   * Saves `bytes` (this store's whole database, taken together with the pending changes, before any
   * await) under the lock, merging with the file when another writer changed it since.
   */
  async save(bytes: Uint8Array, hooks: SaveHooks): Promise<void> {
    const batch = this.pending;
    this.pending = new PendingChanges();
    try {
      // The lock lives beside the file, so the folder must exist first.
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      await withFileLock(this.file, () => this.saveLocked(bytes, batch, hooks), this.lock);
    } catch (e) {
      // Not saved: those changes go back in front of the ones recorded meanwhile, for the next save.
      batch.absorb(this.pending);
      this.pending = batch;
      throw e;
    }
  }

  private async saveLocked(bytes: Uint8Array, batch: PendingChanges, hooks: SaveHooks): Promise<void> {
    // Replacing the main file under another program's -wal would corrupt what that program committed.
    const side = pendingSideFile(this.file);
    if (side) throw sideFileRefusal(this.file, side);
    const current = await currentFingerprint(this.file);
    if (current === undefined || sameFingerprint(current, this.fingerprint)) {
      this.fingerprint = await writeFileAtomic(this.file, bytes);
      return;
    }
    const read = await readUserFile(this.file, { maxBytes: HISTORY_MAX_BYTES, what: 'history file' });
    if (read.bytes.length === 0) {
      this.fingerprint = await writeFileAtomic(this.file, bytes);
      return;
    }
    const verdict = inspectHistoryBytes(this.SQL, read.bytes);
    if (verdict.kind !== 'ours') {
      const refusal = verdict.kind === 'damaged' ? 'foreign' : verdict.kind;
      throw new HistoryFileRefused(
        refusal,
        this.file,
        `${this.file} was replaced while PerfLens was recording: the file there now ${verdict.kind === 'damaged' ? `is damaged (${verdict.problem})` : verdict.problem}. PerfLens did not overwrite it; what it recorded is kept in memory until it can be saved. Move that file away to let the history be saved`,
      );
    }
    const merged = verdict.db;
    try {
      hooks.ensureSchema(merged);
      batch.applyTo(merged);
      this.fingerprint = await writeFileAtomic(this.file, merged.export());
    } catch (e) {
      merged.close();
      throw e;
    }
    hooks.adopt(merged, this.pending);
  }
}
