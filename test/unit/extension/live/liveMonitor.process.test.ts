// The live monitor against the real demo service: sessions on a ManualClock (no sleeps), snapshots
// into a real (in-memory) history store, analyzers and alert episodes, the webhook to a local receiver.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultAlertRules } from '../../../../src/core/analyzers/alerts/rules';
import { WebhookAlertHandler } from '../../../../src/core/analyzers/alerts/webhook';
import type { AlertEvent } from '../../../../src/core/analyzers/alerts/types';
import type { HistoryStore } from '../../../../src/core/store';
import { openHistoryStore } from '../../../../src/core/store';
import { ManualClock } from '../../../../src/core/util/clock';
import { httpRequest } from '../../../../src/core/util/http';
import type { LiveConfig, TargetState } from '../../../../src/extension/live/liveMonitor';
import { LiveMonitor } from '../../../../src/extension/live/liveMonitor';
import type { DemoHandle } from '../../../helpers/demoService';
import { startDemoService } from '../../../helpers/demoService';
import { testLiveConfig } from '../helpers/liveConfig';

const INTERVAL = 5000;

function config(over: Partial<LiveConfig> = {}): LiveConfig {
  return testLiveConfig({
    intervalMs: INTERVAL,
    alertsEnabled: true,
    // Fires on the first sample over the threshold and resolves on the first one under it.
    alertRules: defaultAlertRules({ errorRate: 0.2 }, { forMs: 0, keepFiringForMs: 0 }).filter(
      (r) => r.id === 'errorRate',
    ),
    ...over,
  });
}

async function traffic(demo: DemoHandle, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await httpRequest(`${demo.url}/api/workspaces`, { timeoutMs: 5000 });
}

describe('LiveMonitor (demo service)', function () {
  this.timeout(30_000);
  let demo: DemoHandle;
  let receiver: http.Server;
  const received: { text: string }[] = [];

  before(async () => {
    demo = await startDemoService();
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { text: string });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });

  after(async () => {
    await demo?.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('collects snapshots into the store, analyzes them, and fires then resolves one alert per episode', async () => {
    const clock = new ManualClock(Date.now());
    let store: HistoryStore | undefined;
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const monitor = new LiveMonitor({
      config: () => config(),
      clock,
      openStore: async () => {
        const r = await openHistoryStore({ clock });
        if (r.ok) store = r.value;
        return r.ok ? r : { ok: false, error: r.error };
      },
      alertHandlers: () => [new WebhookAlertHandler({ url: webhookUrl, retries: 0 })],
      sessionDefaults: { collectSystem: false },
    });
    const updates: TargetState[] = [];
    const alerts: AlertEvent[] = [];
    monitor.onDidUpdate((s) => updates.push(s));
    monitor.onAlert(({ event, label }) => {
      assert.equal(label, 'demo');
      alerts.push(event);
    });
    const nextUpdate = () =>
      new Promise<TargetState>((resolve) => {
        const sub = monitor.onDidUpdate((s) => {
          sub.dispose();
          resolve(s);
        });
      });
    const round = async () => {
      const p = nextUpdate();
      clock.advance(INTERVAL);
      return p;
    };
    try {
      const first = nextUpdate();
      const attached = monitor.attach({ id: demo.url, label: 'demo', spec: { kind: 'url', baseUrl: demo.url } });
      assert.ok(attached.ok);
      assert.equal((await first).health.level, 'healthy');
      await monitor.ensureStore();
      await traffic(demo, 20);
      const s2 = await round();
      assert.ok(s2.latest?.http && s2.latest.http.requestRate > 0, 'request rate measured');
      assert.ok(s2.latest.http.routes.some((r) => r.route === '/api/workspaces'));
      assert.equal(alerts.length, 0);

      await demo.setFaults({ errorRate: 1 });
      await traffic(demo, 20);
      const s3 = await round();
      assert.ok(s3.latest!.http!.errorRate > 0.5, `error rate ${s3.latest!.http!.errorRate}`);
      assert.deepEqual(
        alerts.map((a) => a.type),
        ['firing'],
      );
      assert.equal(s3.health.level, 'degraded');
      assert.deepEqual(
        s3.alerts.map((a) => [a.ruleId, a.state]),
        [['errorRate', 'firing']],
      );

      await traffic(demo, 10);
      await round();
      assert.deepEqual(
        alerts.map((a) => a.type),
        ['firing'],
        'still firing: no second notification in one episode',
      );

      // A settings change restarts the session; the alert keeps its state through the rate-less first round.
      const restarted = nextUpdate();
      await monitor.reconfigure();
      assert.deepEqual(
        (await restarted).alerts.map((a) => a.state),
        ['firing'],
      );
      await traffic(demo, 10);
      await round();
      assert.deepEqual(
        alerts.map((a) => a.type),
        ['firing'],
        'no resolve and re-fire across a restart',
      );

      await demo.setFaults({ errorRate: 0 });
      await traffic(demo, 20);
      const s5 = await round();
      assert.deepEqual(
        alerts.map((a) => a.type),
        ['firing', 'resolved'],
      );
      assert.equal(s5.health.level, 'healthy');
      await monitor.flushAlerts();

      assert.ok(store, 'the store was opened on attach');
      const recorded = store.query(demo.url, 'http.requestRate', {}, clock.now() - 3_600_000, clock.now(), {
        resolution: 'raw',
      }).points;
      assert.equal(recorded.length, 5, 'one point per snapshot with rates (the first round of each session has none)');
      assert.deepEqual(
        store.alertHistory({ targetId: demo.url }).map((e) => e.state),
        ['resolved', 'firing'],
      );
      assert.deepEqual(
        monitor.alertHistory(demo.url).map((e) => e.type),
        ['resolved', 'firing'],
      );
      assert.deepEqual(
        received.map((r) => r.text.slice(0, 10)),
        ['[FIRING] C', '[RESOLVED]'],
      );
      assert.equal(updates.length, 7);
    } finally {
      await monitor.dispose();
    }
  });

  it('does not collect while monitoring is disabled, and detaches cleanly', async () => {
    const clock = new ManualClock(Date.now());
    let enabled = false;
    const monitor = new LiveMonitor({
      config: () => config({ enabled }),
      clock,
      sessionDefaults: { collectSystem: false },
    });
    try {
      const r = monitor.attach({ id: demo.url, label: 'demo', spec: { kind: 'url', baseUrl: demo.url } });
      assert.ok(r.ok);
      assert.equal(r.value.collecting, false);
      assert.match(monitor.target(demo.url)!.health.reasons[0]!, /turned off/);
      enabled = true;
      const updated = new Promise<TargetState>((resolve) => monitor.onDidUpdate(resolve));
      await monitor.reconfigure();
      assert.equal((await updated).collecting, true);
      assert.equal(await monitor.detach(demo.url), true);
      assert.deepEqual(monitor.targets(), []);
    } finally {
      await monitor.dispose();
    }
  });

  it('refuses a remote target with the reason, keeping it listed as not collecting', async () => {
    const monitor = new LiveMonitor({ config: () => config(), sessionDefaults: { collectSystem: false } });
    try {
      const r = monitor.attach({
        id: 'http://192.0.2.1:80',
        label: 'remote',
        spec: { kind: 'url', baseUrl: 'http://192.0.2.1:80' },
      });
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'remote');
      assert.equal(monitor.target('http://192.0.2.1:80')?.collecting, false);
    } finally {
      await monitor.dispose();
    }
  });
});
