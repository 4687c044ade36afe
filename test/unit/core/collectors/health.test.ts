import * as assert from 'node:assert/strict';
import { checkHealth, interpretHealth, normalizeHealthState } from '../../../../src/core/collectors/health';
import type { LocalServer } from './localServer';
import { startLocalServer, text } from './localServer';

describe('interpretHealth', () => {
  it("reads the seed's JSON shape: any unhealthy check degrades a healthy service, with reasons", () => {
    const body = JSON.stringify({
      status: 'healthy',
      checks: {
        database: { status: 'healthy', response_time: 0.004 },
        cache: { status: 'unhealthy', error: 'connection refused' },
        disk_space: { status: 'healthy', free_percent: 41 },
      },
    });
    const h = interpretHealth(200, 'application/json', body);
    assert.equal(h.state, 'degraded');
    assert.deepEqual(h.reasons, ['cache: down (connection refused)']);
    assert.deepEqual(
      h.checks.map((c) => `${c.name}=${c.status}`),
      ['database=healthy', 'cache=down', 'disk_space=healthy'],
    );
    assert.equal(h.checks[0]!.detail, 'response_time=0.004');
  });

  it('takes an explicit degraded status and lists the failing checks', () => {
    const h = interpretHealth(
      200,
      'application/json',
      '{"status":"degraded","checks":{"memory":{"status":"degraded","message":"RSS at 91% of limit"}}}',
    );
    assert.equal(h.state, 'degraded');
    assert.deepEqual(h.reasons, ['memory: degraded (RSS at 91% of limit)']);
  });

  it('reads Spring Boot Actuator and the IETF health draft', () => {
    const spring = interpretHealth(
      200,
      'application/vnd.spring-boot.actuator.v3+json',
      '{"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL"}},"diskSpace":{"status":"UP"}}}',
    );
    assert.equal(spring.state, 'healthy');
    assert.equal(spring.checks.length, 2);
    const ietf = interpretHealth(
      200,
      'application/health+json',
      '{"status":"warn","checks":{"db:responseTime":[{"status":"pass"},{"status":"warn","output":"slow"}]}}',
    );
    assert.equal(ietf.state, 'degraded');
    assert.deepEqual(ietf.reasons, ['db:responseTime: degraded (slow)']);
  });

  it('reads plain /healthz text', () => {
    assert.equal(interpretHealth(200, 'text/plain', 'ok\n').state, 'healthy');
    assert.equal(interpretHealth(200, 'text/plain', '').state, 'healthy');
    const deg = interpretHealth(200, 'text/plain', 'degraded: replica lag 12s');
    assert.equal(deg.state, 'degraded');
    assert.deepEqual(deg.reasons, ['degraded: replica lag 12s']);
  });

  it('treats 503 as down, keeping the reasons from the body', () => {
    const text503 = interpretHealth(503, 'text/plain', 'database unreachable');
    assert.equal(text503.state, 'down');
    assert.deepEqual(text503.reasons, ['The health endpoint answered HTTP 503: database unreachable.']);
    const json503 = interpretHealth(
      503,
      'application/json',
      '{"status":"unhealthy","checks":{"database":{"status":"unhealthy","error":"timeout after 5s"}}}',
    );
    assert.equal(json503.state, 'down');
    assert.deepEqual(json503.reasons, [
      'The health endpoint answered HTTP 503 with status "unhealthy".',
      'database: down (timeout after 5s)',
    ]);
  });

  it('does not claim health it cannot see', () => {
    assert.equal(interpretHealth(401, 'text/plain', 'no').state, 'no-verdict');
    assert.equal(interpretHealth(200, 'application/json', '{"status":"banana"}').state, 'no-verdict');
    assert.equal(normalizeHealthState('OUT_OF_SERVICE'), 'down');
    assert.equal(normalizeHealthState(true), 'healthy');
  });
});

describe('checkHealth', () => {
  let srv: LocalServer;
  beforeEach(async () => {
    srv = await startLocalServer();
  });
  afterEach(() => srv.close());

  it('falls back from /health to /status when /health is not there', async () => {
    srv.route('/status', text('{"status":"healthy","checks":{}}', 'application/json'));
    const r = await checkHealth(srv.url, ['/health', '/status', '/healthz']);
    assert.ok(r.ok);
    assert.equal(r.value.state, 'healthy');
    assert.equal(r.value.httpStatus, 200);
    assert.ok(r.value.latencyMs !== undefined && r.value.latencyMs >= 0);
  });

  it('reports a 503 endpoint as down and a missing one as not found', async () => {
    srv.route('/health', text('maintenance', 'text/plain', 503));
    const down = await checkHealth(srv.url, ['/health']);
    assert.ok(down.ok && down.value.state === 'down');
    const missing = await checkHealth(srv.url, ['/nope', '/also-nope']);
    assert.ok(!missing.ok && missing.error.kind === 'not-found');
  });

  it('reports a service that never answers, or is gone, as down with the reason', async () => {
    srv.route('/health', () => undefined);
    const hung = await checkHealth(srv.url, ['/health'], { timeoutMs: 100 });
    assert.ok(hung.ok && hung.value.state === 'down');
    assert.match(hung.value.reasons[0]!, /did not answer within 100 ms/);
    await srv.close();
    const gone = await checkHealth(srv.url, ['/health']);
    assert.ok(gone.ok && gone.value.state === 'down');
    srv = await startLocalServer();
  });
});
