import * as assert from 'node:assert/strict';
import type { EndpointProbe } from '../../../../src/core/collectors/probe';
import { targetView } from '../../../../src/extension/panels/dashboardTargets';
import type { AttachedTarget } from '../../../../src/extension/targets/targetRegistry';

const metrics: EndpointProbe = {
  path: '/metrics',
  url: 'http://127.0.0.1:3000/metrics',
  reachable: true,
  status: 200,
  contentType: 'text/plain',
  latencyMs: 3.6,
};
const health: EndpointProbe = {
  path: '/health',
  url: 'http://127.0.0.1:3000/health',
  reachable: true,
  status: 200,
  contentType: 'application/json',
  latencyMs: 2.1,
  verdict: 'degraded',
};

describe('dashboard target view', () => {
  it('hands the page the probe as the engine recorded it: one endpoint shape, every field (the health verdict too)', () => {
    const attached: AttachedTarget = {
      input: '3000',
      spec: { kind: 'port', port: 3000, baseUrl: 'http://127.0.0.1:3000' },
      label: '127.0.0.1:3000',
      attachedAt: Date.UTC(2026, 0, 1),
      probe: { baseUrl: 'http://127.0.0.1:3000', metrics, health },
      probedAt: Date.UTC(2026, 0, 1, 0, 0, 5),
    };
    const view = targetView(attached, undefined);
    assert.deepEqual(view.probe, { metrics, health, probedAt: '2026-01-01T00:00:05.000Z' });
    assert.equal(view.id, 'http://127.0.0.1:3000');
    assert.equal(view.url, 'http://127.0.0.1:3000');
    assert.equal(view.level, 'unknown');
  });
});
