import * as assert from 'node:assert/strict';
import type { EndpointProbe, ProbeResult } from '../../../../src/core/collectors/probe';
import { endpointOk } from '../../../../src/core/collectors/probe';
import { describeEndpoint, summarizeProbe } from '../../../../src/extension/targets/probeReport';

const ok = (path: string): EndpointProbe => ({
  path,
  url: `http://127.0.0.1:3000${path}`,
  reachable: true,
  status: 200,
  contentType: 'text/plain',
  latencyMs: 3.6,
});
const refused = (path: string): EndpointProbe => ({
  path,
  url: `http://127.0.0.1:3000${path}`,
  reachable: false,
  error: 'Nothing is listening at 127.0.0.1:3000 (connection refused).',
});
const notFound = (path: string): EndpointProbe => ({
  path,
  url: `http://127.0.0.1:3000${path}`,
  reachable: true,
  status: 404,
  error: 'Not found: is the path right?',
});
const probe = (metrics: EndpointProbe, health: EndpointProbe): ProbeResult => ({
  baseUrl: 'http://127.0.0.1:3000',
  metrics,
  health,
});

describe('probe report wording', () => {
  it('counts only a 2xx answer as usable', () => {
    assert.equal(endpointOk(ok('/metrics')), true);
    assert.equal(endpointOk(notFound('/metrics')), false);
    assert.equal(endpointOk(refused('/metrics')), false);
  });

  it('describes each endpoint with status, type and rounded latency, or why it is unusable', () => {
    assert.equal(describeEndpoint(ok('/metrics')), '/metrics reachable: HTTP 200, text/plain, 3.6 ms');
    assert.equal(describeEndpoint(notFound('/health')), '/health answers HTTP 404: Not found: is the path right?');
    assert.equal(
      describeEndpoint(refused('/health')),
      '/health not reachable: Nothing is listening at 127.0.0.1:3000 (connection refused).',
    );
  });

  it('sums up the probe in one sentence', () => {
    assert.equal(summarizeProbe(probe(ok('/metrics'), ok('/health'))), '/metrics and /health both answer.');
    assert.equal(summarizeProbe(probe(ok('/metrics'), notFound('/health'))), '/metrics answers; /health does not.');
    assert.equal(summarizeProbe(probe(refused('/metrics'), ok('/health'))), '/health answers; /metrics does not.');
    assert.equal(
      summarizeProbe(probe(refused('/metrics'), refused('/health'))),
      'neither /metrics nor /health answers. Is the service running there?',
    );
  });
});
