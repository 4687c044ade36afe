import * as assert from 'node:assert/strict';
import { analyzeBottlenecks } from '../../../../src/core/analyzers/bottlenecks';
import type { Snapshot } from '../../../../src/core/session/types';
import type { SnapshotBody } from './simulate';
import { simulate } from './simulate';

function run(body: (i: number) => SnapshotBody): Snapshot[] {
  return simulate({ intervalMs: 5000, count: 24, make: body });
}

const slowHttp = (p95Ms: number) => ({
  requestRate: 20,
  errorRate: 0,
  avgMs: p95Ms / 2,
  p95Ms,
  routes: [
    { route: '/api/entities', method: 'GET', requestRate: 15, errorRate: 0, avgMs: p95Ms / 2, p95Ms },
    { route: '/health', method: 'GET', requestRate: 5, errorRate: 0, avgMs: 2, p95Ms: 5 },
  ],
});

describe('analyzers/bottlenecks (diagnose slow responses)', () => {
  it('puts database time first, then cache misses, then CPU, with evidence and per-route findings', () => {
    const snaps = run(() => ({
      http: slowHttp(1800),
      queries: [
        { query: 'SELECT * FROM entities WHERE workspace_id = ?', rate: 15, avgMs: 700, p95Ms: 1200 },
        { query: 'SELECT 1', rate: 5, avgMs: 1 },
      ],
      caches: [{ name: 'entities', hitsPerSec: 20, missesPerSec: 80 }],
      process: { pid: 1, cpuPercent: 93, rssBytes: 1e8 },
    }));
    const f = analyzeBottlenecks(snaps);
    assert.deepEqual(
      f.map((x) => x.id),
      ['bottleneck.database', 'bottleneck.cache', 'bottleneck.cpu', 'bottleneck.route:GET /api/entities'],
    );
    assert.equal(f[0]!.severity, 'critical');
    assert.equal(f[1]!.severity, 'warning');
    assert.equal(f[0]!.evidence.numbers.rank, 1);
    assert.equal(f[0]!.evidence.numbers.slowestQueryAvgMs, 700);
    assert.equal(f[0]!.target, 'SELECT * FROM entities WHERE workspace_id = ?');
    // (15 q/s × 700 ms + 5 q/s × 1 ms) of 20 req/s × 900 ms of service time = 10505 / 18000.
    assert.equal(f[0]!.evidence.numbers.dbTimeShare, 0.584);
    assert.equal(f[1]!.evidence.numbers.cacheMissRate, 0.8);
    const route = f[3]!;
    assert.equal(route.route, 'GET /api/entities');
    assert.equal(route.evidence.numbers.likelyCause, 'database');
    // Title and text write the same p95 the same way (as the CLI report does).
    assert.equal(route.title, 'GET /api/entities is slow: p95 1.80 s');
    assert.match(route.evidence.text, /^p95 1\.80 s over the window \(threshold 1\.00 s\); likely cause: /);
  });

  it('counts a large database share as the bottleneck even when each query is under 500 ms', () => {
    const snaps = run(() => ({ http: slowHttp(1500), queries: [{ query: 'q', rate: 40, avgMs: 300 }] }));
    const db = analyzeBottlenecks(snaps)[0]!;
    assert.equal(db.id, 'bottleneck.database');
    assert.equal(db.evidence.numbers.dbTimeShare, 0.8);
  });

  it('names network and external dependencies when nothing local explains slow responses', () => {
    const snaps = run(() => ({
      http: slowHttp(2500),
      queries: [{ query: 'q', rate: 5, avgMs: 3 }],
      process: { pid: 1, cpuPercent: 12, rssBytes: 1e8 },
    }));
    const f = analyzeBottlenecks(snaps);
    assert.equal(f[0]!.id, 'bottleneck.external');
    assert.equal(f[0]!.severity, 'critical');
    assert.match(f[0]!.recommendation, /external service dependencies/);
    const route = f.find((x) => x.route === 'GET /api/entities')!;
    assert.equal(route.severity, 'critical');
  });

  it('is quiet when responses are fast and no cause holds', () => {
    const snaps = run(() => ({
      http: slowHttp(120),
      queries: [{ query: 'q', rate: 5, avgMs: 3 }],
      process: { pid: 1, cpuPercent: 12, rssBytes: 1e8 },
    }));
    assert.deepEqual(analyzeBottlenecks(snaps), []);
  });

  it('treats requests queueing for pooled connections as database time', () => {
    const snaps = run(() => ({
      http: slowHttp(1400),
      pools: [{ name: 'db', size: 2, active: 2, pending: 5, acquireWaitP95Ms: 900 }],
    }));
    const db = analyzeBottlenecks(snaps)[0]!;
    assert.equal(db.id, 'bottleneck.database');
    assert.equal(db.evidence.numbers.poolMeanPending, 5);
    assert.match(db.recommendation, /pool findings/);
  });
});
