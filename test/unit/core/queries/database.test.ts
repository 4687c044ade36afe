import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { findDatabaseFiles, loadDatabaseFile } from '../../../../src/core/queries/database';
import { removeDir, writeGraphDb } from './helpers';

describe('loadDatabaseFile', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-db-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach(removeDir));

  it('reads schema, indexes (with direction) and row counts; the file stays byte-for-byte the same', async () => {
    const { dir, file } = await writeGraphDb({
      entities: 1500,
      extra: ['CREATE INDEX ix_deg ON entities(workspace_id, degree DESC)'],
    });
    dirs.push(dir);
    const before = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;
    const r = await loadDatabaseFile(file);
    assert.ok(r.ok);
    const db = r.value;
    try {
      assert.deepEqual(
        db.schema.tables.map((t) => t.name),
        ['entities', 'kinds', 'relationships'],
      );
      const entities = db.table('ENTITIES')!;
      assert.deepEqual(
        entities.columns.map((c) => c.name),
        ['id', 'workspace_id', 'name', 'type', 'degree', 'created_at'],
      );
      assert.ok(entities.columns[0]!.primaryKey);
      const ix = entities.indexes.find((i) => i.name === 'ix_deg')!;
      assert.deepEqual(ix.columns, [
        { name: 'workspace_id', desc: false },
        { name: 'degree', desc: true },
      ]);
      assert.equal(db.rowCount('entities'), 1500);
      assert.equal(db.schema.hasStat1, false);
      // Changing the in-memory copy never reaches the file.
      db.db.run('DELETE FROM entities');
      db.db.run('CREATE INDEX scratch ON relationships(weight)');
      assert.equal(Number(db.copy().exec('SELECT count(*) FROM entities')[0]!.values[0]![0]), 1500);
    } finally {
      db.close();
    }
    assert.ok(fs.readFileSync(file).equals(before));
    assert.equal(fs.statSync(file).mtimeMs, mtime);
  });

  it('takes row counts from sqlite_stat1 when ANALYZE has run', async () => {
    const { dir, file } = await writeGraphDb({
      entities: 1200,
      extra: ['CREATE INDEX ix_ws ON entities(workspace_id)', 'ANALYZE'],
    });
    dirs.push(dir);
    const r = await loadDatabaseFile(file);
    assert.ok(r.ok);
    assert.equal(r.value.schema.hasStat1, true);
    assert.equal(r.value.table('entities')!.statRows, 1200);
    assert.equal(r.value.rowCount('entities'), 1200);
    r.value.close();
  });

  it('reads a WAL-mode file that a live writer (better-sqlite3) holds open, and notes uncheckpointed changes', async () => {
    const dir = tmp();
    const file = path.join(dir, 'live.db');
    const writer = new Database(file);
    try {
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      writer.pragma('wal_checkpoint(TRUNCATE)');
      writer.prepare('INSERT INTO t (v) VALUES (?)').run('not yet checkpointed');
      const r = await loadDatabaseFile(file);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.deepEqual(
        r.value.schema.tables.map((t) => t.name),
        ['t'],
      );
      assert.match(r.value.notes.join(' '), /live\.db-wal holds changes not yet written.*wal_checkpoint/);
      r.value.close();
    } finally {
      writer.close();
    }
  });

  it('gives clear errors for a missing file, a foreign file and a corrupt database', async () => {
    const dir = tmp();
    const missing = await loadDatabaseFile(path.join(dir, 'nope.db'));
    assert.ok(!missing.ok && missing.error.kind === 'not-found');
    assert.match(missing.error.message, /--db/);

    const foreign = path.join(dir, 'notes.db');
    fs.writeFileSync(foreign, 'just some text that happens to end in .db'.repeat(10));
    const f = await loadDatabaseFile(foreign);
    assert.ok(!f.ok && f.error.kind === 'not-sqlite');
    assert.match(f.error.message, /not a SQLite database/);

    const { dir: gdir, file } = await writeGraphDb({ entities: 200 });
    dirs.push(gdir);
    const bytes = fs.readFileSync(file);
    const corrupt = path.join(dir, 'corrupt.db');
    // Keep the header, wreck the schema page.
    fs.writeFileSync(corrupt, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(bytes.length - 100, 0xa5)]));
    const c = await loadDatabaseFile(corrupt);
    assert.ok(!c.ok && c.error.kind === 'corrupt', c.ok ? 'loaded' : c.error.kind);
    assert.match(c.error.message, /could not be read as a SQLite database/);

    const big = await loadDatabaseFile(file, { maxBytes: 1024 });
    assert.ok(!big.ok && big.error.kind === 'too-large');
    const folder = await loadDatabaseFile(gdir);
    assert.ok(!folder.ok && folder.error.kind === 'unreadable');
    assert.match(folder.error.message, /is a folder/);
  });

  it('finds SQLite files in a workspace by extension and header, shallowest first, skipping dependencies', async () => {
    const dir = tmp();
    const { file } = await writeGraphDb({ entities: 10 });
    dirs.push(path.dirname(file));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    fs.copyFileSync(file, path.join(dir, 'data', 'graphrag.db'));
    fs.copyFileSync(file, path.join(dir, 'app.sqlite3'));
    fs.copyFileSync(file, path.join(dir, 'node_modules', 'pkg', 'fixture.db'));
    fs.writeFileSync(path.join(dir, 'fake.sqlite'), 'not sqlite');
    assert.deepEqual(await findDatabaseFiles(dir), [
      path.join(dir, 'app.sqlite3'),
      path.join(dir, 'data', 'graphrag.db'),
    ]);
  });
});
