/**
 * Analyzers on snapshots of the real demo service (a real AttachSession, real scrapes): a tiny
 * cache under a key spread that cannot fit, and injected latency past the 1 s response threshold.
 */
import * as assert from 'node:assert/strict';
import { analyzeSnapshots } from '../../../../src/core/analyzers/analyze';
import { recordSnapshots } from '../../../../src/core/analyzers/record';
import { createAttachSession } from '../../../../src/core/session/session';
import type { Snapshot } from '../../../../src/core/session/types';
import { httpRequest } from '../../../../src/core/util/http';
import type { DemoHandle } from '../../../helpers/demoService';
import { startDemoService } from '../../../helpers/demoService';
import { startLoad } from '../../cli/liveHelpers';

async function watch(url: string, durationMs: number): Promise<Snapshot[]> {
  const created = createAttachSession({ target: url, intervalMs: 500 });
  assert.ok(created.ok);
  return recordSnapshots(created.value, durationMs, (ms) => new Promise((r) => setTimeout(r, ms)));
}

describe('analyzers on the real demo service', function () {
  this.timeout(60_000);
  let demo: DemoHandle | undefined;
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });

  it('reports a cache too small for its keys, with a larger size, and cache misses as a bottleneck cause', async () => {
    demo = await startDemoService({ cacheSize: 4 });
    // Each of three clients cycles through its own 7 keys (limit=1..7, 8..14, 15..21): a key comes
    // back only after 6 others, so an LRU of 4 entries has always evicted it, whatever the interleaving
    // (shared keys let clients hit each other's entries now and then, and the hit rate drifted to 33%).
    let running = true;
    const clients = Array.from({ length: 3 }, async (_, c) => {
      for (let i = 0; running; i++)
        await httpRequest(`${demo!.url}/api/graph/entities?workspace_id=1&limit=${c * 7 + (i % 7) + 1}`, {
          timeoutMs: 10_000,
        });
    });
    let snapshots: Snapshot[];
    try {
      snapshots = await watch(demo.url, 3000);
    } finally {
      running = false;
      await Promise.all(clients);
    }
    const findings = analyzeSnapshots(snapshots);
    const ids = findings.map((f) => f.id).join(', ');
    const cache = findings.find((f) => f.id === 'cache.lowHitRate:entities');
    assert.ok(cache, ids);
    assert.ok((cache.evidence.numbers.hitRate as number) < 0.3, JSON.stringify(cache.evidence.numbers));
    assert.equal(cache.evidence.numbers.maxSize, 4);
    assert.ok((cache.evidence.numbers.evictionsPerSec as number) > 0);
    assert.match(cache.recommendation, /raise maxSize above 4, then check that evictions fall/);
    const missCause = findings.find((f) => f.id === 'bottleneck.cache');
    assert.ok(missCause, ids);
    assert.ok((missCause.evidence.numbers.cacheMissRate as number) > 0.5);
  });

  it('ranks slow responses with no local cause as network/external, per route', async () => {
    demo = await startDemoService({ latencyMs: 1200, poolSize: 16 });
    const load = startLoad(`${demo.url}/api/workspaces`, 4);
    let snapshots: Snapshot[];
    try {
      snapshots = await watch(demo.url, 4000);
    } finally {
      await load.stop();
    }
    const findings = analyzeSnapshots(snapshots);
    const ids = findings.map((f) => f.id).join(', ');
    const external = findings.find((f) => f.id === 'bottleneck.external');
    assert.ok(external, ids);
    assert.equal(external.severity, 'critical');
    assert.ok((external.evidence.numbers.p95Ms as number) > 1000);
    const route = findings.find((f) => f.id === 'bottleneck.route:GET /api/workspaces');
    assert.ok(route, ids);
    assert.equal(route.route, 'GET /api/workspaces');
    assert.equal(route.evidence.numbers.likelyCause, 'external');
    assert.ok((route.evidence.numbers.p95Ms as number) > 1000);
  });
});
