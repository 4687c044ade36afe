import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { httpRequest } from '../../../src/core/util/http';
import { perflens, waitFor } from './liveSupport';
import type { InspectableDemo } from './profileSupport';
import { leakSource, lineOf, startInspectableDemo } from './profileSupport';

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** Keeps `parallel` cheap /api requests in flight (each leaves its records behind while the leak is on). */
function loadApi(baseUrl: string, parallel = 2): { stop(): Promise<void> } {
  let running = true;
  const loops = Array.from({ length: parallel }, async () => {
    while (running) await httpRequest(`${baseUrl}/api/workspaces`, { timeoutMs: 10_000 });
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('Heap: what grows, at the code', () => {
  let demo: InspectableDemo;

  before(async () => {
    await perflens();
    demo = await startInspectableDemo(['--leak']);
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.clearProfile);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo?.stop();
  });

  it('demo with the leak on → Find What Grows → the growing function has its CodeLens in bytes', async function () {
    this.timeout(180_000);
    const uri = vscode.Uri.file(leakSource());
    const line = lineOf(leakSource(), '  remember(');
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    const load = loadApi(demo.url, 2);
    let growing: number | undefined;
    try {
      growing = await vscode.commands.executeCommand<number | undefined>(COMMANDS.findWhatGrows, {
        target: `pid:${demo.pid}`,
        seconds: 4,
      });
    } finally {
      await load.stop();
    }
    assert.ok(growing && growing >= 1, `growing sites: ${growing}`);
    const lens = await waitFor(
      'the CodeLens on remember',
      async () =>
        (await lensesOf(uri)).find((l) => l.range.start.line === line && /allocated/.test(l.command?.title ?? '')),
      20_000,
    );
    assert.match(lens.command!.title, /^[\d.]+ (KB|MB|GB) allocated · \d+\.\d% of sampled heap$/);
    const share = Number(/· ([\d.]+)%/.exec(lens.command!.title)![1]);
    assert.ok(share >= 20, `remember's share of the sampled heap: ${share}%`);
  });
});
