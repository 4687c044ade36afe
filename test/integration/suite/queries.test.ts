import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { AnalyzeSummary } from '../../../src/extension/diagnostics/queryDiagnostics';
import { appSource, demoDatabase, demoDir, lineOf } from './profileSupport';
import { waitFor } from './liveSupport';

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
    return vscode.languages.getDiagnostics(appUri).find((d) => d.source === 'PerfLens' && d.code === 'full-scan' && d.range.start.line === entitiesLine);
  }

  it('puts a full-scan diagnostic on the seed entities query, with the plan as related information', async function () {
    this.timeout(60_000);
    const summary = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, { roots: [demoDir()], database: demoDatabase() });
    assert.ok(summary && summary.statements >= 3 && summary.findings >= 2, JSON.stringify(summary));
    const d = await waitFor('the full-scan diagnostic', fullScan);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /entities/);
    assert.ok(d.relatedInformation?.some((r) => r.message.includes('SCAN entities')), JSON.stringify(d.relatedInformation?.map((r) => r.message)));
  });

  it('offers Quick Fixes: the CREATE INDEX statement, the plan, and a what-if run that times the index', async function () {
    this.timeout(60_000);
    const d = fullScan()!;
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', appUri, d.range)) ?? [];
    const copy = actions.find((a) => a.command?.command === COMMANDS.copyCreateIndex);
    assert.ok(copy, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    const statement = String(copy.command!.arguments?.[0]);
    assert.match(statement, /^CREATE INDEX \w+ ON entities\(workspace_id\b/);
    assert.equal(await vscode.commands.executeCommand(copy.command!.command, ...copy.command!.arguments!), statement);
    const plan = actions.find((a) => a.command?.command === COMMANDS.showQueryPlan)!;
    const planText = await vscode.commands.executeCommand<string>(plan.command!.command, ...plan.command!.arguments!);
    assert.match(planText, /SCAN entities/);
    const whatIf = actions.find((a) => a.command?.command === COMMANDS.runWhatIf)!;
    const whatIfText = await vscode.commands.executeCommand<string>(whatIf.command!.command, ...whatIf.command!.arguments!);
    assert.match(whatIfText, /What-if with `CREATE INDEX/);
    assert.match(whatIfText, /SEARCH entities USING (COVERING )?INDEX/);
    const updated = await waitFor('the diagnostic with what-if timings', () => vscode.languages.getDiagnostics(appUri).find((x) => x.code === 'full-scan' && x.range.start.line === entitiesLine && x.message.includes('What-if')));
    assert.match(updated.message, /What-if: [\d.]+ ms → [\d.]+ ms \([\d.]+× faster\) with the index/);
  });
});
