// A service started with tracing exports its HTTP metrics over OTLP (the bundled Node bootstrap's
// http.server.duration): it becomes the target otlp:<service.name> in the editor, and its snapshots
// reach the live monitor and the dashboard like a scraped target's.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import { perflens, startTraffic, waitFor } from './liveSupport';
import { observeDom } from './driver';
import { startTracedDemo } from './tracingSupport';

describe('Traces: OTLP metrics become a target', () => {
  let terminal: vscode.Terminal | undefined;
  let traffic: { stop(): Promise<void> } | undefined;

  after(async () => {
    await traffic?.stop();
    terminal?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMANDS.detach, 'otlp:node');
  });

  it('attaches otlp:node on its first export and feeds its request rate and p95 to the monitor and the dashboard', async function () {
    this.timeout(240_000);
    const api = await perflens();
    const started = await startTracedDemo();
    terminal = started.terminal;
    const base = started.base;
    traffic = startTraffic(base);
    // Exports every 5 s: the second one gives the rates.
    const state = await waitFor(
      'the OTLP target with a request rate and a p95',
      () => {
        const t = api.monitor.target('otlp:node');
        return t?.latest?.http && t.latest.http.requestRate > 0 && t.latest.http.p95Ms !== undefined ? t : undefined;
      },
      120_000,
    );
    assert.equal(state.label, 'node (OTLP)');
    assert.equal(state.collecting, true);
    assert.equal(state.health.level, 'healthy', state.health.reasons.join('; '));
    assert.match(state.latest!.presets?.httpDuration ?? '', /^http_server(_request)?_duration/);
    const current = api.currentTarget();
    assert.deepEqual(current?.spec, { kind: 'otlp', service: 'node' });

    await vscode.commands.executeCommand(COMMANDS.showDashboard, 'otlp:node', '15m');
    const seen = await observeDom({
      name: 'dashboard-otlp',
      scope: 'webview',
      selector: '[data-perflens-view="dashboard"]',
      waitForText: 'drawn in',
      timeoutMs: 40_000,
    });
    assert.ok(seen.found, seen.error);
    assert.equal(seen.details?.level, 'healthy', JSON.stringify(seen.details));
    // Latency, throughput and errors come from the OTLP histogram.
    assert.ok(Number(seen.details?.chartsWithData) >= 3, JSON.stringify(seen.details));
    assert.ok(seen.text.includes('node (OTLP)'), seen.text.slice(0, 400));
  });
});
