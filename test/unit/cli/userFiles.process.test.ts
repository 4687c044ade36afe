/**
 * Paths a user can hand the CLI that are not the file PerfLens expects: a named pipe, a device, a
 * folder, another program's database. Each is refused at once (exit 2, the reason in words) and
 * left exactly as it was.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';

/** Every file in `dir` with its bytes, to prove nothing was renamed, added or rewritten. */
function snapshotDir(dir: string): Map<string, Buffer> {
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f)) : Buffer.alloc(0)]),
  );
}

describe('cli: files that are not what PerfLens reads', function () {
  this.timeout(30_000);
  let dir: string;
  let fifo: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-userfiles-'));
    fifo = path.join(dir, 'pipe.db');
    execFileSync('mkfifo', [fifo]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('explain --db refuses a named pipe and /dev/zero at once (exit 2), instead of hanging or filling memory', async () => {
    for (const [db, what] of [
      [fifo, /named pipe \(FIFO\), not a regular file/],
      ['/dev/zero', /character device, not a regular file/],
    ] as const) {
      const io = capture();
      assert.equal(await runCli(['explain', '--db', db, '--sql', 'SELECT 1'], io), 2, db);
      assert.match(io.stderr, what, db);
      assert.doesNotMatch(io.stderr, /unexpected error/);
    }
  });

  it('profile summarize, forecast and metrics parse refuse a named pipe and /dev/zero at once (exit 2)', async () => {
    for (const command of [
      ['profile', 'summarize'],
      ['forecast', '--input'],
      ['metrics', 'parse'],
    ]) {
      for (const [file, what] of [
        [fifo, /named pipe \(FIFO\)/],
        ['/dev/zero', /character device/],
      ] as const) {
        const io = capture();
        assert.equal(await runCli([...command, file], io), 2, `${command.join(' ')} ${file}`);
        assert.match(io.stderr, what, `${command.join(' ')} ${file}`);
      }
    }
  });

  it('profile summarize refuses a named pipe named like a heap snapshot at once (exit 2), read neither by sniffing nor by the snapshot reader', async () => {
    const snapshotFifo = path.join(dir, 'app.heapsnapshot');
    execFileSync('mkfifo', [snapshotFifo]);
    const io = capture();
    assert.equal(await runCli(['profile', 'summarize', snapshotFifo], io), 2);
    assert.match(
      io.stderr,
      /named pipe \(FIFO\), not a regular file; PerfLens reads a heap snapshot only from a regular file/,
    );
    assert.doesNotMatch(io.stderr, /Cannot read .*Cannot read/);
  });

  it('report --history refuses a named pipe, /dev/zero and a folder at once (exit 2)', async () => {
    for (const [file, what] of [
      [fifo, /named pipe \(FIFO\)/],
      ['/dev/zero', /character device/],
      [dir, /folder/],
    ] as const) {
      const io = capture();
      assert.equal(
        await runCli(['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--history', file], io),
        2,
        file,
      );
      assert.match(io.stderr, what, file);
      assert.doesNotMatch(io.stderr, /unexpected error/);
    }
  });

  it('report --history on an application’s SQLite file in WAL mode refuses it and leaves the file, -wal and -shm byte-identical', async () => {
    const app = path.join(dir, 'app.db');
    const writer = new Database(app);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)');
    const insert = writer.prepare('INSERT INTO orders (item) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run(`item ${i}`);
    // The committed rows live in app.db-wal until a checkpoint; the writer stays open as a service's would.
    assert.ok(fs.statSync(`${app}-wal`).size > 0);
    assert.ok(fs.existsSync(`${app}-shm`));
    const before = snapshotDir(dir);
    try {
      const io = capture();
      assert.equal(
        await runCli(['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--history', app], io),
        2,
      );
      assert.match(io.stderr, /app\.db is an SQLite database, but not a PerfLens history file/);
      assert.match(io.stderr, /--history/);
      assert.deepEqual(snapshotDir(dir), before, 'no file renamed, added or changed');
      assert.equal((writer.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n, 200);
    } finally {
      writer.close();
    }
  });

  it('report --db is refused with the flag to use instead: --db names the application database in explain', async () => {
    const io = capture();
    assert.equal(
      await runCli(
        ['report', '--url', 'http://127.0.0.1:9', '--duration', '1s', '--db', path.join(dir, 'h.sqlite')],
        io,
      ),
      2,
    );
    assert.match(io.stderr, /--history FILE/);
    assert.deepEqual(fs.readdirSync(dir), ['pipe.db']);
  });
});
