import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { AnalyzeSummary } from '../../../src/extension/diagnostics/queryDiagnostics';
import { appSource, demoDatabase, demoDir, lineOf } from './profileSupport';
import { observeDom } from './driver';
import { waitFor } from './liveSupport';

/** SQLite built into the editor's Node (24): used only to change a database file under the test. */
type SqliteModule = { DatabaseSync: new (file: string) => { exec(sql: string): void; close(): void } };

describe('Slow-query diagnostics', () => {
  let appUri: vscode.Uri;
  let entitiesLine: number;

  before(async () => {
    appUri = vscode.Uri.file(appSource());
    entitiesLine = lineOf(appSource(), 'const ENTITIES_SQL');
    await vscode.window.showTextDocument(appUri);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function fullScan(): vscode.Diagnostic | undefined {
    return vscode.languages
      .getDiagnostics(appUri)
      .find((d) => d.source === 'PerfLens' && d.code === 'full-scan' && d.range.start.line === entitiesLine);
  }

  it('puts a full-scan diagnostic on the seed entities query, with the plan as related information', async function () {
    this.timeout(60_000);
    const summary = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, {
      roots: [demoDir()],
      database: demoDatabase(),
    });
    assert.ok(summary && summary.statements >= 3 && summary.findings >= 2, JSON.stringify(summary));
    const d = await waitFor('the full-scan diagnostic', fullScan);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /entities/);
    assert.ok(
      d.relatedInformation?.some((r) => r.message.includes('SCAN entities')),
      JSON.stringify(d.relatedInformation?.map((r) => r.message)),
    );
  });

  it('offers Quick Fixes: the CREATE INDEX statement, the plan, and a what-if run that times the index', async function () {
    this.timeout(60_000);
    const d = fullScan()!;
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        appUri,
        d.range,
      )) ?? [];
    const copy = actions.find((a) => a.command?.command === COMMANDS.copyCreateIndex);
    assert.ok(copy, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    const statement = String(copy.command!.arguments?.[0]);
    assert.match(statement, /^CREATE INDEX \w+ ON entities\(workspace_id\b/);
    assert.equal(await vscode.commands.executeCommand(copy.command!.command, ...copy.command!.arguments!), statement);
    const plan = actions.find((a) => a.command?.command === COMMANDS.showQueryPlan)!;
    const planText = await vscode.commands.executeCommand<string>(plan.command!.command, ...plan.command!.arguments!);
    assert.match(planText, /SCAN entities/);
    const whatIf = actions.find((a) => a.command?.command === COMMANDS.runWhatIf)!;
    const whatIfText = await vscode.commands.executeCommand<string>(
      whatIf.command!.command,
      ...whatIf.command!.arguments!,
    );
    assert.match(whatIfText, /What-if with `CREATE INDEX/);
    assert.match(whatIfText, /SEARCH entities USING (COVERING )?INDEX/);
    const updated = await waitFor('the diagnostic with what-if timings', () =>
      vscode.languages
        .getDiagnostics(appUri)
        .find((x) => x.code === 'full-scan' && x.range.start.line === entitiesLine && x.message.includes('What-if')),
    );
    assert.match(updated.message, /What-if: [\d.]+ m?s → [\d.]+ m?s \([\d.]+× faster\) with the index/);
  });

  it('lists the findings in the Slow Queries view', async function () {
    await vscode.commands.executeCommand('perflens.slowQueries.focus');
    const view = await observeDom({
      name: 'slow-queries-view',
      scope: 'workbench',
      selector: '.part.sidebar',
      waitForText: 'full-scan',
    });
    // Paths relative to the workspace folder, as the Explorer shows them: never the absolute path.
    assert.ok(view.text.includes('src/app.ts'), view.text.slice(0, 400));
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(!view.text.includes(root), `the view shows ${root}: ${view.text.slice(0, 400)}`);
  });

  it('explains every statement again when a database outside the workspace changes', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-queries-'));
    const db = path.join(dir, 'outside.db');
    fs.copyFileSync(demoDatabase(), db);
    fs.writeFileSync(path.join(dir, 'repo.py'), 'BY_TYPE = "SELECT id, name FROM entities WHERE type = ?"\n');
    const uri = vscode.Uri.file(path.join(dir, 'repo.py'));
    const scan = () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'full-scan');
    try {
      await vscode.commands.executeCommand(COMMANDS.analyzeQueries, { roots: [dir], database: db });
      await waitFor('a full scan in the Python file', scan);
      const { DatabaseSync } = createRequire(__filename)('node:sqlite') as SqliteModule;
      const conn = new DatabaseSync(db);
      conn.exec('CREATE INDEX idx_entities_type ON entities(type)');
      conn.close();
      await waitFor(
        'the statement explained again after the index was added',
        () => (scan() ? undefined : true),
        30_000,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains a saved file again, and every statement again when the database file changes', async function () {
    this.timeout(90_000);
    // Inside the workspace, where a service's database usually lives (and VS Code watches files).
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
    const dir = fs.mkdtempSync(path.join(folder, 'queries-'));
    const db = path.join(dir, 'graph.db');
    fs.copyFileSync(demoDatabase(), db);
    const src = path.join(dir, 'repo.ts');
    fs.writeFileSync(src, "export const BY_TYPE = 'SELECT id, name FROM entities WHERE type = ?';\n");
    const uri = vscode.Uri.file(src);
    const scanAt = (line: number) =>
      vscode.languages.getDiagnostics(uri).find((d) => d.code === 'full-scan' && d.range.start.line === line);
    try {
      await vscode.commands.executeCommand(COMMANDS.analyzeQueries, { roots: [dir], database: db });
      await waitFor('a full scan on the first statement', () => scanAt(0));
      const editor = await vscode.window.showTextDocument(uri);
      await editor.edit((b) =>
        b.insert(
          new vscode.Position(1, 0),
          "export const BY_WORKSPACE = 'SELECT id FROM entities WHERE workspace_id = ?';\n",
        ),
      );
      assert.ok(await editor.document.save());
      await waitFor('a full scan on the statement added and saved', () => scanAt(1));
      const { DatabaseSync } = createRequire(__filename)('node:sqlite') as SqliteModule;
      const conn = new DatabaseSync(db);
      conn.exec('CREATE INDEX idx_entities_type ON entities(type)');
      conn.close();
      await waitFor(
        'the first statement explained again after the index was added',
        () => (scanAt(0) ? undefined : true),
        30_000,
      );
      assert.ok(scanAt(1), 'the other statement still scans');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops using a database given to Analyze Queries once it is deleted', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-queries-'));
    const db = path.join(dir, 'given.db');
    fs.copyFileSync(demoDatabase(), db);
    try {
      const given = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, {
        roots: [demoDir()],
        database: db,
      });
      assert.ok(given?.database.includes('given.db'), JSON.stringify(given));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // This workspace holds no database of its own and sets none: with the given one gone there is
    // nothing to explain on (the analysis fails, saying so), rather than a copy of a deleted file.
    const next = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, {
      roots: [demoDir()],
    });
    assert.equal(next, undefined, JSON.stringify(next));
    const again = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, {
      roots: [demoDir()],
      database: demoDatabase(),
    });
    assert.ok(again?.database === demoDatabase() && again.findings >= 2, JSON.stringify(again));
  });
});
