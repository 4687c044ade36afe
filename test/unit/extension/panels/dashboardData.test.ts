import * as assert from 'node:assert/strict';
import type { HistoryStore } from '../../../../src/core/store';
import { openHistoryStore } from '../../../../src/core/store';
import { ManualClock } from '../../../../src/core/util/clock';
import type { TargetState } from '../../../../src/extension/live/liveMonitor';
import { buildDashboardData } from '../../../../src/extension/panels/dashboardData';
import { prng } from '../../../../examples/demo-service/src/random';
import { targetState } from '../../../helpers/builders';
import { fillHistory, syntheticSnapshot } from '../helpers/syntheticHistory';

const ID = 'http://127.0.0.1:3100';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function stateFrom(store: HistoryStore | undefined, window = 60): TargetState {
  const rnd = prng(3);
  const snaps = Array.from({ length: window }, (_, i) =>
    syntheticSnapshot(NOW - (window - 1 - i) * 5000, 5, { targetId: ID }, rnd),
  );
  const latest = snaps[snaps.length - 1]!;
  void store;
  return targetState(latest, { label: '127.0.0.1:3100', window: snaps });
}

describe('buildDashboardData', function () {
  this.timeout(30_000);
  let store: HistoryStore;

  before(async () => {
    const r = await openHistoryStore({ clock: new ManualClock(NOW) });
    assert.ok(r.ok);
    store = r.value;
    // Coarser than the live density (the benchmark uses that): same tables and resolutions, a second of set-up.
    fillHistory(store, NOW, 30, { targetId: ID, stepsSeconds: [1800, 300, 30] });
  });

  after(async () => {
    await store.close();
  });

  it('reads each range at the resolution its span needs: raw, 1-minute and hourly rollups', () => {
    const state = stateFrom(store);
    const res = (range: '15m' | '1h' | '24h' | '30d') =>
      buildDashboardData({ targetId: ID, label: 'x', range, now: NOW, state, store });
    const m15 = res('15m');
    assert.equal(m15.resolution, 'raw');
    assert.equal(m15.charts.find((c) => c.id === 'throughput')!.series[0]!.points.length, 31);
    assert.equal(res('24h').resolution, '1m');
    const d30 = res('30d');
    assert.equal(d30.resolution, '1h');
    const rps = d30.charts.find((c) => c.id === 'throughput')!.series[0]!.points;
    assert.ok(rps.length >= 720 && rps.length <= 722, `${rps.length} hourly points`);
    assert.ok(
      rps.every((p, i) => i === 0 || p.x > rps[i - 1]!.x),
      'time ascending',
    );
    assert.ok(rps[0]!.x >= d30.from - 3_600_000 && rps[rps.length - 1]!.x <= NOW);
  });

  it('fills every chart, computes pool utilisation as active over max, and names pools and caches by their labels', () => {
    const d = buildDashboardData({ targetId: ID, label: 'x', range: '1h', now: NOW, state: stateFrom(store), store });
    assert.deepEqual(
      d.charts.map((c) => [c.id, c.series.map((s) => s.label)]),
      [
        ['latency', ['p50', 'p95', 'p99']],
        ['throughput', ['req/s']],
        ['errors', ['errors']],
        ['cpu', ['process']],
        ['memory', ['resident (RSS)', 'heap used']],
        ['pool', ['db']],
        ['poolWait', ['db avg', 'db p95']],
        ['cache', ['entities', 'graph']],
      ],
    );
    const util = d.charts.find((c) => c.id === 'pool')!.series[0]!.points;
    assert.ok(util.length > 0 && util.every((p) => p.y >= 0 && p.y <= 1));
  });

  it('takes range percentiles from merged histogram buckets, routes and checks from the latest snapshot', () => {
    const d = buildDashboardData({ targetId: ID, label: 'x', range: '24h', now: NOW, state: stateFrom(store), store });
    assert.equal(d.summary.latencySource, 'histograms');
    assert.ok(d.summary.p50Ms! < d.summary.p95Ms! && d.summary.p95Ms! <= d.summary.p99Ms!);
    assert.deepEqual(
      d.routes.map((r) => r.route),
      ['/api/workspaces', '/api/graph/entities', '/api/graph/centrality'],
    );
    assert.deepEqual(
      d.checks.map((c) => c.name),
      ['database', 'cache', 'disk_space', 'memory'],
    );
    assert.equal(d.level, 'healthy');
  });

  it('forecasts 30 days ahead from the whole history, whatever the range, with a band that widens away from the data', () => {
    const d = buildDashboardData({ targetId: ID, label: 'x', range: '15m', now: NOW, state: stateFrom(store), store });
    const fc = d.forecast!;
    assert.ok(fc, 'forecast present');
    assert.ok(fc.history[0]!.x <= NOW - 29 * 86_400_000, 'fitted on the 30 days kept, not the 15 minutes shown');
    assert.equal(fc.days, 30);
    assert.ok(fc.projection.atMs > NOW + 29 * 86_400_000);
    assert.ok(fc.projection.lower <= fc.projection.value && fc.projection.value <= fc.projection.upper);
    const width = (i: number) => fc.upper[i]!.y - fc.lower[i]!.y;
    assert.ok(width(fc.upper.length - 1) > width(0), 'band widens');
    // The synthetic load grows 20 % over 30 days: the fit must say it rises.
    assert.ok(fc.growth > 0, `growth ${fc.growth}`);
  });

  it('works without a store, from the live window in memory', () => {
    const d = buildDashboardData({ targetId: ID, label: 'x', range: '15m', now: NOW, state: stateFrom(undefined, 30) });
    assert.equal(d.resolution, 'raw (memory)');
    assert.equal(d.charts.find((c) => c.id === 'throughput')!.series[0]!.points.length, 30);
    assert.equal(d.summary.latencySource, 'latest');
    assert.equal(d.forecast, undefined, 'two and a half minutes are too little to project 30 days');
    const hour = buildDashboardData({
      targetId: ID,
      label: 'x',
      range: '1h',
      now: NOW,
      state: stateFrom(undefined, 720),
    });
    assert.ok(hour.forecast && hour.forecast.history.length === 720);
  });
});
