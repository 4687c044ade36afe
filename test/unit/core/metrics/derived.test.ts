import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  counterIncrease,
  counterRate,
  histogramIncrease,
  histogramQuantile,
  mergeBuckets,
  parseLe,
} from '../../../../src/core/metrics/quantile';
import { deriveMetrics } from '../../../../src/core/metrics/derived';
import { detectPresets, indexSamples } from '../../../../src/core/metrics/presets';
import type { MetricFamily, Sample } from '../../../../src/core/metrics/types';

const b = (le: number, count: number) => ({ le, count });

describe('histogramQuantile (Prometheus bucketQuantile)', () => {
  // Expected values worked by hand from promql/quantile.go: rank = q * total, first bucket whose
  // cumulative count reaches the rank, linear interpolation from the previous bound.
  const hist = [b(0.1, 10), b(0.5, 30), b(1, 40), b(Infinity, 50)];
  it('interpolates inside the bucket holding the rank', () => {
    assert.equal(histogramQuantile(0.5, hist), 0.4); // rank 25 in (0.1, 0.5]: 0.1 + 0.4 * 15/20
    assert.equal(histogramQuantile(0.7, hist), 0.75); // rank 35 in (0.5, 1]: 0.5 + 0.5 * 5/10
    assert.equal(histogramQuantile(0.1, hist), 0.05); // lowest bucket starts at 0
  });
  it('returns the highest finite bound when the rank falls in +Inf', () => {
    assert.equal(histogramQuantile(0.95, hist), 1);
    assert.equal(histogramQuantile(1, hist), 1);
  });
  it('matches the promql test data for positive and negative bucket layouts', () => {
    // testhistogram{start="positive"}: le 0.1/0.2/1/+Inf increase 5/7/11/12 per step.
    assert.ok(Math.abs(histogramQuantile(0.5, [b(0.1, 5), b(0.2, 7), b(1, 11), b(Infinity, 12)]) - 0.15) < 1e-12);
    // start="negative": le -0.2/-0.1/0.3/+Inf increase 1/2/2/3.
    const neg = [b(-0.2, 1), b(-0.1, 2), b(0.3, 2), b(Infinity, 3)];
    assert.ok(Math.abs(histogramQuantile(0.5, neg) - -0.15) < 1e-12);
    // A rank in a first bucket whose bound is <= 0 returns that bound (no interpolation from 0).
    assert.equal(histogramQuantile(0.25, neg), -0.2);
  });
  it('handles out-of-range q, empty and malformed histograms like Prometheus', () => {
    assert.equal(histogramQuantile(-0.1, hist), -Infinity);
    assert.equal(histogramQuantile(1.1, hist), Infinity);
    assert.ok(Number.isNaN(histogramQuantile(NaN, hist)));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [b(0.1, 0), b(Infinity, 0)])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [b(0.1, 3), b(1, 5)])), 'no +Inf bucket');
    assert.ok(Number.isNaN(histogramQuantile(0.5, [b(Infinity, 5)])), 'a single bucket');
  });
  it('sorts buckets and repairs non-monotonic counts', () => {
    assert.equal(histogramQuantile(0.5, [b(Infinity, 12), b(2, 8), b(1, 10)]), 0.6); // counts become 10,10,12
  });
});

describe('counter arithmetic', () => {
  it('treats a decrease as a restart from zero, like rate()', () => {
    assert.equal(counterIncrease([10, 15, 3, 8]), 13);
    assert.equal(counterRate(100, 30, 10), 3);
    assert.equal(counterRate(100, 150, 10), 5);
    assert.equal(counterRate(1, 2, 0), undefined);
  });
  it('histogram increase resets whole when the total count drops', () => {
    assert.deepEqual(histogramIncrease([b(1, 5), b(Infinity, 10)], [b(1, 7), b(Infinity, 15)]), [
      b(1, 2),
      b(Infinity, 5),
    ]);
    assert.deepEqual(histogramIncrease([b(1, 5), b(Infinity, 10)], [b(1, 1), b(Infinity, 2)]), [
      b(1, 1),
      b(Infinity, 2),
    ]);
  });
  it('merges histograms with different bucket layouts by their step functions', () => {
    assert.deepEqual(
      mergeBuckets([
        [b(1, 2), b(Infinity, 4)],
        [b(0.5, 1), b(1, 3), b(Infinity, 3)],
      ]),
      [b(0.5, 1), b(1, 5), b(Infinity, 7)],
    );
  });
  it('parses le bounds as exporters write them', () => {
    assert.equal(parseLe('+Inf'), Infinity);
    assert.equal(parseLe('0.25'), 0.25);
    assert.equal(parseLe('1e-3'), 0.001);
    assert.ok(Number.isNaN(parseLe('')));
  });
});

// Samples spelled as any parser emits them: full sample names, le as written.
const s = (name: string, labels: Record<string, string>, value: number): Sample => ({ name, labels, value });
const fam = (name: string, type: MetricFamily['type'], samples: Sample[]): MetricFamily => ({ name, type, samples });

function histogram(name: string, labels: Record<string, string>, buckets: [string, number][], sum: number): Sample[] {
  return [
    ...buckets.map(([le, v]) => s(`${name}_bucket`, { ...labels, le }, v)),
    s(`${name}_sum`, labels, sum),
    s(`${name}_count`, labels, buckets[buckets.length - 1]![1]),
  ];
}

function demoScrape(
  req: [number, number, number],
  getA: [number, number, number, number, number],
  postB: [number, number, number, number, number],
): MetricFamily[] {
  const les = ['0.05', '0.1', '0.5', '+Inf'];
  const h = (labels: Record<string, string>, v: number[]) =>
    histogram(
      'http_request_duration_seconds',
      labels,
      les.map((le, i) => [le, v[i]!] as [string, number]),
      v[4]!,
    );
  return [
    fam('http_requests_total', 'counter', [
      s('http_requests_total', { method: 'GET', route: '/a', status: '200' }, req[0]),
      s('http_requests_total', { method: 'GET', route: '/a', status: '500' }, req[1]),
      s('http_requests_total', { method: 'POST', route: '/b', status: '201' }, req[2]),
    ]),
    fam('http_request_duration_seconds', 'histogram', [
      ...h({ method: 'GET', route: '/a' }, getA),
      ...h({ method: 'POST', route: '/b' }, postB),
    ]),
  ];
}

function derive(prevFams: MetricFamily[] | undefined, curFams: MetricFamily[], seconds = 10) {
  const cur = { time: 1_000_000 + seconds * 1000, index: indexSamples(curFams) };
  const prev = prevFams ? { time: 1_000_000, index: indexSamples(prevFams) } : undefined;
  return deriveMetrics(prev, cur, detectPresets(cur.index));
}

const near = (a: number | undefined, e: number, msg?: string) =>
  assert.ok(a !== undefined && Math.abs(a - e) < 1e-9, `${msg ?? ''} expected ${e}, got ${a}`);

describe('deriveMetrics: HTTP', () => {
  const prev = demoScrape([100, 10, 50], [50, 100, 110, 110, 8], [0, 40, 50, 50, 10]);
  const cur = demoScrape([190, 20, 70], [100, 180, 210, 210, 13], [0, 50, 70, 70, 14]);

  it('computes request rate, 5xx share and latency overall', () => {
    const d = derive(prev, cur);
    const http = d.http!;
    near(http.requestRate, 12); // (90 + 10 + 20) / 10 s
    near(http.errorRate, 10 / 120);
    near(http.avgMs, 75); // (5 + 4) s over 120 observations
    near(http.p95Ms, 420); // merged buckets 50/90/120/120: rank 114 → 0.1 + 0.4 * 24/30
    assert.equal(d.intervalSeconds, 10);
  });

  it('computes the same per route and method', () => {
    const routes = derive(prev, cur).http!.routes;
    assert.deepEqual(
      routes.map((r) => `${r.method} ${r.route}`),
      ['GET /a', 'POST /b'],
    );
    const [a, bRoute] = routes;
    near(a!.requestRate, 10);
    near(a!.errorRate, 0.1);
    near(a!.avgMs, 50);
    near(a!.p50Ms, 50);
    near(a!.p95Ms, 400);
    near(bRoute!.requestRate, 2);
    near(bRoute!.errorRate, 0);
    near(bRoute!.avgMs, 200);
    near(bRoute!.p50Ms, 100);
  });

  it('handles a service restart (counter reset) like rate()', () => {
    const restarted = demoScrape([30, 0, 5], [10, 20, 20, 20, 1], [0, 5, 5, 5, 0.5]);
    const http = derive(prev, restarted).http!;
    near(http.requestRate, 3.5); // 30 + 0 + 5 new since the restart, over 10 s
    near(http.errorRate, 0);
    near(http.avgMs, 1500 / 25);
  });

  it('needs two scrapes for rates: the first round has no http section', () => {
    assert.equal(derive(undefined, cur).http, undefined);
  });

  it('ships the interval histograms for the store', () => {
    const hs = derive(prev, cur).histograms!;
    const overall = hs.find((x) => x.series === 'http.duration')!;
    assert.deepEqual(overall.buckets, [b(50, 50), b(100, 90), b(500, 120), b(Infinity, 120)]);
    assert.equal(overall.count, 120);
    near(overall.sumMs, 9000);
    assert.equal(hs.filter((x) => x.series === 'http.route.duration').length, 2);
  });
});

describe('deriveMetrics: pools, caches, queries, process', () => {
  const scrape = (acq: number, hits: number, misses: number, qCount: number, cpu: number): MetricFamily[] => [
    fam('db_pool_size', 'gauge', [s('db_pool_size', {}, 10)]),
    fam('db_pool_active', 'gauge', [s('db_pool_active', {}, 4)]),
    fam('db_pool_idle', 'gauge', [s('db_pool_idle', {}, 6)]),
    fam('db_pool_pending', 'gauge', [s('db_pool_pending', {}, 2)]),
    fam('db_pool_acquires_total', 'counter', [s('db_pool_acquires_total', {}, acq)]),
    fam(
      'db_pool_acquire_wait_seconds',
      'histogram',
      histogram(
        'db_pool_acquire_wait_seconds',
        {},
        [
          ['0.001', acq * 0.5],
          ['0.01', acq],
          ['+Inf', acq],
        ],
        acq * 0.004,
      ),
    ),
    fam('cache_hits_total', 'counter', [s('cache_hits_total', { cache: 'users' }, hits)]),
    fam('cache_misses_total', 'counter', [s('cache_misses_total', { cache: 'users' }, misses)]),
    fam('cache_size', 'gauge', [s('cache_size', { cache: 'users' }, 40)]),
    fam('cache_max_size', 'gauge', [s('cache_max_size', { cache: 'users' }, 100)]),
    fam(
      'db_query_duration_seconds',
      'histogram',
      histogram(
        'db_query_duration_seconds',
        { statement: 'listUsers', sql: 'SELECT * FROM users' },
        [
          ['0.01', qCount],
          ['+Inf', qCount],
        ],
        qCount * 0.002,
      ),
    ),
    fam('process_cpu_seconds_total', 'counter', [s('process_cpu_seconds_total', {}, cpu)]),
    fam('process_resident_memory_bytes', 'gauge', [s('process_resident_memory_bytes', {}, 50e6)]),
    fam('nodejs_heap_size_used_bytes', 'gauge', [s('nodejs_heap_size_used_bytes', {}, 20e6)]),
  ];

  it('reads the demo preset end to end', () => {
    const d = derive(scrape(100, 80, 20, 10, 1.0), scrape(200, 170, 30, 30, 1.5));
    const pool = d.pools![0]!;
    assert.deepEqual([pool.size, pool.active, pool.idle, pool.pending], [10, 4, 6, 2]);
    near(pool.acquireRate, 10);
    near(pool.acquireWaitAvgMs, 4);
    near(pool.acquireWaitP95Ms, 9.1); // rank 95 in (1 ms, 10 ms]: 1 + 9 * 45/50
    const cache = d.caches![0]!;
    assert.equal(cache.name, 'users');
    near(cache.hitRate, 0.9);
    near(cache.hitsPerSec, 9);
    assert.deepEqual([cache.size, cache.maxSize], [40, 100]);
    const q = d.queries![0]!;
    assert.deepEqual([q.query, q.statement], ['SELECT * FROM users', 'listUsers']);
    near(q.rate, 2);
    near(q.avgMs, 2);
    near(d.processCpuPercent, 5);
    assert.equal(d.processRssBytes, 50e6);
    assert.equal(d.heapUsedBytes, 20e6);
  });

  it('reports gauges already on the first round', () => {
    const d = derive(undefined, scrape(100, 80, 20, 10, 1));
    assert.equal(d.pools![0]!.size, 10);
    assert.equal(d.pools![0]!.acquireRate, undefined);
    assert.equal(d.caches![0]!.size, 40);
    assert.equal(d.queries, undefined);
  });
});

describe('quantile properties (fast-check)', () => {
  const histogramArb = fc
    .uniqueArray(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 8 })
    .chain((bounds) =>
      fc.array(fc.nat({ max: 1000 }), { minLength: bounds.length + 1, maxLength: bounds.length + 1 }).map((incs) => {
        const sorted = [...bounds].sort((a, x) => a - x);
        let cum = 0;
        return [...sorted, Infinity].map((le, i) => ({ le, count: (cum += incs[i]!) }));
      }),
    );

  it('is monotonic in q and stays within the finite bucket bounds', () => {
    // q > 0: for q = 0 over an empty first bucket Prometheus's computation divides 0 by 0 (NaN),
    // and histogramQuantile answers as it does (quantileFastPaths.test.ts pins that).
    const q = fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true });
    fc.assert(
      fc.property(histogramArb, q, q, (h, q1, q2) => {
        const total = h[h.length - 1]!.count;
        const [a, bq] = [histogramQuantile(Math.min(q1, q2), h), histogramQuantile(Math.max(q1, q2), h)];
        if (total === 0) return Number.isNaN(a) && Number.isNaN(bq);
        const finite = h.filter((x) => x.le !== Infinity).map((x) => x.le);
        const lo = Math.min(0, ...finite);
        const hi = Math.max(...finite);
        return a <= bq + 1e-9 && a >= lo - 1e-9 && bq <= hi + 1e-9;
      }),
    );
  });

  it('never reports a negative increase, whatever resets happen', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 1e6 }), { maxLength: 50 }), (vals) => counterIncrease(vals) >= 0));
  });
});
