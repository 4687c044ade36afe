/**
 * Snapshots shaped like the demo service's (three routes, a pool, two caches, process numbers,
 * health checks, latency histograms), generated deterministically over any span, to fill a
 * history store with 30 days for the dashboard's tests and its benchmark.
 */
import type { HistogramDelta, Snapshot } from '../../../../src/core/session/types';
import type { HistoryStore } from '../../../../src/core/store';
import { prng } from '../../../../examples/demo-service/src/random';
import { snapshot } from '../../../helpers/builders';

const BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Infinity];

function histogram(count: number, medianMs: number): HistogramDelta {
  // Cumulative counts of a log-normal-ish spread around the median.
  const buckets = BOUNDS_MS.map((le) => {
    const share = le === Infinity ? 1 : 1 / (1 + Math.pow(medianMs / le, 2.2));
    return { le, count: Math.round(count * share) };
  });
  return { series: 'http.duration', labels: {}, buckets, sumMs: count * medianMs * 1.2, count };
}

export interface SyntheticOptions {
  targetId: string;
  /** Label values and check names (e.g. hostile HTML) to put in the snapshot. */
  routeNames?: string[];
  checkNames?: string[];
  seed?: number;
  /** Seconds between samples in the three tiers (older than 2 days, older than 6 h, recent); default [300, 60, 5]. */
  stepsSeconds?: [number, number, number];
}

export function syntheticSnapshot(
  time: number,
  intervalSeconds: number,
  opts: SyntheticOptions,
  rnd: () => number,
): Snapshot {
  const day = Math.sin((time / 86_400_000) * 2 * Math.PI);
  const growth = 1 + ((time % (30 * 86_400_000)) / (30 * 86_400_000)) * 0.2;
  const rate = Math.max(0.5, (20 + 8 * day) * growth + rnd() * 3);
  const p50 = 18 + rnd() * 4 + 6 * day;
  const routes = (opts.routeNames ?? ['/api/workspaces', '/api/graph/entities', '/api/graph/centrality']).map(
    (route, i) => ({
      route,
      method: 'GET',
      requestRate: rate / (i + 1.5),
      errorRate: i === 2 ? 0.01 * rnd() : 0,
      p50Ms: p50 * (i + 1),
      p95Ms: p50 * (i + 1) * 2.5,
      p99Ms: p50 * (i + 1) * 4,
    }),
  );
  const count = Math.round(rate * intervalSeconds);
  return snapshot({
    targetId: opts.targetId,
    time,
    intervalSeconds,
    http: {
      requestRate: rate,
      errorRate: 0.002 * rnd(),
      p50Ms: p50,
      p95Ms: p50 * 2.6,
      p99Ms: p50 * 4.2,
      avgMs: p50 * 1.2,
      routes,
    },
    pools: [
      {
        name: 'db',
        size: 5,
        max: 5,
        active: Math.min(5, Math.round(rate / 8 + rnd() * 2)),
        idle: 2,
        pending: 0,
        acquireRate: rate,
        acquireWaitAvgMs: rnd() * 3,
        acquireWaitP95Ms: 2 + rnd() * 8,
      },
    ],
    caches: [
      {
        name: 'entities',
        hitRate: 0.82 + rnd() * 0.1,
        hitsPerSec: rate * 0.8,
        missesPerSec: rate * 0.2,
        size: 600,
        maxSize: 1000,
      },
      {
        name: 'graph',
        hitRate: 0.6 + rnd() * 0.2,
        hitsPerSec: rate * 0.3,
        missesPerSec: rate * 0.1,
        size: 40,
        maxSize: 100,
      },
    ],
    process: {
      pid: 4242,
      cpuPercent: 15 + rate * 0.8 + rnd() * 5,
      rssBytes: (120 + 10 * growth + rnd() * 4) * 1048576,
      heapUsedBytes: (60 + rnd() * 10) * 1048576,
    },
    health: {
      state: 'healthy',
      reasons: [],
      checks: (opts.checkNames ?? ['database', 'cache', 'disk_space', 'memory']).map((name) => ({
        name,
        status: 'healthy' as const,
        detail: 'ok',
      })),
    },
    histograms: count > 0 ? [histogram(count, p50)] : [],
  });
}

/** The synthetic snapshots of `days` ending at `now`, oldest first (see fillHistory for the density). */
export function* historySnapshots(now: number, days: number, opts: SyntheticOptions): Generator<Snapshot> {
  const rnd = prng(opts.seed ?? 7);
  const [old, mid, recent] = opts.stepsSeconds ?? [300, 60, 5];
  const steps: [number, number][] = [
    [now - 2 * 86_400_000, old],
    [now - 6 * 3_600_000, mid],
    [now, recent],
  ];
  let t = now - days * 86_400_000;
  for (const [until, stepS] of steps) {
    for (; t <= until; t += stepS * 1000) yield syntheticSnapshot(t, stepS, opts, rnd);
  }
}

/**
 * Fills `store` with `days` of history ending at `now`, at the density the live store keeps:
 * a sample every 5 min before the last 2 days, every minute until the last 6 hours, every 5 s after.
 * Returns how many snapshots were recorded.
 */
export function fillHistory(store: HistoryStore, now: number, days: number, opts: SyntheticOptions): number {
  let n = 0;
  for (const s of historySnapshots(now, days, opts)) {
    store.recordSnapshot(s);
    n++;
  }
  return n;
}

/** fillHistory that yields to the event loop every 500 snapshots (inside an editor's extension host). */
export async function fillHistoryAsync(
  store: HistoryStore,
  now: number,
  days: number,
  opts: SyntheticOptions,
): Promise<number> {
  let n = 0;
  for (const s of historySnapshots(now, days, opts)) {
    store.recordSnapshot(s);
    if (++n % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  return n;
}
