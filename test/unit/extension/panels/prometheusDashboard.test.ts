// The dashboard's parts for Prometheus-server targets: instance rows, server alerts as text,
// and long ranges charted from the server's history (with the cache that keeps its answers).
import * as assert from 'node:assert/strict';
import type { Snapshot } from '../../../../src/core/session/types';
import type { Result } from '../../../../src/core/util/result';
import { fail, ok } from '../../../../src/core/util/result';
import type { TargetState } from '../../../../src/extension/live/liveMonitor';
import { buildDashboardData } from '../../../../src/extension/panels/dashboardData';
import { instanceRows, serverAlertRows, serviceTotals } from '../../../../src/extension/panels/prometheusRows';
import type { HistoryReader } from '../../../../src/extension/panels/serverHistory';
import { ServerHistoryCache } from '../../../../src/extension/panels/serverHistory';
import { prng } from '../../../../examples/demo-service/src/random';
import { targetState } from '../../../helpers/builders';
import { syntheticSnapshot } from '../helpers/syntheticHistory';

const ID = 'prometheus:http://127.0.0.1:9090{job="api"}';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const HOSTILE = '<img src=x onerror=alert(1)>';

function latest(): Snapshot {
  const s = syntheticSnapshot(NOW, 15, { targetId: ID }, prng(1));
  s.instances = [
    {
      instance: '10.0.0.2:8080',
      job: 'api',
      up: true,
      requestRate: 12.5,
      errorRate: 0.01,
      p95Ms: 80,
      cpuPercent: 20,
      rssBytes: 100e6,
    },
    { instance: '10.0.0.1:8080', job: 'api', up: true, requestRate: 10, errorRate: 0, p95Ms: 60 },
    { instance: HOSTILE, job: 'api', up: false },
  ];
  s.serverAlerts = [
    {
      name: 'HighLatency',
      state: 'firing',
      labels: { alertname: 'HighLatency', job: 'api', severity: 'page' },
      annotations: {},
      activeAt: NOW - 60_000,
      matchesTarget: true,
    },
    { name: HOSTILE, state: 'pending', labels: { job: 'other' }, annotations: {}, matchesTarget: false },
  ];
  return s;
}

function stateWith(s: Snapshot): TargetState {
  return targetState(s, { label: 'job="api" @ 127.0.0.1:9090' });
}

describe('dashboard for Prometheus-server targets', () => {
  it('lists instances down first, then by name, with their numbers', () => {
    const rows = instanceRows(latest());
    assert.deepEqual(
      rows.map((r) => [r.instance, r.up]),
      [
        [HOSTILE, false],
        ['10.0.0.1:8080', true],
        ['10.0.0.2:8080', true],
      ],
    );
    assert.deepEqual(rows[2], {
      instance: '10.0.0.2:8080',
      up: true,
      requestRate: 12.5,
      errorRate: 0.01,
      p95Ms: 80,
      cpuPercent: 20,
      rssBytes: 100e6,
    });
    assert.deepEqual(instanceRows(undefined), []);
  });

  it("sums the up instances' CPU and memory for the service", () => {
    const s = latest();
    delete s.process;
    assert.deepEqual(serviceTotals(s), { cpuPercent: 20, rssBytes: 100e6 });
    s.instances = s.instances!.map((i) => ({ instance: i.instance, up: i.up }));
    assert.deepEqual(serviceTotals(s), { cpuPercent: undefined, rssBytes: undefined });
    assert.equal(
      buildDashboardData({ targetId: ID, label: 'x', range: '15m', now: NOW, state: stateWith(latest()) }).summary
        .rssBytes,
      latest().process?.rssBytes,
      'a process of its own wins',
    );
  });

  it("writes the server's alerts as plain label text, this service's first", () => {
    assert.deepEqual(serverAlertRows(latest()), [
      {
        name: 'HighLatency',
        state: 'firing',
        labels: 'job=api, severity=page',
        matchesTarget: true,
        activeAt: NOW - 60_000,
      },
      { name: HOSTILE, state: 'pending', labels: 'job=other', matchesTarget: false },
    ]);
  });

  it('charts a long range from the server history, and says why when it could not be read', () => {
    const history = Array.from({ length: 288 }, (_, i) =>
      syntheticSnapshot(NOW - 86_400_000 + (i + 1) * 300_000, 300, { targetId: ID }, prng(i + 5)),
    );
    const s = latest();
    const d = buildDashboardData({
      targetId: ID,
      label: 'x',
      range: '24h',
      now: NOW,
      state: stateWith(s),
      serverHistory: { snapshots: history, stepMs: 300_000 },
    });
    assert.equal(d.resolution, 'server, 5 min steps');
    const rps = d.charts.find((c) => c.id === 'throughput')!.series[0]!.points;
    assert.equal(rps.length, 288);
    assert.deepEqual(
      rps.map((p) => p.y),
      history.map((h) => h.http!.requestRate),
    );
    assert.equal(d.instances.length, 3);
    assert.equal(d.serverAlerts.length, 2);

    const failed = buildDashboardData({
      targetId: ID,
      label: 'x',
      range: '24h',
      now: NOW,
      state: stateWith(s),
      serverHistory: { error: 'the query timed out' },
    });
    assert.equal(failed.problems[0], 'History from the Prometheus server: the query timed out');
    assert.equal(failed.resolution, 'raw (memory)');
  });

  it('keeps a server history for a minute per target and range, and never keeps a failure', async () => {
    const cache = new ServerHistoryCache(60_000);
    const answer =
      (r: Result<Snapshot[], string>): HistoryReader =>
      () =>
        Promise.resolve(r);
    const one = [syntheticSnapshot(NOW, 300, { targetId: ID }, prng(2))];
    assert.equal(cache.read(ID, '15m', NOW, answer(ok(one))), undefined, 'short ranges come from the local store');
    assert.equal(cache.read(ID, '1h', NOW, answer(ok(one))), undefined);
    // 24 hours at 10-minute steps: 144 points, under the 240 a chart needs.
    assert.deepEqual(await cache.read(ID, '24h', NOW, answer(ok(one))), { snapshots: one, stepMs: 600_000 });
    assert.deepEqual(
      await cache.read(ID, '24h', NOW + 59_000, answer(ok([]))),
      { snapshots: one, stepMs: 600_000 },
      'kept within a minute',
    );
    assert.deepEqual(
      await cache.read(ID, '30d', NOW + 59_000, answer(ok([]))),
      { snapshots: [], stepMs: 3 * 3_600_000 },
      'another range is read',
    );
    assert.deepEqual(
      await cache.read(ID, '24h', NOW + 61_000, answer(ok([]))),
      { snapshots: [], stepMs: 600_000 },
      'read again after a minute',
    );
    assert.deepEqual(await cache.read('other', '24h', NOW, answer(fail('timeout', 'slow'))), { error: 'slow' });
    assert.deepEqual(
      await cache.read('other', '24h', NOW + 1, answer(ok(one))),
      { snapshots: one, stepMs: 600_000 },
      'a failure is asked again at once',
    );
    cache.clear(ID);
    assert.deepEqual(
      await cache.read(ID, '24h', NOW + 61_500, answer(ok([]))),
      { snapshots: [], stepMs: 600_000 },
      'read again once cleared',
    );
    const notCollecting = await cache.read(ID, '30d', NOW, undefined);
    assert.ok(
      notCollecting && 'error' in notCollecting && /not being collected/.test(notCollecting.error),
      JSON.stringify(notCollecting),
    );
  });
});
