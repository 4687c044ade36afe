import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openHistoryStore } from '../../../../src/core/store';
import type { HistoryStore } from '../../../../src/core/store';
import { ManualClock } from '../../../../src/core/util/clock';
import { loadSqlJs } from '../../../../src/core/util/sqljs';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);

/** Every file in `dir` with its bytes. */
function snapshotDir(dir: string): Map<string, Buffer> {
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f))]),
  );
}

async function open(opts: Parameters<typeof openHistoryStore>[0]): Promise<HistoryStore> {
  const r = await openHistoryStore(opts);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error.message));
  return r.value;
}

/** A history of ours with one sample, closed. */
async function writeHistory(file: string, clock: ManualClock, value = 1): Promise<void> {
  const s = await open({ clock, file });
  s.recordValue('svc', 'x', {}, clock.now(), value);
  assert.ok((await s.close()).ok);
}

describe('HistoryStore: only its own files', () => {
  let dir: string;
  const stores: HistoryStore[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-historyfile-'));
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a text file, another program’s SQLite file and a file with our id but not our tables, leaving each byte-identical', async () => {
    const file = path.join(dir, 'history.sqlite');
    const SQL = await loadSqlJs();
    const impostor = new SQL.Database();
    impostor.exec(`PRAGMA application_id = ${0x50464c48}; CREATE TABLE invoices (id INTEGER PRIMARY KEY);`);
    const foreign = new SQL.Database();
    foreign.exec(
      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');",
    );
    const cases: [Uint8Array | string, RegExp][] = [
      ['just some text a user saved here by mistake\n'.repeat(10), /is not an SQLite database/],
      [foreign.export(), /is an SQLite database, but not a PerfLens history file/],
      [impostor.export(), /none of the tables of a PerfLens history/],
    ];
    foreign.close();
    impostor.close();
    for (const [content, why] of cases) {
      fs.writeFileSync(file, content);
      const before = snapshotDir(dir);
      const r = await openHistoryStore({ clock: new ManualClock(T0), file });
      assert.ok(!r.ok, 'refused');
      assert.equal(r.error.kind, 'refused');
      assert.match(r.error.message, why);
      assert.match(r.error.message, /left this one as it is: choose another history file/);
      assert.deepEqual(snapshotDir(dir), before, 'nothing renamed, added or changed');
    }
  });

  it('refuses a history written by a newer PerfLens instead of moving it away', async () => {
    const file = path.join(dir, 'history.sqlite');
    const SQL = await loadSqlJs();
    const newer = new SQL.Database();
    newer.exec(
      `PRAGMA application_id = ${0x50464c48}; PRAGMA user_version = 99; CREATE TABLE series (id INTEGER PRIMARY KEY);`,
    );
    fs.writeFileSync(file, newer.export());
    newer.close();
    const before = snapshotDir(dir);
    const r = await openHistoryStore({ file });
    assert.ok(!r.ok);
    assert.match(r.error.message, /written by a newer PerfLens \(history schema 99/);
    assert.deepEqual(snapshotDir(dir), before);
  });

  it('refuses its own history while a -wal beside it holds changes another program made', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    await writeHistory(file, clock);
    // sqlite3 (here better-sqlite3) opened our file and switched it to WAL; its writes sit in the -wal.
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.pragma('wal_autocheckpoint = 0');
    other.exec(
      "INSERT INTO alert_events (target, time, rule, severity, state, message) VALUES ('svc', 1, 'r', 'info', 'firing', 'from sqlite3')",
    );
    try {
      const before = snapshotDir(dir);
      const r = await openHistoryStore({ clock, file });
      assert.ok(!r.ok);
      assert.match(r.error.message, /history\.sqlite-wal holds changes that are not in .*history\.sqlite itself/);
      assert.match(r.error.message, /PRAGMA wal_checkpoint\(TRUNCATE\)/);
      assert.deepEqual(snapshotDir(dir), before);
    } finally {
      other.close();
    }
    // Closing checkpoints the WAL into the file: now it opens, with the other program's row.
    const s = await open({ clock, file });
    stores.push(s);
    assert.equal(s.alertHistory()[0]?.message, 'from sqlite3');
  });

  it('does not save over its own file while another program has changes in its -wal', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    await writeHistory(file, clock);
    const s = await open({ clock, file });
    stores.push(s);
    s.recordValue('svc', 'x', {}, T0 + 1000, 2);
    const other = new Database(file);
    try {
      other.pragma('journal_mode = WAL');
      other.pragma('wal_autocheckpoint = 0');
      other.exec(
        "INSERT INTO alert_events (target, time, rule, severity, state, message) VALUES ('svc', 1, 'r', 'info', 'firing', 'from sqlite3')",
      );
      const before = snapshotDir(dir);
      const r = await s.persistNow();
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'refused');
      assert.match(r.error.message, /-wal holds changes/);
      assert.deepEqual(snapshotDir(dir), before);
    } finally {
      other.close();
    }
    // Once the other program has closed (its changes checkpointed), the save merges both.
    assert.ok((await s.persistNow()).ok);
    const check = await open({ clock, file });
    stores.push(check);
    assert.equal(check.alertHistory()[0]?.message, 'from sqlite3');
    assert.equal(check.query('svc', 'x', {}, T0 - 1, T0 + 2000, { resolution: 'raw' }).points.length, 2);
  });

  it('sets a damaged history of its own aside together with the -shm and -wal beside it', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    await writeHistory(file, clock);
    const bytes = fs.readFileSync(file);
    for (let i = 100; i < bytes.length; i += 7) bytes[i] = 0xa5;
    fs.writeFileSync(file, bytes);
    const shm = Buffer.alloc(32768, 3);
    fs.writeFileSync(`${file}-shm`, shm);
    fs.writeFileSync(`${file}-wal`, '');
    const s = await open({ clock, file });
    stores.push(s);
    const movedTo = `${file}.corrupt-2026-11-01T00-00-00-000Z`;
    assert.equal(s.movedAside?.movedTo, movedTo);
    assert.match(s.movedAside!.reason, /with any -wal\/-shm files beside it/);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'history.sqlite.corrupt-2026-11-01T00-00-00-000Z',
      'history.sqlite.corrupt-2026-11-01T00-00-00-000Z-shm',
      'history.sqlite.corrupt-2026-11-01T00-00-00-000Z-wal',
    ]);
    assert.ok(fs.readFileSync(movedTo).equals(bytes));
    assert.ok(fs.readFileSync(`${movedTo}-shm`).equals(shm));
  });

  it('does not overwrite a file that another program put in its place while it was recording', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    const s = await open({ clock, file });
    stores.push(s);
    s.recordValue('svc', 'x', {}, T0, 1);
    const SQL = await loadSqlJs();
    const foreign = new SQL.Database();
    foreign.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    fs.writeFileSync(file, foreign.export());
    foreign.close();
    const before = fs.readFileSync(file);
    const r = await s.persistNow();
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'refused');
    assert.match(
      r.error.message,
      /was replaced while PerfLens was recording: the file there now is an SQLite database, but not a PerfLens history file/,
    );
    assert.ok(fs.readFileSync(file).equals(before));
    // Moved away by the user: the next save writes everything recorded, nothing was dropped.
    fs.rmSync(file);
    assert.ok((await s.persistNow()).ok);
    const again = await open({ clock, file });
    stores.push(again);
    assert.equal(again.query('svc', 'x', {}, T0 - 1, T0 + 1, { resolution: 'raw' }).points.length, 1);
  });

  it('two stores on one file (one process) merge instead of overwriting each other', async () => {
    const clock = new ManualClock(T0 + 60_000);
    const file = path.join(dir, 'history.sqlite');
    await writeHistory(file, clock, 5);
    const a = await open({ clock, file });
    const b = await open({ clock, file });
    stores.push(a, b);
    for (let i = 0; i < 10; i++) a.recordValue('svc', 'x', {}, T0 + i * 1000, 1);
    for (let i = 0; i < 7; i++) b.recordValue('svc', 'x', {}, T0 + 500 + i * 1000, 2);
    b.recordAlertEvent({ targetId: 'svc', time: T0, rule: 'r', severity: 'info', state: 'firing', message: 'from b' });
    assert.ok((await a.persistNow()).ok);
    assert.ok((await b.persistNow()).ok);
    a.recordValue('svc', 'x', {}, T0 + 20_000, 3);
    assert.ok((await a.persistNow()).ok);
    const check = await open({ clock, file });
    stores.push(check);
    const minute = check.query('svc', 'x', {}, T0, T0 + 60_000, { resolution: '1m' }).points;
    assert.deepEqual(
      minute.map((p) => p.count),
      [10 + 7 + 1, 1],
      'every sample counted once in the minute rollups (the file’s own sample is in the second minute)',
    );
    assert.equal(check.query('svc', 'x', {}, T0 - 60_000, T0 + 60_000, { resolution: 'raw' }).points.length, 19);
    assert.deepEqual(
      check.alertHistory().map((e) => e.message),
      ['from b'],
    );
    // b, having merged, sees a's rows too.
    assert.equal(b.query('svc', 'x', {}, T0 - 60_000, T0 + 60_000, { resolution: 'raw' }).points.length, 18);
  });

  it('takes over a lock left by a process that is gone; waits on a live one and then fails saying who holds it, keeping the data', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: gone, host: os.hostname(), at: Date.now(), token: 'left-behind' }),
    );
    const s = await open({ clock, file, lock: { timeoutMs: 0 } });
    stores.push(s);
    s.recordValue('svc', 'x', {}, T0, 1);
    assert.ok((await s.persistNow()).ok, 'the stale lock did not block the save');
    assert.deepEqual(fs.readdirSync(dir), ['history.sqlite']);

    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: process.ppid, host: os.hostname(), at: Date.now(), token: 'live' }),
    );
    s.recordValue('svc', 'x', {}, T0 + 1000, 2);
    const r = await s.persistNow();
    assert.ok(!r.ok);
    assert.match(
      r.error.message,
      new RegExp(
        `history\\.sqlite\\.lock is held by another PerfLens \\(process ${process.ppid}, since .*\\) and was not released within 0 s; if no PerfLens is running, delete .*history\\.sqlite\\.lock`,
      ),
    );
    fs.rmSync(`${file}.lock`);
    assert.ok((await s.persistNow()).ok);
    const check = await open({ clock, file });
    stores.push(check);
    assert.equal(check.query('svc', 'x', {}, T0 - 1, T0 + 2000, { resolution: 'raw' }).points.length, 2);
  });
});
