import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import { targetId } from '../../../src/extension/targets/targetRegistry';
import { fillHistoryAsync } from '../../unit/extension/helpers/syntheticHistory';
import type { DomObservation } from './driver';
import { observeDom } from './driver';
import {
  configure,
  demoServiceUrl,
  HOSTILE,
  perflens,
  startHostileService,
  startTraffic,
  waitFor,
} from './liveSupport';

const DASHBOARD = '[data-perflens-view="dashboard"]';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function dashboardTab(): Promise<vscode.Tab> {
  return waitFor('the dashboard tab', () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEWS.dashboardPanel)),
  );
}

describe('Dashboard webview', () => {
  let api: PerfLensApi;
  let url: string;
  let restore: () => Promise<void>;
  let traffic: { stop(): Promise<void> };

  before(async () => {
    api = await perflens();
    url = demoServiceUrl();
    restore = await configure({ collectionIntervalSeconds: 1 });
    traffic = startTraffic(url);
    await vscode.commands.executeCommand(COMMANDS.attach, url);
    await waitFor('four snapshots with request rates', () => {
      const t = api.monitor.target(url);
      return t && t.window.filter((s) => s.http).length >= 4 ? t : undefined;
    });
  });

  after(async () => {
    await traffic.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMANDS.detach, url);
    await restore();
  });

  it('renders every chart with live data, under the strict CSP', async function () {
    await vscode.commands.executeCommand(COMMANDS.showDashboard, url, '15m');
    await dashboardTab();
    const seen = await observeDom({
      name: 'dashboard-live',
      scope: 'webview',
      selector: DASHBOARD,
      waitForText: 'drawn in',
    });
    assert.ok(seen.found, seen.error);
    const d = seen.details ?? {};
    assert.match(d.csp ?? '', /^default-src 'none'; script-src 'nonce-/);
    assert.equal(d.level, 'healthy');
    assert.equal(d.range, '15m');
    assert.ok(Number(d.chartPoints) > 20, `points: ${d.chartPoints}`);
    // latency, throughput, errors, cpu, memory, pool, pool wait, cache: all have data and are drawn.
    assert.equal(d.chartsWithData, '8', JSON.stringify(d));
    assert.equal(d.chartsDrawn, '8', JSON.stringify(d));
    for (const text of ['/api/workspaces', '/api/graph/entities', 'database', 'cache', 'HEALTHY'])
      assert.ok(seen.text.includes(text), `${text} missing`);
  });

  it('keeps its range when hidden and shown again', async function () {
    await vscode.commands.executeCommand(COMMANDS.showDashboard, url, '1h');
    // Another editor in the same group hides the webview (its page is discarded: no retained context).
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand(COMMANDS.showDashboard);
    const seen = await observeDom({
      name: 'dashboard-restored',
      scope: 'webview',
      selector: `${DASHBOARD}[data-range="1h"]`,
      waitForText: 'drawn in',
    });
    assert.ok(seen.found, seen.error);
    assert.equal(seen.details?.range, '1h');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows a dark colour theme', async function () {
    const cfg = vscode.workspace.getConfiguration('workbench');
    const before = cfg.inspect<string>('colorTheme')?.globalValue;
    await vscode.commands.executeCommand(COMMANDS.showDashboard, url, '15m');
    try {
      await cfg.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
      // The page re-reads the theme's chart colours and draws again; the screenshot is looked at.
      const seen = await observeDom({
        name: 'dashboard-dark',
        scope: 'webview',
        selector: `${DASHBOARD}[data-theme="dark"]`,
        waitForText: 'drawn in',
      });
      assert.ok(seen.found, seen.error);
      assert.equal(seen.details?.chartsDrawn, '8');
    } finally {
      await cfg.update('colorTheme', before, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows metric label values and health-check names that contain HTML as text', async function () {
    const hostile = await startHostileService();
    try {
      await vscode.commands.executeCommand(COMMANDS.attach, hostile.url);
      await waitFor('the hostile route in a snapshot', () =>
        api.monitor.target(hostile.url)?.latest?.http?.routes.find((r) => r.route === HOSTILE),
      );
      await vscode.commands.executeCommand(COMMANDS.showDashboard, hostile.url, '15m');
      const seen: DomObservation = await observeDom({
        name: 'dashboard-hostile',
        scope: 'webview',
        selector: `${DASHBOARD}[data-level="degraded"]`,
        waitForText: HOSTILE,
      });
      assert.ok(seen.found, seen.error);
      assert.ok(
        seen.text.split(HOSTILE).length - 1 >= 3,
        `route, check name and check detail as text: ${seen.text.slice(0, 800)}`,
      );
      assert.equal(seen.details?.pwned, undefined, 'the onerror handler must never run');
      await vscode.commands.executeCommand('workbench.view.extension.perflens');
      const view = await observeDom({
        name: 'services-view-hostile',
        scope: 'workbench',
        selector: '.part.sidebar',
        waitForText: HOSTILE,
      });
      assert.ok(view.text.includes(HOSTILE), `Services view reads: ${view.text}`);
    } finally {
      await vscode.commands.executeCommand(COMMANDS.detach, targetId({ kind: 'url', baseUrl: hostile.url }));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await hostile.stop();
    }
  });

  it('renders 30 days of history, and measures first render and live updates', async function () {
    this.timeout(180_000);
    const store = await waitFor('the history store', () => api.monitor.store);
    const firstLive = api.monitor.target(url)!.window[0]!.time;
    const started = Date.now();
    const n = await fillHistoryAsync(store, firstLive - 5000, 30, { targetId: url });
    console.log(
      `    loaded 30 days of history: ${n} snapshots in ${Date.now() - started} ms (${JSON.stringify(store.counts())})`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMANDS.showDashboard, url, '30d');
    await dashboardTab();
    const first = await waitFor('the first render', async () => (await api.dashboardTimings()).firstRenderMs);
    const timings = await waitFor(
      'five live updates',
      async () => {
        const t = await api.dashboardTimings();
        return t.updates.length >= 5 ? t : undefined;
      },
      60_000,
    );
    console.log(
      `    dashboard, 30 days (${timings.points} points): first render ${first.toFixed(1)} ms, updates median ${median(timings.updates).toFixed(1)} ms / max ${Math.max(...timings.updates).toFixed(1)} ms (${timings.updates.length}), data built on the host in ${timings.lastBuildMs?.toFixed(1)} ms`,
    );
    const seen = await observeDom({
      name: 'dashboard-30-days',
      scope: 'webview',
      selector: `${DASHBOARD}[data-range="30d"]`,
      waitForText: 'drawn in',
    });
    assert.ok(seen.found, seen.error);
    assert.equal(seen.details?.resolution, '1h');
    // About 720 hourly points for each of the 13 series.
    assert.ok(Number(seen.details?.chartPoints) > 8000, `points: ${seen.details?.chartPoints}`);
    // LTTB decimation: Chart.js lays out far fewer points than it was given.
    assert.ok(Number(seen.details?.renderedPoints) < Number(seen.details?.chartPoints), JSON.stringify(seen.details));
    assert.equal(seen.details?.chartsDrawn, '8');
  });
});
