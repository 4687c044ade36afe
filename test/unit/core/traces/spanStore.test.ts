import * as assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/util/clock';
import { SpanStore } from '../../../../src/core/traces/spanStore';
import { LatencySketch } from '../../../../src/core/traces/sketch';
import { request } from '../../../helpers/spans';
import type { SpanRecord } from '../../../../src/core/traces/types';

const T0 = 1_700_000_000_000;

describe('span store', () => {
  let store: SpanStore;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    store = await SpanStore.open({ clock, maxSpansPerMinute: 1000, retentionMs: 600_000 });
  });
  afterEach(() => store.close());

  it('summarises each request: DB time from its query spans, own code the rest', async () => {
    store.ingest(request('/orders', T0, 100, [{ sql: 'SELECT * FROM o WHERE id = ?', ms: 10, times: 6 }]));
    await store.idle();
    const [r] = store.requests(T0 - 1, T0 + 1000);
    assert.equal(r!.route, 'GET /orders');
    assert.equal(r!.dbMs, 60);
    assert.equal(r!.codeMs, 40);
    assert.equal(r!.repetitions[0]!.count, 6);
    assert.equal(r!.repetitions[0]!.key, 'select * from o where id=?');
  });

  it('reads the older semantic-convention names the same way', async () => {
    store.ingest(
      request('/orders/17', T0, 50, [{ sql: 'SELECT 1', ms: 5, times: 2 }], { oldSemconv: true, error: true }),
    );
    await store.idle();
    const [r] = store.requests(T0 - 1, T0 + 1000);
    assert.equal(r!.route, 'GET /orders/{id}');
    assert.equal(r!.dbMs, 10);
    assert.equal(r!.error, true);
  });

  it('merges per-minute route and statement rollups into percentiles within 1 % of the exact ones', async () => {
    const durations: number[] = [];
    for (let i = 0; i < 300; i++) {
      const ms = 1 + ((i * 37) % 200);
      durations.push(ms);
      // Spread over three minutes, so the percentile comes from merged sketches.
      store.ingest(request('/a', T0 + i * 600, ms, [{ sql: 'SELECT x FROM t', ms: 0.5, times: 1 }]));
    }
    await store.idle();
    const [route] = store.rollups('route', T0, T0 + 300 * 600);
    assert.equal(route!.count, 300);
    durations.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = durations[Math.ceil(q * durations.length) - 1]!;
      const approx = route!.sketch.quantile(q)!;
      assert.ok(Math.abs(approx - exact) / exact <= 0.01, `p${q * 100}: ${approx} vs ${exact}`);
    }
    const [stmt] = store.rollups('statement', T0, T0 + 300 * 600);
    assert.equal(stmt!.count, 300);
    assert.equal(stmt!.system, 'sqlite');
  });

  it('refuses spans past the per-minute cap with the limit and the flag, and takes them again next minute', async () => {
    const spans = Array.from({ length: 150 }, (_, i) =>
      request('/a', T0 + i, 1, [{ sql: 'SELECT 1', ms: 0.1, times: 9 }]),
    ).flat();
    const r = store.ingest(spans);
    assert.equal(r.rejected, 500);
    assert.match(r.reason!, /1000 spans .*--max-spans-per-minute/);
    clock.advance(60_000);
    assert.equal(store.ingest(request('/a', T0 + 60_000, 1)).rejected, 0);
    await store.idle();
  });

  it('drops spans, requests and rollups older than the retention', async () => {
    store.ingest(request('/old', T0, 5, [{ sql: 'SELECT 1', ms: 1, times: 2 }]));
    await store.idle();
    clock.advance(700_000);
    store.ingest(request('/new', T0 + 700_000, 5));
    await store.idle();
    assert.deepEqual(
      store.requests(0, T0 + 10_000_000).map((r) => r.route),
      ['GET /new'],
    );
    assert.equal(store.count('spans'), 1);
    assert.deepEqual(
      store.rollups('route', 0, T0 + 10_000_000).map((r) => r.key),
      ['GET /new'],
    );
  });

  it('finds a trace whose spans arrived in separate batches, in start order, and no other trace', async () => {
    const [child, root] = request('/split', T0, 20, [{ sql: 'SELECT 2', ms: 3, times: 1 }]) as [SpanRecord, SpanRecord];
    store.ingest(request('/other', T0, 5));
    store.ingest([child]);
    await store.idle();
    store.ingest([root]);
    await store.idle();
    assert.deepEqual(
      store.trace(root.traceId).map((s) => s.spanId),
      [root.spanId, child.spanId],
    );
    assert.equal(store.trace(root.traceId)[1]!.attributes['db.query.text'], 'SELECT 2');
    assert.deepEqual(store.trace('0123456789abcdef0123456789abcdef'), []);
    const [r] = store.requests(T0 - 1, T0 + 1000).filter((x) => x.route === 'GET /split');
    assert.equal(r!.dbMs, 3);
  });

  it('holds in memory only the spans of requests not summarised yet', async () => {
    for (let i = 0; i < 50; i++)
      store.ingest(request(`/r${i % 5}`, T0 + i, 10, [{ sql: 'SELECT 1', ms: 1, times: 4 }]));
    await store.idle();
    assert.equal(store.pendingSpans, 0);
    const spans = request('/late', T0 + 100, 30, [{ sql: 'SELECT 3', ms: 2, times: 3 }]);
    const root = spans.pop()!;
    store.ingest(spans);
    await store.idle();
    assert.equal(store.pendingSpans, 3);
    store.ingest([root]);
    await store.idle();
    assert.equal(store.pendingSpans, 0);
    const [late] = store.requests(T0, T0 + 1000).filter((r) => r.route === 'GET /late');
    assert.equal(late!.dbMs, 6);
    assert.equal(late!.repetitions[0]!.count, 3);
  });

  it('keeps at most maxStoredSpans, the oldest batches going first', async () => {
    const small = await SpanStore.open({ clock, maxStoredSpans: 25 });
    try {
      const traces = Array.from({ length: 5 }, (_, i) =>
        request(`/b${i}`, T0 + i * 1000, 5, [{ sql: 'SELECT 1', ms: 1, times: 9 }]),
      );
      for (const t of traces) {
        small.ingest(t);
        await small.idle();
        clock.advance(11_000);
      }
      assert.equal(small.count('spans'), 20);
      assert.deepEqual(small.trace(traces[0]![0]!.traceId), []);
      assert.equal(small.trace(traces[4]![0]!.traceId).length, 10);
    } finally {
      small.close();
    }
  });

  it('stops growing its database once the retention and the stored-span cap are reached', async () => {
    // 30 batches a minute of 20 requests (100 spans); the cap holds 30 batches, the retention a minute.
    const full = await SpanStore.open({ clock, retentionMs: 60_000, maxStoredSpans: 3_000 });
    try {
      const bytesByMinute: number[] = [];
      for (let minute = 0; minute < 8; minute++) {
        for (let b = 0; b < 30; b++) {
          const now = clock.now();
          full.ingest(
            Array.from({ length: 20 }, (_, i) =>
              request(`/r${i % 5}`, now + i, 10, [{ sql: `SELECT * FROM t${i % 3} WHERE id = ?`, ms: 1, times: 4 }]),
            ).flat(),
          );
          await full.idle();
          clock.advance(2_000);
        }
        bytesByMinute.push(full.databaseBytes());
      }
      // By minute 2 the batch tables and the rollups hold a full window; after it, the pages the
      // retention and the cap free are reused (the inputs are the same every minute, so not a page more).
      const windowFull = bytesByMinute[1]!;
      assert.ok(
        Math.max(...bytesByMinute.slice(2)) <= windowFull,
        `database bytes by minute: ${bytesByMinute.join(', ')}`,
      );
      assert.ok(full.count('spans') <= 3_500, String(full.count('spans')));
    } finally {
      full.close();
    }
  });

  it('sketches survive their JSON form', () => {
    const k = new LatencySketch();
    for (let i = 1; i <= 100; i++) k.add(i);
    const back = LatencySketch.fromJSON(JSON.stringify(k));
    assert.equal(back.quantile(0.9), k.quantile(0.9));
    assert.equal(back.count, 100);
  });
});
