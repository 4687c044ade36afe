import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { httpRequest } from '../../../src/core/util/http';
import type { AttachOutcome } from '../../../src/extension/targets/attachTarget';
import type { PerfLensApi } from '../../../src/extension/extension';
import { findingsRoots } from '../../../src/extension/views/perflensViews';
import { configure, perflens, setDemoFaults, waitFor } from './liveSupport';
import type { InspectableDemo } from './profileSupport';
import { leakSource, lineOf, startInspectableDemo } from './profileSupport';

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/**
 * Keeps one cheap /api request after another in flight, a short pause between them (each leaves
 * about 100 KB behind while the leak is on, so the pause keeps the demo's heap to a few hundred MB).
 */
function loadApi(baseUrl: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await httpRequest(`${baseUrl}/api/workspaces`, { timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The "Find What Grows" command the Findings view offers under the target's current leak finding. */
function findWhatGrowsOf(api: PerfLensApi, targetId: string): vscode.Command | undefined {
  const titles = new Set(
    (api.monitor.target(targetId)?.findings ?? []).filter((f) => f.analyzer === 'leak').map((f) => f.title),
  );
  const node = findingsRoots(api.monitor).find((n) => titles.has(String(n.item.label)));
  return node?.children?.().find((c) => c.item.label === 'Find What Grows')?.item.command;
}

describe('Heap: what grows, at the code', () => {
  let api: PerfLensApi;
  let demo: InspectableDemo;
  let restore: (() => Promise<void>) | undefined;

  before(async () => {
    api = await perflens();
    // A leak is judged over one minute of memory history, collected every second.
    restore = await configure({ collectionIntervalSeconds: 1, 'leak.minObservationMinutes': 1 });
    demo = await startInspectableDemo();
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, demo.url);
    assert.ok(outcome?.ok, `attach ${demo.url}: ${JSON.stringify(outcome)}`);
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.clearProfile);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (demo) await vscode.commands.executeCommand(COMMANDS.detach, demo.url);
    await restore?.();
    await demo?.stop();
  });

  it('demo with the leak on → leak finding → its Find What Grows → the growing function has its CodeLens in bytes', async function () {
    this.timeout(420_000);
    const uri = vscode.Uri.file(leakSource());
    const line = lineOf(leakSource(), '  remember(');
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    await setDemoFaults(demo.url, { leak: true });
    const load = loadApi(demo.url);
    let growing: number | undefined;
    try {
      await waitFor(
        'a leak finding on the demo',
        () => api.monitor.target(demo.url)?.findings.find((f) => f.analyzer === 'leak'),
        300_000,
      );
      const command = await waitFor('the finding\'s "Find What Grows" in the Findings view', () =>
        findWhatGrowsOf(api, demo.url),
      );
      assert.equal(command.command, COMMANDS.findWhatGrows);
      growing = await vscode.commands.executeCommand<number | undefined>(command.command, ...(command.arguments ?? []));
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
    // The leak finding now names the growing site, at the code.
    const named = await waitFor('the leak finding naming the growing site', () =>
      api.monitor
        .target(demo.url)
        ?.findings.find((f) => f.analyzer === 'leak' && /What grows .*remember \(leak\.ts:\d+\)/.test(f.evidence.text)),
    );
    assert.match(String(named.evidence.numbers.topGrowingSite), /^remember .*leak\.ts:\d+$/);
  });
});
