import * as assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSqlJs } from '../../../../src/core/util/sqljs';

const ROOT = path.resolve(__dirname, '../../../..');
const WRITER = path.join(__dirname, 'historyWriter.ts');

interface Writer {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  /** Resolves when the writer prints `line`. */
  said(line: string): Promise<void>;
  exited: Promise<number | null>;
}

function startWriter(file: string, name: string, count: number, base: number, slot: number): Writer {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', WRITER, file, name, String(count), String(base), String(slot)],
    { cwd: ROOT },
  );
  const w: Writer = {
    child,
    stdout: '',
    stderr: '',
    said: (line) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (w.stdout.split('\n').includes(line)) resolve();
        };
        child.stdout.on('data', check);
        child.once('exit', () =>
          w.stdout.split('\n').includes(line)
            ? resolve()
            : reject(new Error(`${name} exited before "${line}": ${w.stderr}`)),
        );
        check();
      }),
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout.on('data', (d: Buffer) => (w.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (w.stderr += d.toString()));
  return w;
}

describe('HistoryStore: two writers on one file (separate processes)', function () {
  this.timeout(120_000);
  let dir: string;
  const writers: Writer[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-writers-'));
  });
  afterEach(() => {
    for (const w of writers.splice(0)) if (w.child.exitCode === null) w.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every row both wrote (116 + 58), with rollups and alerts counted once each', async () => {
    const file = path.join(dir, 'history.sqlite');
    const base = Math.floor(Date.now() / 1000) * 1000;
    const a = startWriter(file, 'a', 116, base, 0);
    const b = startWriter(file, 'b', 58, base, 1);
    writers.push(a, b);
    // Both have read the (missing) file before either saves: the case where a plain save loses rows.
    await Promise.all([a.said('opened'), b.said('opened')]);
    a.child.stdin.end('go\n');
    b.child.stdin.end('go\n');
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0], `${a.stderr}${b.stderr}`);

    const SQL = await loadSqlJs();
    const db = new SQL.Database(fs.readFileSync(file));
    const n = (sql: string) => Number(db.exec(sql)[0]?.values[0]?.[0] ?? 0);
    try {
      assert.equal(
        n("SELECT count(*) FROM raw JOIN series ON series.id = raw.series WHERE name = 'shared'"),
        174,
        'shared series: every sample of both writers',
      );
      assert.equal(n("SELECT count(*) FROM raw JOIN series ON series.id = raw.series WHERE name = 'own.a'"), 116);
      assert.equal(n("SELECT count(*) FROM raw JOIN series ON series.id = raw.series WHERE name = 'own.b'"), 58);
      assert.equal(n('SELECT count(*) FROM raw'), 348);
      assert.equal(n("SELECT count(*) FROM series WHERE name = 'shared'"), 1, 'one series row for the shared series');
      assert.equal(
        n("SELECT sum(n) FROM rollup_1m JOIN series ON series.id = rollup_1m.series WHERE name = 'shared'"),
        174,
        'minute rollups count each sample once',
      );
      assert.equal(
        n("SELECT sum(n) FROM rollup_1h JOIN series ON series.id = rollup_1h.series WHERE name = 'shared'"),
        174,
        'hour rollups count each sample once',
      );
      assert.equal(n("SELECT count(*) FROM alert_events WHERE rule = 'rule.a'"), 6);
      assert.equal(n("SELECT count(*) FROM alert_events WHERE rule = 'rule.b'"), 3);
    } finally {
      db.close();
    }
    assert.deepEqual(fs.readdirSync(dir), ['history.sqlite'], 'no lock or temp file left behind');
  });
});
