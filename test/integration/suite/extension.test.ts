import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ALL_COMMAND_IDS, COMMANDS, EXTENSION_ID, VIEWS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import type { AttachOutcome } from '../../../src/extension/targets/attachTarget';
import { observeDom } from './driver';

/** The launcher starts the demo service (test/helpers/demoService.ts) and passes its URL. */
function demoServiceUrl(): string {
  const url = process.env.PERFLENS_IT_DEMO_URL;
  assert.ok(url, 'PERFLENS_IT_DEMO_URL is not set: run the suite through npm run test:integration');
  return url;
}

const STATUS_BAR = '.part.statusbar';

/** Tabs update after the command resolves; wait (bounded) for the one we expect. */
async function waitForTab(match: (t: vscode.Tab) => boolean, timeoutMs = 10_000): Promise<vscode.Tab> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const found = tabs.find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no matching tab among: ${tabs.map((t) => t.label).join(', ') || '(none)'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PerfLens in a real VS Code', () => {
  let extension: vscode.Extension<PerfLensApi>;
  let api: PerfLensApi;

  before(async () => {
    const found = vscode.extensions.getExtension<PerfLensApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded`);
    extension = found;
    api = await extension.activate();
    console.log(
      `PerfLens activate() took ${api.activationMs.toFixed(1)} ms (VS Code ${vscode.version}, Node ${process.version})`,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates', () => {
    assert.equal(extension.isActive, true);
    assert.equal(typeof api.activationMs, 'number');
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (
      extension.packageJSON as { contributes: { commands: { command: string }[] } }
    ).contributes.commands.map((c) => c.command);
    assert.deepEqual([...contributed].sort(), [...ALL_COMMAND_IDS].sort());
    for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but not registered`);
  });

  it('shows "PerfLens: not attached" in the status bar before attaching', async function () {
    const seen = await observeDom({
      name: 'status-bar-not-attached',
      scope: 'workbench',
      selector: STATUS_BAR,
      waitForText: 'PerfLens: not attached',
    });
    assert.ok(seen.found, 'no status bar in the page');
    assert.ok(seen.text.includes('PerfLens: not attached'), `status bar reads: ${seen.text}`);
  });

  it('attaches to the demo service, probes it and records the target', async () => {
    const url = demoServiceUrl();
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, url);
    assert.ok(outcome?.ok, `attach failed: ${outcome && !outcome.ok ? outcome.error.message : 'no outcome'}`);
    const { target } = outcome;
    assert.deepEqual(target.spec, { kind: 'url', baseUrl: url });
    assert.equal(target.probe?.metrics.reachable, true, `metrics: ${JSON.stringify(target.probe?.metrics)}`);
    assert.equal(target.probe?.metrics.status, 200);
    assert.match(target.probe?.metrics.contentType ?? '', /^text\/plain/);
    assert.equal(target.probe?.health.reachable, true, `health: ${JSON.stringify(target.probe?.health)}`);
    assert.deepEqual(api.currentTarget()?.spec, target.spec);
  });

  it('shows the attached target in the status bar', async function () {
    const label = `PerfLens: ${new URL(demoServiceUrl()).host}`;
    const seen = await observeDom({
      name: 'status-bar-attached',
      scope: 'workbench',
      selector: STATUS_BAR,
      waitForText: label,
    });
    assert.ok(seen.text.includes(label), `status bar reads: ${seen.text}`);
  });

  it('opens the dashboard webview, which shows the target URL and the reachability of its endpoints', async function () {
    await vscode.commands.executeCommand(COMMANDS.showDashboard);
    const dashboard = await waitForTab(
      (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEWS.dashboardPanel),
    );
    assert.equal(dashboard.label, 'PerfLens Dashboard');
    const url = demoServiceUrl();
    const seen = await observeDom({
      name: 'dashboard',
      scope: 'webview',
      selector: '[data-perflens-view="dashboard"]',
      waitForText: url,
    });
    assert.ok(seen.found, `dashboard page not found in any frame${seen.error ? `: ${seen.error}` : ''}`);
    assert.ok(seen.text.includes(url), `dashboard reads: ${seen.text}`);
    assert.ok(
      seen.text.includes(`${url}/metrics`) && seen.text.includes(`${url}/health`),
      `endpoints missing: ${seen.text}`,
    );
    assert.equal(seen.details?.state, 'attached');
    assert.equal(seen.details?.reachableEndpoints, '2');
    assert.match(seen.details?.csp ?? '', /^default-src 'none'; script-src 'nonce-/);
  });

  it('refuses a remote target and keeps the current one', async () => {
    const before = api.currentTarget();
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, 'http://192.0.2.10:9090');
    assert.ok(outcome && !outcome.ok);
    assert.equal(outcome.error.kind, 'remote');
    assert.deepEqual(api.currentTarget(), before);
  });

  it('detaches, and the status bar says so', async function () {
    await vscode.commands.executeCommand(COMMANDS.detach);
    assert.equal(api.currentTarget(), undefined);
    const seen = await observeDom({
      name: 'status-bar-detached',
      scope: 'workbench',
      selector: STATUS_BAR,
      waitForText: 'PerfLens: not attached',
    });
    assert.ok(seen.text.includes('PerfLens: not attached'), `status bar reads: ${seen.text}`);
  });
});
