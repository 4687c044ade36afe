/**
 * Statement runtimes measured from spans, in the query advisor's shape (RuntimeIndex): the span
 * store's per-statement rollups, keyed by the same normalisation as the workspace's statements
 * (statementKey), so a statement written with `?` finds the runs sent with their values inlined.
 */
import type { RuntimeIndex } from '../queries/runtime';
import type { RuntimeEvidence } from '../queries/types';
import type { Rollup } from './rollup';
import { statementKey } from './statementKey';

const round = (ms: number) => Math.round(ms * 100) / 100;

export function runtimeFromStatementRollups(rollups: readonly Rollup[]): RuntimeIndex {
  const byKey = new Map<string, RuntimeEvidence>();
  for (const r of rollups) {
    if (!r.count || !r.sketch.count) continue;
    const evidence: RuntimeEvidence = {
      metric: 'spans',
      count: r.count,
      avgMs: round(r.sketch.sum / r.sketch.count),
      labels: r.system ? { 'db.system': r.system } : {},
    };
    const p95 = r.sketch.quantile(0.95);
    if (p95 !== undefined) evidence.p95Ms = round(p95);
    byKey.set(r.key, evidence);
  }
  return { lookup: (sql) => byKey.get(statementKey(sql)), size: byKey.size };
}
