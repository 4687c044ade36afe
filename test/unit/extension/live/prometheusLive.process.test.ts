// The live monitor on a Prometheus-server target: a real prometheus (basic auth on) scraping the
// real demo service; credentials come through the monitor's prometheusAuth, as SecretStorage
// supplies them in the editor. The session's timer runs on a ManualClock (no sleeps).
import * as assert from 'node:assert/strict';
import { parsePrometheusTarget } from '../../../../src/core/prometheus';
import { ManualClock } from '../../../../src/core/util/clock';
import type { LiveConfig, TargetState } from '../../../../src/extension/live/liveMonitor';
import { LiveMonitor } from '../../../../src/extension/live/liveMonitor';
import { prometheusInput, specOf } from '../../../../src/extension/targets/prometheusTarget';
import type { DemoHandle } from '../../../helpers/demoService';
import { startDemoService } from '../../../helpers/demoService';
import type { PrometheusServerHandle } from '../../../helpers/prometheusServer';
import { requirePrometheus, startPrometheusServer } from '../../../helpers/prometheusServer';
import { testLiveConfig } from '../helpers/liveConfig';

/** The same test credentials as the core's real Prometheus test (bcrypt, cost 4, of the password). */
const AUTH = {
  user: 'perflens',
  password: 'correct horse',
  bcryptHash: '$2b$04$fARlIPVyJ5cWVAtNdBBzQOlfxaICXM80.Nvmt9XVjTbNgNZBP/c.S',
};

const config = (): LiveConfig => testLiveConfig({ alertsEnabled: true });

function nextUpdate(monitor: LiveMonitor, id: string): Promise<TargetState> {
  return new Promise((resolve) => {
    const sub = monitor.onDidUpdate((s) => {
      if (s.id !== id) return;
      sub.dispose();
      resolve(s);
    });
  });
}

describe('LiveMonitor on a Prometheus server', function () {
  this.timeout(60_000);
  let demo: DemoHandle;
  let prom: PrometheusServerHandle;

  before(async function () {
    const bin = requirePrometheus();
    demo = await startDemoService();
    prom = await startPrometheusServer(bin, {
      jobs: [{ job: 'demo', targets: [`127.0.0.1:${demo.port}`] }],
      basicAuth: AUTH,
    });
    await prom.waitForTargets('demo', 1);
  });

  after(async () => {
    await prom?.stop();
    await demo?.stop();
  });

  function spec() {
    const t = parsePrometheusTarget(prom.url, 'job="demo"');
    assert.ok(t.ok);
    return specOf(t.value);
  }

  it('collects through the server with the credentials it is given, per instance', async () => {
    const servers: string[] = [];
    const monitor = new LiveMonitor({
      config,
      clock: new ManualClock(Date.now()),
      prometheusAuth: (serverUrl) => {
        servers.push(serverUrl);
        return Promise.resolve({ kind: 'basic', user: AUTH.user, password: AUTH.password });
      },
    });
    const id = prometheusInput(spec());
    try {
      const first = nextUpdate(monitor, id);
      const attached = monitor.attach({ id, label: 'demo', spec: spec() });
      assert.ok(attached.ok, attached.ok ? '' : attached.error.message);
      const state = await first;
      assert.deepEqual(servers, [prom.url], 'credentials are looked up by server URL');
      assert.equal(state.latest?.targetId, id);
      assert.deepEqual(
        state.latest?.instances?.map((i) => [i.instance, i.up]),
        [[`127.0.0.1:${demo.port}`, true]],
      );
      assert.deepEqual(
        state.latest?.errors.filter((e) => e.kind !== 'warning'),
        [],
      );
      assert.equal(state.health.level, 'healthy');
      assert.ok(monitor.prometheusSession(id), 'the session is reachable for server history');
      assert.ok(await monitor.detach(id));
      assert.equal(monitor.prometheusSession(id), undefined);
    } finally {
      await monitor.dispose();
    }
  });

  it('says the server refused when the credentials are missing, and refuses a remote server unless allowed', async () => {
    const monitor = new LiveMonitor({
      config,
      clock: new ManualClock(Date.now()),
      prometheusAuth: () => Promise.resolve(undefined),
    });
    const id = prometheusInput(spec());
    try {
      const first = nextUpdate(monitor, id);
      assert.ok(monitor.attach({ id, label: 'demo', spec: spec() }).ok);
      const state = await first;
      assert.ok(
        state.latest?.errors.some((e) => e.kind === 'unauthorized'),
        JSON.stringify(state.latest?.errors),
      );
      // The server could not tell: not "healthy", not "down" (the service may be fine), and why.
      assert.equal(state.health.level, 'unknown');
      assert.match(state.health.reasons[0] ?? '', /^Prometheus server: .*(401|credentials|auth)/i);

      const remote = {
        kind: 'prometheus' as const,
        serverUrl: 'http://prometheus.example.com:9090',
        selector: 'job="demo"',
      };
      const refused = monitor.attach({ id: prometheusInput(remote), label: 'remote', spec: remote });
      assert.ok(!refused.ok && /not on this machine/.test(refused.error.message), JSON.stringify(refused));
    } finally {
      await monitor.dispose();
    }
  });
});
