import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import type { AttachOutcome } from '../../../src/extension/targets/attachTarget';
import type { DashboardData } from '../../../src/shared/protocol/dashboard';
import { observeDom } from './driver';
import { configure, demoServiceUrl, perflens, startTraffic, waitFor } from './liveSupport';

const STATUS_BAR = '.part.statusbar';
const SIDEBAR = '.part.sidebar';

describe('Live monitoring of the demo service', () => {
  let api: PerfLensApi;
  let url: string;
  let label: string;
  let restore: () => Promise<void>;
  let traffic: { stop(): Promise<void> };

  before(async () => {
    api = await perflens();
    url = demoServiceUrl();
    label = new URL(url).host;
    restore = await configure({ collectionIntervalSeconds: 1 });
    traffic = startTraffic(url);
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, url);
    assert.ok(outcome?.ok);
  });

  after(async () => {
    await traffic.stop();
    await vscode.commands.executeCommand(COMMANDS.detach, url);
    await restore();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('collects live numbers through a core session, with the analyzers running on each snapshot', async () => {
    const state = await waitFor('a snapshot with request rate and p95', () => {
      const t = api.monitor.target(url);
      return t?.latest?.http && t.latest.http.requestRate > 0 && t.latest.http.p95Ms !== undefined ? t : undefined;
    });
    assert.equal(state.collecting, true);
    assert.equal(state.health.level, 'healthy', state.health.reasons.join('; '));
    assert.ok(state.latest?.process && state.latest.process.rssBytes > 0, 'process numbers of the demo pid');
    assert.ok(state.latest?.pools?.length, 'pool stats');
    assert.ok(Array.isArray(state.findings));
  });

  it('shows "healthy" with the p95 in the status bar', async function () {
    const seen = await observeDom({
      name: 'status-bar-healthy',
      scope: 'workbench',
      selector: STATUS_BAR,
      waitForText: `PerfLens: ${label} healthy · p95`,
    });
    assert.ok(seen.text.includes(`PerfLens: ${label} healthy · p95`), `status bar reads: ${seen.text}`);
    assert.match(seen.text, /healthy · p95 [\d.]+ m?s/);
  });

  it('shows requests per second instead when perflens.statusBar.headline says so', async function () {
    const back = await configure({ 'statusBar.headline': 'requestRate' });
    try {
      const seen = await observeDom({
        name: 'status-bar-headline-rps',
        scope: 'workbench',
        selector: STATUS_BAR,
        waitForText: 'req/s',
      });
      assert.match(
        seen.text,
        new RegExp(`PerfLens: ${label.replace(/\./g, '\\.')} healthy · [\\d.,]+ req/s`),
        `status bar reads: ${seen.text}`,
      );
    } finally {
      await back();
    }
  });

  it('lists the target with its health and key numbers in the PerfLens Services view', async function () {
    await vscode.commands.executeCommand('workbench.view.extension.perflens');
    const seen = await observeDom({
      name: 'services-view',
      scope: 'workbench',
      selector: SIDEBAR,
      waitForText: 'requests',
    });
    assert.ok(seen.text.includes(label), `sidebar reads: ${seen.text}`);
    assert.match(seen.text, /healthy/);
    for (const key of ['p95', 'p99', 'requests', 'errors', 'CPU', 'memory'])
      assert.ok(seen.text.includes(key), `${key} missing: ${seen.text}`);
    assert.ok(/alerts/i.test(seen.text) && /findings/i.test(seen.text), `views: ${seen.text}`);
  });

  it('keeps the history in the store in the extension global storage', async () => {
    const store = await waitFor('the history store', () => api.monitor.store);
    await waitFor('three stored request-rate points', () => {
      const pts = store.query(url, 'http.requestRate', {}, Date.now() - 600_000, Date.now(), {
        resolution: 'raw',
      }).points;
      return pts.length >= 3 ? pts : undefined;
    });
    const names = new Set(store.series(url).map((s) => s.name));
    for (const n of ['http.p95Ms', 'http.route.requestRate', 'process.rssBytes', 'pool.active', 'cache.hitRate'])
      assert.ok(names.has(n), `${n} not stored: ${[...names].join(', ')}`);
  });

  it('answers Diagnose Slow Responses with a ranked Markdown document', async () => {
    const markdown = await vscode.commands.executeCommand<string>(COMMANDS.diagnoseSlowResponses);
    assert.ok(markdown.startsWith('# PerfLens: why are responses slow?'));
    assert.ok(markdown.includes(`## ${label} (healthy)`), markdown.slice(0, 600));
    assert.match(markdown, /Window: \d+ samples over [\d.]+ (?:ms|s|min|h|days)\. Now: p95 /);
    const doc = vscode.window.visibleTextEditors.find(
      (e) => e.document.uri.scheme === 'perflens-report' && e.document.getText() === markdown,
    );
    assert.ok(doc, 'the diagnosis is open in an editor');
    assert.equal(doc.document.languageId, 'markdown');
    assert.equal(doc.document.isDirty, false, 'read-only: closing it asks nothing');
  });

  it('exports a self-contained HTML report with the charts as SVG, and its JSON', async () => {
    const file = join(await fsp.mkdtemp(join(tmpdir(), 'perflens-report-')), 'report');
    const written = await vscode.commands.executeCommand<{ html: string; json: string }>(COMMANDS.exportReport, {
      targetId: url,
      range: '15m',
      file,
    });
    const html = await fsp.readFile(written.html, 'utf8');
    const json = JSON.parse(await fsp.readFile(written.json, 'utf8')) as DashboardData;
    assert.ok(html.includes('<svg') && html.includes('<polyline'), 'charts as inline SVG');
    assert.ok(!/<script/i.test(html), 'no scripts in the report');
    assert.equal(json.targetId, url);
    assert.ok(json.charts.find((c) => c.id === 'throughput')!.series[0]!.points.length > 0);
    await fsp.rm(written.html.replace(/report\.html$/, ''), { recursive: true, force: true });
  });
});
