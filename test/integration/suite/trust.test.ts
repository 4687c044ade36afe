// Run by the launcher's second pass: a workspace that is NOT trusted, whose .vscode/settings.json
// points PerfLens at the demo service (autoAttach) and at a wrong metrics path.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import type { AttachOutcome } from '../../../src/extension/targets/attachTarget';
import { untrustedMessage } from '../../../src/extension/trust';
import { observeDom } from './driver';
import { demoServiceUrl, perflens, waitFor } from './liveSupport';

describe('PerfLens in an untrusted workspace', () => {
  let api: PerfLensApi;

  before(async () => {
    api = await perflens();
  });

  after(async () => {
    if (api.currentTarget()) await vscode.commands.executeCommand(COMMANDS.detach);
  });

  it('runs in restricted mode, and the restricted settings of the workspace do not apply', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const raw = JSON.parse(
      Buffer.from(
        await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json')),
      ).toString(),
    ) as Record<string, string>;
    assert.equal(raw['perflens.autoAttach'], demoServiceUrl(), 'the workspace names the demo service');
    // Both layers hold: VS Code drops restricted workspace values (package.json restrictedConfigurations),
    // and PerfLens reads target settings from the user only (config.ts, unit-tested).
    const cfg = vscode.workspace.getConfiguration('perflens');
    assert.equal(cfg.get('autoAttach'), '');
    assert.equal(cfg.get('metricsPath'), '/metrics');
  });

  it('does not let workspace settings attach it to a target', async function () {
    // Auto-attach would have run right after activation; give it time to (wrongly) happen.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(api.currentTarget(), undefined);
    assert.deepEqual(api.monitor.targets(), []);
    const seen = await observeDom({
      name: 'untrusted-status-bar',
      scope: 'workbench',
      selector: '.part.statusbar',
      waitForText: 'PerfLens: not attached',
    });
    assert.ok(seen.text.includes('PerfLens: not attached'), seen.text);
  });

  it('collects from a target the user attaches, with the user metrics path, not the workspace one', async () => {
    const url = demoServiceUrl();
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, url);
    assert.ok(outcome?.ok);
    assert.equal(outcome.target.probe?.metrics.path, '/metrics');
    const state = await waitFor('a snapshot with scraped pool stats', () => {
      const t = api.monitor.target(url);
      return t?.latest?.pools ? t : undefined;
    });
    assert.deepEqual(
      state.latest!.errors.filter((e) => e.source === 'scrape'),
      [],
    );
  });

  it('says why profiling and database reading are off', () => {
    assert.match(
      untrustedMessage('profiling'),
      /does not profile processes in an untrusted workspace.*Trust the workspace/,
    );
    assert.match(untrustedMessage('database reading'), /does not read database files in an untrusted workspace/);
  });
});
