import * as assert from 'node:assert/strict';
import { interpretHealth } from '../../../../src/core/collectors/health';
import type { Snapshot } from '../../../../src/core/session/types';
import type { TargetState } from '../../../../src/extension/live/liveMonitor';
import { statusBarView } from '../../../../src/extension/statusBar/statusBarModel';
import { httpStats, snapshot, targetState } from '../../../helpers/builders';

const LANDING =
  '<html><head><title>Node Exporter</title></head><body><h1>Node Exporter</h1><p>Prometheus Node Exporter</p></body></html>';

function state(label: string, health: Snapshot['health']): TargetState {
  return targetState(
    snapshot({
      targetId: label,
      time: 1,
      http: httpStats({ requestRate: 5, p95Ms: 12 }),
      ...(health ? { health } : {}),
    }),
  );
}

describe('status bar: a health endpoint with no verdict', () => {
  it('is its own level, worded "no health verdict", ranked below healthy and above degraded', () => {
    const landing = state('node:9100', interpretHealth(200, 'text/html; charset=UTF-8', LANDING));
    assert.equal(landing.health.level, 'no-verdict');
    assert.match(landing.health.reasons[0]!, /an HTML page \("Node Exporter"\)/);
    const v = statusBarView([landing], 'p95');
    assert.equal(v.text, '$(question) PerfLens: node:9100 no health verdict · p95 12 ms');
    assert.equal(v.background, undefined);
    assert.match(v.tooltip, /Node Exporter/);

    const ok = state('api:3000', interpretHealth(200, 'application/json', '{"status":"UP"}'));
    assert.equal(statusBarView([ok, landing], 'p95').level, 'no-verdict');
    const degraded = state('db:5432', interpretHealth(200, 'application/json', '{"status":"warn"}'));
    assert.equal(statusBarView([landing, degraded], 'p95').level, 'degraded');
  });

  it('a redirect is no health verdict either, and a 200 with failure words is down', () => {
    const redirect = state(
      'app:8080',
      interpretHealth(302, 'text/plain', 'Found', { url: 'http://127.0.0.1:8080/health', location: '/login' }),
    );
    assert.equal(redirect.health.level, 'no-verdict');
    assert.match(redirect.health.reasons[0]!, /redirects \(HTTP 302\) to \/login/);
    const failing = state(
      'app:8081',
      interpretHealth(200, 'text/plain', 'Service Unavailable - database connection failed'),
    );
    assert.equal(failing.health.level, 'down');
    assert.equal(statusBarView([failing], 'p95').background, 'statusBarItem.errorBackground');
  });
});
