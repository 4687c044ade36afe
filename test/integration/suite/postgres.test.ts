import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS } from '../../../src/extension/constants';
import type { AnalyzeSummary } from '../../../src/extension/diagnostics/queryDiagnostics';
import { appSource, demoDir, lineOf } from './profileSupport';
import { waitFor } from './liveSupport';
import { invoke } from './aiSupport';

/**
 * The launcher starts a throwaway PostgreSQL cluster with the demo's 100k entities and hands its URL
 * (no password) and password over; when it could not start, the reason comes instead.
 */
function cluster(): { url: string; password: string } {
  const why = process.env.PERFLENS_IT_PG_ERROR;
  if (why) throw new Error(`the PostgreSQL cluster for this test did not start: ${why}`);
  const url = process.env.PERFLENS_IT_PG_URL;
  const password = process.env.PERFLENS_IT_PG_PASSWORD;
  if (!url || !password) throw new Error('the launcher gave no PostgreSQL cluster (PERFLENS_IT_PG_URL is not set)');
  return { url, password };
}

describe('Slow-query diagnostics on PostgreSQL', () => {
  let appUri: vscode.Uri;
  let entitiesLine: number;

  before(async () => {
    appUri = vscode.Uri.file(appSource());
    entitiesLine = lineOf(appSource(), 'const ENTITIES_SQL');
    await vscode.window.showTextDocument(appUri);
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.setPostgresConnection, { url: '' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const at = (code: string) =>
    vscode.languages
      .getDiagnostics(appUri)
      .find((d) => d.source === 'PerfLens' && d.code === code && d.range.start.line === entitiesLine);

  it('explains the entities query on the server: a sequential scan and a sort, with runtime and plan', async function () {
    this.timeout(120_000);
    const { url, password } = cluster();
    const saved = await vscode.commands.executeCommand<string>(COMMANDS.setPostgresConnection, { url, password });
    assert.equal(saved, url);
    assert.equal(vscode.workspace.getConfiguration().get(SETTINGS.queriesPostgresUrl), url);
    const summary = await vscode.commands.executeCommand<AnalyzeSummary>(COMMANDS.analyzeQueries, {
      roots: [demoDir()],
    });
    assert.ok(summary && summary.database.includes(url) && summary.findings >= 2, JSON.stringify(summary));
    const scan = await waitFor('the full-scan diagnostic on PostgreSQL', () => at('full-scan'));
    const sort = await waitFor('the sort diagnostic on PostgreSQL', () => at('sort'));
    assert.equal(scan.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(scan.message, /entities/);
    assert.match(scan.message, /In pg_stat_statements: avg [\d.]+ m?s over \d+ calls/);
    assert.ok(sort.message.length > 0);
    assert.ok(
      scan.relatedInformation?.some((r) => /Seq Scan on entities/.test(r.message)),
      JSON.stringify(scan.relatedInformation?.map((r) => r.message)),
    );
  });

  it('the slow-queries tool answers from the server: the seq scan, runtime and the HypoPG-proven index', async function () {
    this.timeout(120_000);
    const { url, password } = cluster();
    const { text, answer } = await invoke('perflens_slow_queries', { top: 200, maxChars: 200_000 });
    assert.equal(answer.error, undefined, text);
    const data = answer.serviceData as {
      database: { url: string; server: string };
      statements: {
        sql: string;
        location?: { line: number };
        plan: { detail: string }[];
        findings: { kind: string; createIndex?: string; whatIf?: { method: string } }[];
        runtime?: { metric: string };
      }[];
    };
    assert.equal(data.database.url, url);
    assert.match(data.database.server, /^PostgreSQL 15\./);
    const st = data.statements.find((s) => s.location?.line === entitiesLine + 1);
    assert.ok(st, JSON.stringify(data.statements.map((s) => s.location)));
    assert.ok(st.plan.some((p) => p.detail.startsWith('Seq Scan on entities')));
    const scan = st.findings.find((f) => f.kind === 'full-scan');
    assert.match(scan?.createIndex ?? '', /ON entities ?\(workspace_id, degree DESC\)/);
    assert.equal(scan?.whatIf?.method, 'hypopg');
    assert.equal(st.runtime?.metric, 'pg_stat_statements');
    assert.ok(!text.includes(password), 'the password is never shown');
  });

  it('offers the Quick Fixes, and Run What-If proves the index with HypoPG', async function () {
    this.timeout(120_000);
    const d = at('full-scan');
    assert.ok(d, 'the full-scan diagnostic is gone');
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        appUri,
        d.range,
      )) ?? [];
    const titles = actions.map((a) => a.title).join(' | ');
    const copy = actions.find((a) => a.command?.command === COMMANDS.copyCreateIndex);
    const plan = actions.find((a) => a.command?.command === COMMANDS.showQueryPlan);
    const whatIf = actions.find((a) => a.command?.command === COMMANDS.runWhatIf);
    assert.ok(copy && plan && whatIf, `actions: ${titles}`);
    assert.match(String(copy.command!.arguments?.[0]), /^CREATE INDEX \S+ ON entities ?\(workspace_id, degree DESC\)/);
    const planText = await vscode.commands.executeCommand<string>(plan.command!.command, ...plan.command!.arguments!);
    assert.match(planText, /Seq Scan on entities/);
    const proof = await vscode.commands.executeCommand<string>(whatIf.command!.command, ...whatIf.command!.arguments!);
    assert.match(proof, /HypoPG what-if with `CREATE INDEX \S+ ON entities ?\(workspace_id, degree DESC\)/);
    assert.match(proof, /with the hypothetical index \| [\d.]+ \|/);
  });
});
