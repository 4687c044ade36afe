import * as assert from 'node:assert/strict';
import type { Concept, ResolvedMapping } from '../../../../src/core/metrics/presets';
import { PRESETS } from '../../../../src/core/metrics/presets';
import type { QueryAnswers } from '../../../../src/core/prometheus/assemble';
import { assembleSnapshot } from '../../../../src/core/prometheus/assemble';
import type { VectorSample } from '../../../../src/core/prometheus/client';
import { chooseStep } from '../../../../src/core/prometheus/source';

const demo = PRESETS.find((p) => p.id === 'demo')!;
const resolved = new Map<Concept, ResolvedMapping>(
  Object.entries(demo.mappings).map(([c, list]) => [
    c as Concept,
    { concept: c as Concept, mapping: list![0]!, presetId: 'demo', presetTitle: demo.title },
  ]),
);

const A = '10.0.0.1:3100';
const B = '10.0.0.2:3100';
const T = 1_800_000_000_000;

function v(labels: Record<string, string>, value: number): VectorSample {
  return { labels, time: T, value };
}
const ar = (instance: string, route: string, value: number) => v({ instance, route, method: 'GET' }, value);

/** Answers as the server gives them for two instances of the demo, B slower and failing. */
function answers(): Map<string, VectorSample[]> {
  return new Map<string, VectorSample[]>([
    ['up', [v({ instance: A, job: 'demo' }, 1), v({ instance: B, job: 'demo' }, 1)]],
    ['http.rate', [ar(A, '/a', 10), ar(A, '/b', 5), ar(B, '/a', 20), ar(B, '/b', 0)]],
    ['http.errors', [ar(A, '/a', 0), ar(B, '/a', 2)]],
    ['http.sum', [ar(A, '/a', 0.5), ar(A, '/b', 0.5), ar(B, '/a', 4), ar(B, '/b', 0)]],
    ['http.count', [ar(A, '/a', 10), ar(A, '/b', 5), ar(B, '/a', 20), ar(B, '/b', 0)]],
    ['http.p95Ms.ir', [ar(A, '/a', 0.09), ar(A, '/b', 0.12), ar(B, '/a', 0.3), ar(B, '/b', NaN)]],
    ['http.p95Ms.r', [v({ route: '/a', method: 'GET' }, 0.25), v({ route: '/b', method: 'GET' }, 0.12)]],
    ['http.p95Ms.i', [v({ instance: A }, 0.11), v({ instance: B }, 0.3)]],
    ['http.p95Ms.all', [v({}, 0.28)]],
    ['pool.size', [v({ instance: A }, 5), v({ instance: B }, 5)]],
    ['pool.active', [v({ instance: A }, 1), v({ instance: B }, 5)]],
    ['pool.acquires', [v({ instance: A }, 12), v({ instance: B }, 20)]],
    ['pool.waitSum', [v({ instance: A }, 0), v({ instance: B }, 2)]],
    ['pool.waitCount', [v({ instance: A }, 12), v({ instance: B }, 20)]],
    ['cache.hits', [v({ instance: A, cache: 'entities' }, 9), v({ instance: B, cache: 'entities' }, 0)]],
    ['cache.misses', [v({ instance: A, cache: 'entities' }, 1), v({ instance: B, cache: 'entities' }, 0)]],
    // A gauge exported without the cache label joins the instance's only cache.
    ['cache.size', [v({ instance: A }, 40), v({ instance: B, cache: 'entities' }, 3)]],
    ['query.count', [v({ statement: 'entities', sql: 'SELECT 1' }, 4)]],
    ['query.sum', [v({ statement: 'entities', sql: 'SELECT 1' }, 0.2)]],
    ['query.p95Ms', [v({ statement: 'entities', sql: 'SELECT 1' }, 0.09)]],
    ['proc.cpu', [v({ instance: A }, 12.5)]],
    ['proc.rss', [v({ instance: A }, 50e6), v({ instance: B }, 80e6)]],
  ]);
}

function snapshot(a: QueryAnswers = answers()) {
  return assembleSnapshot(a, { targetId: 'prometheus:x', time: T, windowMs: 60_000, resolved });
}

describe('prometheus snapshot assembly', () => {
  it('sums rates per route across instances and computes error ratios from them', () => {
    const s = snapshot();
    assert.equal(s.http?.requestRate, 35);
    assert.equal(s.http?.errorRate, 2 / 35);
    assert.ok(Math.abs(s.http!.avgMs! - (5 / 35) * 1000) < 1e-9);
    assert.ok(Math.abs(s.http!.p95Ms! - 280) < 1e-9);
    const a = s.http!.routes.find((r) => r.route === '/a')!;
    assert.deepEqual(
      { rate: a.requestRate, err: a.errorRate, method: a.method },
      { rate: 30, err: 2 / 30, method: 'GET' },
    );
    assert.ok(Math.abs(a.p95Ms! - 250) < 1e-9);
    assert.deepEqual(
      s.http!.routes.map((r) => r.route),
      ['/a', '/b'],
    );
    assert.equal(s.intervalSeconds, 60);
    assert.equal(s.presets?.httpRequests, 'http_requests_total (demo)');
  });

  it('breaks every number down per instance, leaving out percentiles the server could not compute', () => {
    const s = snapshot();
    const [a, b] = s.instances!;
    assert.equal(a!.instance, A);
    assert.equal(a!.job, 'demo');
    assert.equal(a!.requestRate, 15);
    assert.equal(b!.requestRate, 20);
    assert.equal(b!.errorRate, 0.1);
    assert.ok(Math.abs(b!.p95Ms! - 300) < 1e-9);
    const bIdle = b!.routes!.find((r) => r.route === '/b')!;
    assert.equal(bIdle.requestRate, 0);
    assert.equal('p95Ms' in bIdle, false, 'NaN from histogram_quantile (no observations) is left out');
    assert.equal('avgMs' in bIdle, false);
    assert.equal(a!.cpuPercent, 12.5);
    assert.equal(b!.cpuPercent, undefined);
    assert.equal(b!.rssBytes, 80e6);
  });

  it('names pools and caches per instance, joins unlabelled gauges, and computes hit rate and waits', () => {
    const s = snapshot();
    assert.deepEqual(
      s.pools!.map((p) => [p.name, p.size, p.active, p.acquireRate, p.acquireWaitAvgMs]),
      [
        [A, 5, 1, 12, 0],
        [B, 5, 5, 20, 100],
      ],
    );
    assert.deepEqual(
      s.caches!.map((c) => [c.name, c.hitRate, c.size]),
      [
        [`entities @ ${A}`, 0.9, 40],
        [`entities @ ${B}`, undefined, 3],
      ],
    );
    assert.deepEqual(s.queries, [{ query: 'SELECT 1', statement: 'entities', rate: 4, avgMs: 50, p95Ms: 90 }]);
  });

  it('derives health from up: degraded with a reason per down instance, down when all are', () => {
    const a = answers();
    a.set('up', [v({ instance: A, job: 'demo' }, 1), v({ instance: B, job: 'demo' }, 0)]);
    const s = snapshot(a);
    assert.equal(s.health?.state, 'degraded');
    assert.deepEqual(s.health?.reasons, [
      `Instance ${B} is down: the Prometheus server's last scrape of it failed (up == 0).`,
    ]);
    assert.equal(s.instances!.find((i) => i.instance === B)!.up, false);
    a.set('up', [v({ instance: A }, 0), v({ instance: B }, 0)]);
    assert.equal(snapshot(a).health?.state, 'down');
    assert.equal(snapshot(new Map()).health?.state, 'unknown');
    assert.equal(snapshot(new Map()).http, undefined);
  });

  it('chooses a history step from the range (nice steps, bounded point count)', () => {
    assert.equal(chooseStep(30_000), 1000);
    assert.equal(chooseStep(3_600_000), 15_000);
    assert.equal(chooseStep(24 * 3_600_000), 600_000);
    assert.equal(chooseStep(30 * 24 * 3_600_000), 3 * 3_600_000);
    assert.equal(chooseStep(3_600_000, 60), 60_000);
    assert.ok((30 * 24 * 3_600_000) / chooseStep(30 * 24 * 3_600_000) <= 240);
  });
});
