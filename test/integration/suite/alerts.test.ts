import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AlertEvent } from '../../../src/core/analyzers/alerts/types';
import { COMMANDS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import { observeDom } from './driver';
import {
  configure,
  countOf,
  demoServiceUrl,
  perflens,
  setDemoFaults,
  startTraffic,
  startWebhookReceiver,
  waitFor,
} from './liveSupport';

const CENTER = '.notifications-center';

describe('Alerts in the editor', () => {
  let api: PerfLensApi;
  let url: string;
  let restore: () => Promise<void>;
  let traffic: { stop(): Promise<void> };
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const events: AlertEvent[] = [];
  let sub: { dispose(): void };

  /** One episode: errors on until the alert fires, then off until it resolves. */
  async function episode(): Promise<void> {
    const from = events.length;
    await setDemoFaults(url, { errorRate: 0.6 });
    await waitFor('the error-rate alert to fire', () => events.slice(from).find((e) => e.type === 'firing'));
    // Several more evaluations while it keeps firing: no second notification.
    await new Promise((r) => setTimeout(r, 3000));
    await setDemoFaults(url, { errorRate: 0 });
    await waitFor('the alert to resolve', () => events.slice(from).find((e) => e.type === 'resolved'));
  }

  before(async () => {
    api = await perflens();
    url = demoServiceUrl();
    // Short pending and keep-firing times so an episode takes seconds (the defaults are 30 s and 60 s).
    restore = await configure({
      collectionIntervalSeconds: 1,
      'alerts.forSeconds': 2,
      'alerts.keepFiringForSeconds': 2,
    });
    receiver = await startWebhookReceiver();
    assert.equal(await vscode.commands.executeCommand(COMMANDS.setWebhookUrl, receiver.url), 'set');
    traffic = startTraffic(url);
    sub = api.monitor.onAlert(({ event }) => {
      if (event.targetId === url) events.push(event);
    });
    await vscode.commands.executeCommand(COMMANDS.attach, url);
    await waitFor('a healthy snapshot with rates', () => {
      const t = api.monitor.target(url);
      return t?.latest?.http && t.health.level === 'healthy' ? t : undefined;
    });
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  after(async () => {
    sub.dispose();
    await setDemoFaults(url, { errorRate: 0 });
    await traffic.stop();
    await vscode.commands.executeCommand(COMMANDS.setWebhookUrl, '');
    await vscode.commands.executeCommand(COMMANDS.snoozeAlerts, 0);
    await vscode.commands.executeCommand(COMMANDS.detach, url);
    await restore();
    await receiver.stop();
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('notifies once when the error rate fires and once when it resolves, and posts both to the webhook', async function () {
    this.timeout(90_000);
    await setDemoFaults(url, { errorRate: 0.6 });
    await waitFor('the error-rate alert to fire', () => events.find((e) => e.type === 'firing'));
    // The smoke-test driver turns toasts off; every notification is in the notification center.
    await vscode.commands.executeCommand('notifications.showList');
    const firing = await observeDom({
      name: 'alert-firing-notification',
      scope: 'workbench',
      selector: CENTER,
      waitForText: 'PerfLens alert on',
    });
    assert.match(firing.text, /PerfLens alert on 127\.0\.0\.1:\d+: High error rate: [\d.]+% > 5\.0%/);
    assert.ok(firing.text.includes('Open Dashboard') && firing.text.includes('Snooze 1 h'), firing.text);
    const bar = await observeDom({
      name: 'status-bar-degraded',
      scope: 'workbench',
      selector: '.part.statusbar',
      waitForText: 'degraded',
    });
    assert.ok(bar.text.includes('degraded'), bar.text);
    await new Promise((r) => setTimeout(r, 3000));
    await setDemoFaults(url, { errorRate: 0 });
    await waitFor('the alert to resolve', () => events.find((e) => e.type === 'resolved'));
    assert.deepEqual(
      events.map((e) => `${e.ruleId}:${e.type}`),
      ['errorRate:firing', 'errorRate:resolved'],
    );
    await waitFor('two webhook posts', () => (receiver.bodies.length >= 2 ? receiver.bodies : undefined));
    assert.match(receiver.bodies[0]!.text, /^\[FIRING\] CRITICAL High error rate/);
    assert.match(receiver.bodies[1]!.text, /^\[RESOLVED\] High error rate resolved/);
    assert.deepEqual(
      api.monitor
        .alertHistory(url)
        .slice(0, 2)
        .map((e) => e.type),
      ['resolved', 'firing'],
    );
    await vscode.commands.executeCommand('notifications.showList');
    const center = await observeDom({
      name: 'alert-notifications',
      scope: 'workbench',
      selector: CENTER,
      waitForText: 'PerfLens: resolved on',
    });
    assert.equal(countOf(center.text, 'PerfLens alert on'), 1, center.text);
    assert.equal(countOf(center.text, 'PerfLens: resolved on'), 1, center.text);
  });

  it('stays quiet while snoozed or with perflens.alerts.quiet, and still records the episode', async function () {
    this.timeout(120_000);
    await setDemoFaults(url, { errorRate: 0 });
    await waitFor('no pending or firing alert', () =>
      api.monitor.target(url)?.alerts.length === 0 ? true : undefined,
    );
    await vscode.commands.executeCommand('notifications.clearAll');
    const until = await vscode.commands.executeCommand<number>(COMMANDS.snoozeAlerts, 60);
    assert.ok(until > Date.now() + 59 * 60_000);
    await vscode.commands.executeCommand('workbench.view.extension.perflens');
    const view = await observeDom({
      name: 'alerts-view-snoozed',
      scope: 'workbench',
      selector: '.part.sidebar',
      waitForText: 'notifications snoozed until',
    });
    assert.ok(view.text.includes('notifications snoozed until'), view.text);
    const before = events.length;
    await episode();
    await vscode.commands.executeCommand(COMMANDS.snoozeAlerts, 0);
    const back = await configure({ 'alerts.quiet': true });
    try {
      await episode();
    } finally {
      await back();
    }
    assert.deepEqual(
      events.slice(before).map((e) => e.type),
      ['firing', 'resolved', 'firing', 'resolved'],
    );
    await waitFor('four more webhook posts', () =>
      receiver.bodies.filter((b) => b.text.includes('High error rate')).length >= 6 ? receiver.bodies : undefined,
    );
    await vscode.commands.executeCommand('notifications.showList');
    const center = await observeDom({
      name: 'alert-notifications-quiet',
      scope: 'workbench',
      selector: CENTER,
      timeoutMs: 3000,
    });
    assert.equal(countOf(center.text, 'PerfLens alert on'), 0, center.text);
    assert.equal(countOf(center.text, 'resolved on'), 0, center.text);
  });
});
