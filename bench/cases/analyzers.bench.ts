/**
 * Analyzer costs on realistic history sizes: the robust leak line (Theil–Sen on a strided subset
 * of at most 400 points) against the all-pairs estimator it approximates, and every analyzer over
 * an hour of 5-second snapshots (which must stay far below one collection interval).
 */
import { prng } from '../../examples/demo-service/src/random';
import { analyzeSnapshots } from '../../src/core/analyzers/analyze';
import type { Snapshot } from '../../src/core/session/types';
import { olsFit, theilSenFit } from '../../src/core/util/stats';

const MB = 1024 * 1024;

/** Two hours at 5 s: a 1.5 MB/min leak with noise and GC dips (deterministic noise). */
function memorySeries(): { xs: number[]; ys: number[] } {
  const rand = prng(42);
  const rnd = () => rand() * 2 - 1;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 1440; i++) {
    xs.push(i / 12);
    ys.push(200 + 1.5 * (i / 12) + 4 * rnd() - (i % 23 === 0 ? 20 : 0));
  }
  return { xs, ys };
}

/** One hour of 5-second snapshots with HTTP routes, a pool, a cache, queries and process stats. */
function hourOfSnapshots(): Snapshot[] {
  const out: Snapshot[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 720; i++) {
    out.push({
      targetId: 'bench',
      time: t0 + i * 5000,
      errors: [],
      intervalSeconds: 5,
      http: {
        requestRate: 100 + i * 0.05,
        errorRate: 0.01,
        avgMs: 80,
        p95Ms: 300 + (i % 50),
        routes: [
          {
            route: '/api/entities',
            method: 'GET',
            requestRate: 60,
            errorRate: 0.01,
            avgMs: 120,
            p95Ms: 1200 + (i % 40),
          },
          { route: '/api/workspaces', method: 'GET', requestRate: 40, errorRate: 0, avgMs: 20, p95Ms: 60 },
        ],
      },
      pools: [
        {
          name: 'db',
          size: 10,
          active: i % 10 === 0 ? 10 : 6,
          pending: i % 10 === 0 ? 2 : 0,
          acquireRate: 50,
          holdTimeMs: 110,
          acquireWaitP95Ms: 40,
        },
      ],
      caches: [{ name: 'entities', hitsPerSec: 70, missesPerSec: 30, evictionsPerSec: 1, size: 1000, maxSize: 1000 }],
      queries: [{ query: 'SELECT * FROM entities WHERE workspace_id = ?', rate: 60, avgMs: 90, p95Ms: 300 }],
      process: {
        pid: 1,
        cpuPercent: 40 + (i % 7),
        rssBytes: (300 + i * 0.1) * MB,
        heapUsedBytes: (120 + (i % 30)) * MB,
      },
    });
  }
  return out;
}

export const cases = [
  {
    name: 'Theil–Sen on 1440 samples, strided to 400 points',
    setup: memorySeries,
    run: ({ xs, ys }: { xs: number[]; ys: number[] }) => theilSenFit(xs, ys)!.slope,
    anchor: ({ xs, ys }: { xs: number[]; ys: number[] }) => theilSenFit(xs, ys, Infinity)!.slope,
    iterations: 200,
  },
  {
    name: 'every analyzer over 720 snapshots (1 h at 5 s)',
    setup: hourOfSnapshots,
    run: (snaps: Snapshot[]) => analyzeSnapshots(snaps).length,
  },
  {
    name: 'least-squares trend of one metric over the same hour',
    setup: hourOfSnapshots,
    run: (snaps: Snapshot[]) =>
      olsFit(
        snaps.map((s) => s.time / 1000),
        snaps.map((s) => s.process!.rssBytes),
      )!.slope,
  },
];
