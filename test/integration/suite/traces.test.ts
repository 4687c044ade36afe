import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { httpRequest } from '../../../src/core/util/http';
import { appSource, demoDir, lineOf } from './profileSupport';
import { perflens, waitFor } from './liveSupport';
import { observeDom } from './driver';
import { startTracedDemo } from './tracingSupport';

describe('Traces: Start Service with Tracing', () => {
  let terminal: vscode.Terminal | undefined;

  after(() => terminal?.dispose());

  it('traces the demo with no code change and puts the N+1 diagnostic at its statement', async function () {
    this.timeout(180_000);
    const api = await perflens();
    const started = await startTracedDemo();
    terminal = started.terminal;
    assert.ok(terminal, 'the command returns its terminal');
    const base = started.base;
    for (let i = 0; i < 12; i++)
      await httpRequest(`${base}/api/graph/top-entities?workspace_id=${1 + (i % 4)}&limit=6`, { timeoutMs: 30_000 });
    const n1 = await waitFor(
      'the N+1 finding from the spans',
      async () => {
        const report = await api.tracing.refresh({ root: demoDir() });
        return report?.findings.find((f) => f.kind === 'n-plus-one' && f.route === 'GET /api/graph/top-entities');
      },
      60_000,
    );
    assert.equal(n1.count, 6);
    const line = lineOf(appSource(), 'const ENTITY_BY_ID_SQL');
    const diag = await waitFor('the n-plus-one diagnostic', () =>
      vscode.languages
        .getDiagnostics(vscode.Uri.file(appSource()))
        .find((d) => d.source === 'PerfLens' && d.code === 'n-plus-one'),
    );
    assert.equal(diag.range.start.line, line);
    assert.match(diag.message, /runs 6 times per request to GET \/api\/graph\/top-entities/);
    // The route's lens sits on its entry in the demo's route table.
    const routeLine = lineOf(appSource(), "['GET /api/graph/top-entities'");
    await vscode.window.showTextDocument(vscode.Uri.file(appSource()));
    const lens = await waitFor('the route lens', async () =>
      (
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          vscode.Uri.file(appSource()),
        )) ?? []
      ).find((l) => l.range.start.line === routeLine && /^p95 .* · \d+ req · \d+ % in DB/.test(l.command?.title ?? '')),
    );
    assert.ok(lens.command!.title.includes('req'));
    assert.equal(lens.command!.command, COMMANDS.showTrace);
    assert.deepEqual(lens.command!.arguments, [{ route: 'GET /api/graph/top-entities' }]);

    // The diagnostic's Quick Fix opens the waterfall of its trace, with the six repeated statements.
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        vscode.Uri.file(appSource()),
        diag.range,
      )) ?? [];
    const show = actions.find((a) => a.title === 'PerfLens: Show Trace');
    assert.ok(show?.command, `Show Trace among ${actions.map((a) => a.title).join(', ')}`);
    assert.deepEqual(show.command.arguments, [n1.traceId]);
    await vscode.commands.executeCommand(show.command.command, ...show.command.arguments!);
    const view = await waitFor('the trace view to render', async () => {
      const v = await api.traceView();
      return v?.traceId === n1.traceId && v.renderedRows !== undefined ? v : undefined;
    });
    assert.equal(view.renderedRows, view.spans.length);
    const repeated = view.spans.filter(
      (s) => s.statement === n1.statement || s.statement?.includes('FROM entities WHERE id'),
    );
    assert.equal(repeated.length, 6, JSON.stringify(view.spans));
    assert.equal(new Set(repeated.map((s) => s.parentSpanId)).size, 1, 'the repeated statements share one parent');
    assert.ok(repeated.every((s) => s.depth > 0));
    assert.equal(view.spans[0]!.depth, 0);
    const seen = await observeDom({
      name: 'trace-waterfall',
      scope: 'webview',
      selector: '[data-perflens-view="trace"][data-state="ready"]',
      waitForText: ' spans',
    });
    assert.ok(seen.found, seen.error);
  });
});
