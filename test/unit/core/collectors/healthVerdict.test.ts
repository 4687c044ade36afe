import * as assert from 'node:assert/strict';
import {
  checkHealth,
  healthPathCandidates,
  healthStateLabel,
  interpretHealth,
} from '../../../../src/core/collectors/health';
import { probeTarget } from '../../../../src/core/collectors/probe';
import type { HostileService } from '../../../helpers/hostile';
import { startHostileService } from '../../../helpers/hostile';

const PROMETHEUS_UI =
  '<!doctype html><html lang="en"><head><title>Prometheus Time Series Collection and Processing Server</title></head><body><div id="root"></div></body></html>';

describe('health verdicts from hostile health endpoints', () => {
  let svc: HostileService;
  before(async () => {
    svc = await startHostileService({
      // Prometheus's layout: no /health or /healthz, its web UI on /status, a sentence on /-/healthy.
      '/status': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PROMETHEUS_UI),
      '/-/healthy': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Prometheus Server is Healthy.\n'),
      '/metrics': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE up gauge\nup 1\n'),
    });
  });
  after(() => svc.stop());

  async function verdict(route: string) {
    const r = await checkHealth(svc.url, [route], { timeoutMs: 10_000 });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    return r.value;
  }

  it('a same-host redirect is not healthy and says where it points, without following it', async () => {
    const h = await verdict('/health-302');
    assert.equal(h.state, 'no-verdict');
    assert.equal(h.httpStatus, 302);
    assert.match(h.reasons[0]!, /redirects \(HTTP 302\) to \/login\?next=%2Fhealth/);
    assert.ok(!svc.requests.some((p) => p.startsWith('/login')), 'the redirect was followed');
  });

  it('a redirect to another host names that host and is never followed', async () => {
    const h = await verdict('/health-302-offsite');
    assert.equal(h.state, 'no-verdict');
    assert.match(h.reasons[0]!, /https:\/\/sso\.example\.com\/authorize\?next=\/health, on another host/);
  });

  it('an HTML page is never a verdict, even a login form with an OK button', async () => {
    const login = await verdict('/health-html-login');
    assert.equal(login.state, 'no-verdict');
    assert.match(login.reasons[0]!, /an HTML page \("Sign in · Acme Admin"\), not a health verdict/);
    const landing = await verdict('/health-node-exporter-landing');
    assert.equal(landing.state, 'no-verdict');
    assert.match(landing.reasons[0]!, /an HTML page \("Node Exporter"\)/);
    assert.equal(interpretHealth(200, 'text/html', '<html><body>OK</body></html>').state, 'no-verdict');
  });

  it('failure words in plain text make a 200 unhealthy', async () => {
    const h = await verdict('/health-unavailable-text');
    assert.equal(h.state, 'down');
    assert.deepEqual(h.reasons, ['Service Unavailable - database connection failed']);
  });

  it("JSON verdicts: Spring Boot DOWN, the health-check draft's fail, a status sentence", async () => {
    const spring = await verdict('/health-json-down');
    assert.equal(spring.state, 'down');
    assert.ok(
      spring.reasons.some((r) => /^db: down \(.*Connection refused/.test(r)),
      spring.reasons.join('; '),
    );
    const draft = await verdict('/health-json-fail');
    assert.equal(draft.state, 'down');
    assert.match(draft.reasons.join('; '), /fail/);
    assert.equal((await verdict('/health-json-status-sentence')).state, 'down');
  });

  it('judges JSON by its status field only: "errors": 0 is a counter, and no status is no verdict', async () => {
    assert.equal((await verdict('/health-json-ok-errors-zero')).state, 'healthy');
    const none = await verdict('/health-json-no-status');
    assert.equal(none.state, 'no-verdict');
    assert.match(none.reasons[0]!, /JSON without a status/);
    for (const [body, state] of [
      ['{"status":"UP"}', 'healthy'],
      ['{"status":"pass"}', 'healthy'],
      ['{"status":"healthy"}', 'healthy'],
      ['{"status":"ok"}', 'healthy'],
      ['{"status":"warn"}', 'degraded'],
      ['{"status":"unhealthy"}', 'down'],
      ['{"healthy":false}', 'down'],
    ] as const) {
      assert.equal(interpretHealth(200, 'application/json', body).state, state, body);
    }
  });

  it('reads verdict sentences in plain text and calls other text no verdict', async () => {
    assert.equal((await verdict('/health-text-sentence')).state, 'healthy');
    const none = await verdict('/health-text-no-verdict');
    assert.equal(none.state, 'no-verdict');
    assert.match(none.reasons[0]!, /Welcome to the Acme API/);
    for (const [body, state] of [
      ['ok', 'healthy'],
      ['OK, 0 errors', 'healthy'],
      ['not ready', 'down'],
      ['no errors', 'no-verdict'],
      ['database: down', 'down'],
      ['unhealthy', 'down'],
    ] as const) {
      assert.equal(interpretHealth(200, 'text/plain', body).state, state, body);
    }
  });

  it('tries every candidate path until one gives a verdict: Prometheus answers on /-/healthy behind its HTML /status', async () => {
    const r = await checkHealth(svc.url, healthPathCandidates(), { timeoutMs: 10_000 });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.deepEqual([r.value.state, r.value.path], ['healthy', '/-/healthy']);
  });

  it('probe asks the same candidate paths as the session and reads the same verdict', async () => {
    const p = await probeTarget(svc.url, { timeoutMs: 10_000 });
    assert.equal(p.health.path, '/-/healthy');
    assert.equal(p.health.verdict, 'healthy');
    assert.equal(p.health.error, undefined);
    assert.deepEqual(healthPathCandidates('/ready', '/info'), [
      '/ready',
      '/info',
      '/healthz',
      '/-/healthy',
      '/actuator/health',
    ]);
  });

  it('has its own wording for a reachable endpoint with no verdict', () => {
    assert.equal(healthStateLabel('no-verdict'), 'reachable, no health verdict');
    assert.equal(healthStateLabel('down'), 'down');
  });
});
