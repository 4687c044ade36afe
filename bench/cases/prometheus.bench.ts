/**
 * Turning Prometheus answers into snapshots for a large service: 20 instances × 10 routes, a
 * 120-point history (what `report --prometheus` reads). The anchor is JSON.parse of the API
 * bodies carrying the same answers, a cost no client can avoid: assembly should stay well below it.
 */
import type { Concept, ResolvedMapping } from '../../src/core/metrics/presets';
import { PRESETS } from '../../src/core/metrics/presets';
import { assembleSnapshot } from '../../src/core/prometheus/assemble';
import type { VectorSample } from '../../src/core/prometheus/client';
import { GROUPINGS, QUANTILES } from '../../src/core/prometheus/plan';

const demo = PRESETS.find((p) => p.id === 'demo')!;
const resolved = new Map<Concept, ResolvedMapping>(
  Object.entries(demo.mappings).map(([c, list]) => [
    c as Concept,
    { concept: c as Concept, mapping: list![0]!, presetId: 'demo', presetTitle: demo.title },
  ]),
);

const INSTANCES = Array.from({ length: 20 }, (_, i) => `10.0.0.${i + 1}:3100`);
const ROUTES = Array.from({ length: 10 }, (_, i) => `/api/route${i}`);
const POINTS = 120;
const T0 = Date.UTC(2026, 0, 1);

/** Labels of every series one query returns, by grouping of the plan's keys. */
function seriesFor(key: string): Record<string, string>[] {
  const ir = INSTANCES.flatMap((instance) => ROUTES.map((route) => ({ instance, route, method: 'GET' })));
  if (key === 'up') return INSTANCES.map((instance) => ({ instance, job: 'demo' }));
  if (key.endsWith('.r')) return ROUTES.map((route) => ({ route, method: 'GET' }));
  if (key.endsWith('.i') || key.startsWith('pool.') || key.startsWith('proc.'))
    return INSTANCES.map((instance) => ({ instance }));
  if (key.endsWith('.all')) return [{}];
  if (key.startsWith('cache.')) return INSTANCES.map((instance) => ({ instance, cache: 'entities' }));
  return ir;
}

const KEYS = [
  'up',
  'http.rate',
  'http.errors',
  'http.sum',
  'http.count',
  ...GROUPINGS.flatMap((g) => QUANTILES.map(({ field }) => `http.${field}.${g}`)),
  'pool.size',
  'pool.active',
  'pool.idle',
  'pool.pending',
  'pool.acquires',
  'pool.waitP95',
  'pool.waitSum',
  'pool.waitCount',
  'cache.hits',
  'cache.misses',
  'cache.size',
  'proc.cpu',
  'proc.rss',
];

function history(): Map<string, VectorSample[]>[] {
  const out: Map<string, VectorSample[]>[] = [];
  for (let p = 0; p < POINTS; p++) {
    const time = T0 + p * 30_000;
    out.push(
      new Map(
        KEYS.map((k) => [k, seriesFor(k).map((labels, i) => ({ labels, time, value: 1 + ((i * 7 + p) % 13) / 10 }))]),
      ),
    );
  }
  return out;
}

/** The same answers as the API's range-query bodies (one per key, matrix of 120 points). */
function apiBodies(): string[] {
  return KEYS.map((k) =>
    JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: seriesFor(k).map((metric, i) => ({
          metric,
          values: Array.from({ length: POINTS }, (_, p) => [
            (T0 + p * 30_000) / 1000,
            String(1 + ((i * 7 + p) % 13) / 10),
          ]),
        })),
      },
    }),
  );
}

export const cases = [
  {
    name: 'assemble 120-point history, 20 instances x 10 routes',
    setup: history,
    run: (points: Map<string, VectorSample[]>[]) => {
      let n = 0;
      for (const answers of points)
        n += assembleSnapshot(answers, { targetId: 'bench', time: T0, windowMs: 60_000, resolved }).instances!.length;
      return n;
    },
    anchor: 'JSON.parse the same API answers',
    iterations: 200,
  },
  {
    name: 'JSON.parse the same API answers',
    setup: apiBodies,
    run: (bodies: string[]) =>
      bodies.reduce((n, b) => n + (JSON.parse(b) as { data: { result: unknown[] } }).data.result.length, 0),
    bytes: (bodies: string[]) => bodies.reduce((n, b) => n + b.length, 0),
    iterations: 200,
  },
];
