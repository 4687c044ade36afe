/**
 * The dashboard's host side with 30 days of history loaded (the demo-shaped synthetic service at
 * the live store's density: 5 min samples before the last 2 days, 1 min until the last 6 h, 5 s
 * after; about 15,000 snapshots, 44 series): building everything the page shows for each range
 * (range queries, pool ratios, histogram-merged percentiles, forecast with its band), and the
 * serialisation postMessage does. Anchor: the bare range queries of the same 13 chart series, so
 * the ratio is what shaping, percentiles and the forecast add. The page's own render times are
 * measured in the real VS Code (test/integration/suite/dashboard.test.ts prints them).
 */
import type { HistoryStore } from '../../src/core/store';
import { openHistoryStore } from '../../src/core/store';
import { ManualClock } from '../../src/core/util/clock';
import { buildDashboardData } from '../../src/extension/panels/dashboardData';
import type { RangeId } from '../../src/shared/protocol/dashboard';
import { RANGES } from '../../src/shared/protocol/dashboard';
import { fillHistory } from '../../test/unit/extension/helpers/syntheticHistory';

const NOW = Date.UTC(2026, 10, 27, 12);
const TARGET = 'http://127.0.0.1:3100';
const CHART_SERIES: [string, Record<string, string>][] = [
  ['http.p50Ms', {}],
  ['http.p95Ms', {}],
  ['http.p99Ms', {}],
  ['http.requestRate', {}],
  ['http.errorRate', {}],
  ['process.cpuPercent', {}],
  ['process.rssBytes', {}],
  ['process.heapUsedBytes', {}],
  ['pool.active', { pool: 'db' }],
  ['pool.acquireWaitAvgMs', { pool: 'db' }],
  ['pool.acquireWaitP95Ms', { pool: 'db' }],
  ['cache.hitRate', { cache: 'entities' }],
  ['cache.hitRate', { cache: 'graph' }],
];

let built: Promise<HistoryStore> | undefined;

function store(): Promise<HistoryStore> {
  built ??= (async () => {
    const r = await openHistoryStore({ clock: new ManualClock(NOW) });
    if (!r.ok) throw new Error(r.error.message);
    const started = performance.now();
    const n = fillHistory(r.value, NOW, 30, { targetId: TARGET });
    console.log(
      `  30 days loaded: ${n} snapshots in ${(performance.now() - started).toFixed(0)} ms, rows ${JSON.stringify(r.value.counts())}`,
    );
    return r.value;
  })();
  return built;
}

function build(s: HistoryStore, range: RangeId): number {
  const d = buildDashboardData({ targetId: TARGET, label: '127.0.0.1:3100', range, now: NOW, store: s });
  return d.charts.reduce((a, c) => a + c.series.reduce((b, x) => b + x.points.length, 0), 0);
}

function queriesOnly(s: HistoryStore, range: RangeId): number {
  let n = 0;
  for (const [name, labels] of CHART_SERIES)
    n += s.query(TARGET, name, labels, NOW - RANGES[range].ms, NOW).points.length;
  return n;
}

export const cases = (['30d', '24h', '1h', '15m'] as RangeId[])
  .map((range) => ({
    name: `dashboard data for ${RANGES[range].label} of a 30-day history`,
    setup: store,
    run: (s: HistoryStore) => build(s, range),
    anchor: (s: HistoryStore) => queriesOnly(s, range),
  }))
  .concat([
    {
      name: 'dashboard message for 30 days: build and JSON-serialise (the postMessage payload)',
      setup: store,
      run: (s: HistoryStore) =>
        JSON.stringify(buildDashboardData({ targetId: TARGET, label: 'x', range: '30d', now: NOW, store: s })).length,
      anchor: (s: HistoryStore) => build(s, '30d'),
    },
  ]);
