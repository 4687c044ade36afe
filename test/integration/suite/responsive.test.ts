// The editor stays responsive while PerfLens works on hostile input: a what-if that would run for
// hours and a decompression bomb both run off the extension host's thread, so a command issued
// meanwhile completes, and each ends in a clean message, never a hung or crashed host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { StatementRef } from '../../../src/extension/diagnostics/queryDiagnostics';
import { bombFile, cpuprofileBomb } from '../../helpers/bombs';
import { craftedProfile } from './profileSupport';
import { configure, waitFor } from './liveSupport';

/** SQLite built into the editor's Node (24): only used to write the test's database file. */
type SqliteModule = { DatabaseSync: new (file: string) => { exec(sql: string): void; close(): void } };

// Counts to 10^10 and joins every number against t: hours of work however fast the machine is.
const RUNAWAY =
  'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10000000000) SELECT count(*) FROM c JOIN t ON t.a = c.n';
const CREATE_INDEX = 'CREATE INDEX idx_t_a ON t(a)';

describe('The editor stays responsive during long or hostile work', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-responsive-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a command issued during a runaway what-if completes first; the what-if ends at its deadline with a message', async () => {
    const db = path.join(dir, 'app.db');
    const { DatabaseSync } = createRequire(__filename)('node:sqlite') as SqliteModule;
    const conn = new DatabaseSync(db);
    conn.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
    conn.exec(
      "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 19999) INSERT INTO t(a, b) SELECT i % 500, 'x' || i FROM s",
    );
    conn.close();
    const source = path.join(dir, 'repo.py');
    fs.writeFileSync(source, `COUNT_SQL = "${RUNAWAY}"\n`);
    const uri = vscode.Uri.file(source);

    const restore = await configure({ 'queries.statementTimeoutSeconds': 20 });
    try {
      await vscode.commands.executeCommand(COMMANDS.analyzeQueries, { roots: [dir], database: db });
      const d = await waitFor('the automatic-index diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((x) => x.code === 'automatic-index'),
      );
      const ref: StatementRef = { file: source, line: d.range.start.line, character: d.range.start.character };

      const order: string[] = [];
      const whatIf = Promise.resolve(vscode.commands.executeCommand<string | undefined>(COMMANDS.runWhatIf, ref)).then(
        (text) => {
          order.push('what-if');
          return text;
        },
      );
      // Issued while the what-if runs: it needs the extension host's thread, which must be free.
      const copied = await vscode.commands.executeCommand<string | undefined>(COMMANDS.copyCreateIndex, CREATE_INDEX);
      order.push('command');
      assert.equal(copied, CREATE_INDEX);
      assert.equal(await vscode.env.clipboard.readText(), CREATE_INDEX);

      const text = await whatIf;
      assert.deepEqual(order, ['command', 'what-if'], 'the command completed while the what-if was still running');
      assert.ok(text, 'the what-if gives its plan document even when stopped');
      assert.match(text, /Stopped after 20 s/);
      assert.match(text, /perflens\.queries\.statementTimeoutSeconds/);
    } finally {
      await restore();
    }
  });

  it('a command issued during a bomb import completes; the import is refused with the limit named, and the next import works', async () => {
    const bomb = bombFile('responsive-bomb.cpuprofile.gz', () => cpuprofileBomb());
    const imported = Promise.resolve(vscode.commands.executeCommand<number | undefined>(COMMANDS.importProfile, bomb));
    const copied = await vscode.commands.executeCommand<string | undefined>(COMMANDS.copyCreateIndex, CREATE_INDEX);
    assert.equal(copied, CREATE_INDEX);
    assert.equal(await imported, undefined, 'the bomb is refused');
    // The host survived: a real profile loads right after.
    const n = await vscode.commands.executeCommand<number | undefined>(
      COMMANDS.importProfile,
      craftedProfile({ parse: 30, render: 10 }),
    );
    assert.ok((n ?? 0) >= 2, `functions: ${n}`);
  });
});
