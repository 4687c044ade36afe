import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openHistoryStore } from '../../../../src/core/store';
import type { HistoryStore } from '../../../../src/core/store';
import type { Snapshot } from '../../../../src/core/session/types';
import { ManualClock } from '../../../../src/core/util/clock';
import { histogram, snapshot as baseSnapshot } from '../../../helpers/builders';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

async function open(opts: Parameters<typeof openHistoryStore>[0] = {}): Promise<HistoryStore> {
  const r = await openHistoryStore(opts);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.value;
}

function snapshot(time: number, p95: number, fast: number, slow: number): Snapshot {
  return baseSnapshot({
    targetId: 'svc',
    time,
    http: {
      requestRate: 10,
      errorRate: 0,
      p95Ms: p95,
      routes: [{ route: '/a', method: 'GET', requestRate: 10, errorRate: 0, p95Ms: p95 }],
    },
    health: { state: 'healthy', reasons: [], checks: [], latencyMs: 3 },
    histograms: [
      histogram(
        [
          [10, fast],
          [100, fast + slow],
          [Infinity, fast + slow],
        ],
        { sumMs: fast * 5 + slow * 50 },
      ),
    ],
  });
}

describe('HistoryStore', () => {
  let dir: string;
  let store: HistoryStore | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-history-'));
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps raw samples and rolls them up into 1 min and 1 h min/max/avg/count', async () => {
    const clock = new ManualClock(T0);
    store = await open({ clock });
    for (let i = 0; i < 24; i++) {
      // 2 minutes of 5 s samples: 0..11 then 100..111
      store.recordValue('svc', 'x', {}, T0 + i * 5000, i < 12 ? i : 100 + (i - 12));
      clock.advance(5000);
    }
    const raw = store.query('svc', 'x', {}, T0, T0 + 2 * MIN, { resolution: 'raw' });
    assert.equal(raw.points.length, 24);
    const minute = store.query('svc', 'x', {}, T0, T0 + 2 * MIN, { resolution: '1m' });
    assert.deepEqual(minute.points, [
      { t: T0, min: 0, max: 11, avg: 5.5, count: 12 },
      { t: T0 + MIN, min: 100, max: 111, avg: 105.5, count: 12 },
    ]);
    const hour = store.query('svc', 'x', {}, T0, T0 + HOUR, { resolution: '1h' });
    assert.deepEqual(hour.points, [{ t: T0, min: 0, max: 111, avg: 55.5, count: 24 }]);
  });

  it('chooses raw, 1 min or 1 h by the range a chart asks for', async () => {
    const clock = new ManualClock(T0 + 10 * 24 * HOUR);
    store = await open({ clock });
    const now = clock.now();
    assert.equal(store.chooseResolution(now - HOUR, now), 'raw');
    assert.equal(store.chooseResolution(now - 24 * HOUR, now), '1m');
    assert.equal(store.chooseResolution(now - 7 * 24 * HOUR, now), '1h');
    assert.equal(store.chooseResolution(now - 10 * HOUR, now - 9 * HOUR), '1m', 'older than the raw window');
  });

  it('merges histogram buckets so a percentile over a long range is exact', async () => {
    const clock = new ManualClock(T0);
    store = await open({ clock });
    // 59 quiet minutes (all fast) and one slow minute: the hour's p95 comes from all the buckets.
    for (let m = 0; m < 60; m++) {
      for (let k = 0; k < 12; k++) {
        store.recordSnapshot(
          snapshot(T0 + m * MIN + k * 5000, m === 59 ? 90 : 9, m === 59 ? 0 : 100, m === 59 ? 100 : 0),
        );
        clock.advance(5000);
      }
    }
    for (const resolution of ['raw', '1m', '1h'] as const) {
      const l = store.latency('svc', 'http.duration', {}, T0, T0 + HOUR - 1, { resolution });
      assert.equal(l.count, 60 * 12 * 100, resolution);
      // 70,800 fast (<= 10 ms) and 1,200 slow (10..100 ms): rank 0.95·72,000 = 68,400 is in the first bucket.
      assert.ok(Math.abs(l.p95Ms! - (10 * 68_400) / 70_800) < 1e-9, `${resolution}: ${l.p95Ms}`);
      // p99: rank 71,280 is 480 into the 1,200 slow ones → 10 + 90 · 0.4.
      assert.ok(Math.abs(l.p99Ms! - 46) < 1e-9, `${resolution}: ${l.p99Ms}`);
    }
    // Averaging per-minute p95s would say something quite different: the hour row keeps the max.
    const p95Series = store.query('svc', 'http.p95Ms', {}, T0, T0 + HOUR - 1, { resolution: '1h' });
    assert.equal(p95Series.points[0]!.max, 90);
    assert.ok(store.series('svc').some((s) => s.name === 'http.route.p95Ms' && s.labels.route === '/a'));
  });

  it('merges histograms whose bucket layout changed (a redeploy with new buckets)', async () => {
    const clock = new ManualClock(T0);
    store = await open({ clock });
    const h = (buckets: [number, number][], sumMs: number) => histogram(buckets, { sumMs });
    store.recordHistogram(
      'svc',
      h(
        [
          [10, 4],
          [100, 10],
          [Infinity, 10],
        ],
        300,
      ),
      T0,
    );
    store.recordHistogram(
      'svc',
      h(
        [
          [50, 10],
          [Infinity, 10],
        ],
        200,
      ),
      T0 + 5000,
    );
    const l = store.latency('svc', 'http.duration', {}, T0, T0 + MIN, { resolution: '1m' });
    assert.equal(l.count, 20);
    assert.equal(l.avgMs, 25);
    // Union bounds 10/50/100/+Inf with counts 4/(4+10)/(10+10)/20: rank 10 lies in (10, 50] → 10 + 40 · 6/10.
    assert.ok(Math.abs(l.p50Ms! - 34) < 1e-9, String(l.p50Ms));
  });

  it('drops data past each window: raw after hours, 1 min after days, 1 h after the retention', async () => {
    const clock = new ManualClock(T0);
    store = await open({ clock, rawRetentionHours: 1, minuteRetentionHours: 3, retentionDays: 1 });
    store.recordValue('svc', 'x', {}, T0, 1);
    store.recordAlertEvent({
      targetId: 'svc',
      time: T0,
      rule: 'r',
      severity: 'warning',
      state: 'firing',
      message: 'm',
    });
    store.query('svc', 'x', {}, T0, T0 + 1); // flushes open buckets
    const at = (h: number) => {
      clock.advance(h * HOUR);
      store!.applyRetention();
      return store!.counts();
    };
    assert.deepEqual(at(0), { series: 1, raw: 1, minute: 1, hour: 1, alerts: 1 });
    assert.deepEqual(at(2), { series: 1, raw: 0, minute: 1, hour: 1, alerts: 1 });
    assert.deepEqual(at(2), { series: 1, raw: 0, minute: 0, hour: 1, alerts: 1 });
    assert.deepEqual(at(21), { series: 1, raw: 0, minute: 0, hour: 0, alerts: 0 });
  });

  it('keeps an alert history, newest first, filterable', async () => {
    store = await open({ clock: new ManualClock(T0) });
    store.recordAlertEvent({
      targetId: 'svc',
      time: T0,
      rule: 'http.p95',
      severity: 'warning',
      state: 'firing',
      message: 'p95 420 ms over 300 ms',
      value: 420,
      threshold: 300,
    });
    store.recordAlertEvent({
      targetId: 'svc',
      time: T0 + MIN,
      rule: 'http.p95',
      severity: 'warning',
      state: 'resolved',
      message: 'p95 back to 120 ms',
      data: { snoozed: false },
    });
    store.recordAlertEvent({
      targetId: 'other',
      time: T0 + 2 * MIN,
      rule: 'pool.saturation',
      severity: 'critical',
      state: 'firing',
      message: 'pool full',
    });
    const all = store.alertHistory();
    assert.deepEqual(
      all.map((e) => e.state),
      ['firing', 'resolved', 'firing'],
    );
    assert.equal(all[2]!.value, 420);
    assert.deepEqual(all[1]!.data, { snoozed: false });
    assert.deepEqual(
      store.alertHistory({ targetId: 'svc', from: T0 + 1 }).map((e) => e.message),
      ['p95 back to 120 ms'],
    );
    assert.equal(store.alertHistory({ limit: 1 })[0]!.rule, 'pool.saturation');
  });

  it('persists atomically, debounced, and reads its own file back', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'sub', 'history.sqlite');
    store = await open({ clock, file, persistDebounceMs: 10_000 });
    store.recordSnapshot(snapshot(T0, 12, 10, 0));
    assert.equal(fs.existsSync(file), false, 'not written before the debounce');
    clock.advance(9_999);
    assert.equal(fs.existsSync(file), false);
    clock.advance(1);
    await store.persistNow(); // waits for the save the timer started
    assert.ok(fs.existsSync(file));
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['history.sqlite'], 'no temp file left behind');
    store.recordAlertEvent({
      targetId: 'svc',
      time: T0,
      rule: 'r',
      severity: 'info',
      state: 'firing',
      message: 'kept',
    });
    await store.close();
    store = await open({ clock, file });
    assert.equal(store.movedAside, undefined);
    assert.equal(store.query('svc', 'http.p95Ms', {}, T0 - 1, T0 + 1, { resolution: 'raw' }).points[0]!.avg, 12);
    assert.equal(store.alertHistory()[0]!.message, 'kept');
    assert.equal(store.latency('svc', 'http.duration', {}, T0 - 1, T0 + 1, { resolution: '1m' }).count, 10);
  });

  it('moves a corrupt file aside, reports it, and starts a new history', async () => {
    const clock = new ManualClock(T0);
    const file = path.join(dir, 'history.sqlite');
    store = await open({ clock, file });
    store.recordValue('svc', 'x', {}, T0, 1);
    await store.close();
    // Damage the file the way a crash or a bad copy would: keep the header, scramble the pages.
    const bytes = fs.readFileSync(file);
    for (let i = 100; i < bytes.length; i += 7) bytes[i] = 0xa5;
    fs.writeFileSync(file, bytes);
    store = await open({ clock, file });
    assert.ok(store.movedAside, 'reported');
    assert.match(store.movedAside.reason, /could not be used/);
    assert.equal(store.movedAside.movedTo, `${file}.corrupt-2026-11-01T00-00-00-000Z`);
    assert.deepEqual(fs.readFileSync(store.movedAside.movedTo), bytes, 'the damaged file is kept as it was');
    assert.deepEqual(store.counts().series, 0);
  });
});
