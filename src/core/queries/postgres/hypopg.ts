/**
 * Index advice proven with HypoPG: the suggested index is created hypothetically (in this
 * backend's memory only: no catalog row, no file, no lock; it works in a read-only session), the
 * statement is planned again, and the advice stands only when the planner uses the index and
 * the plan's cost falls. Every hypothetical index is dropped right after (hypopg_reset).
 */
import type { Client } from 'pg';
import type { Finding, HypoWhatIfResult } from '../types';
import { explainGeneric } from './explain';
import { indexesUsed, pgPlanRows } from './planJson';

export type HypoAvailability = { ok: true; version: string } | { ok: false; why: string };

/** Whether HypoPG can be used in this database, or what the user should do to use it. */
export async function hypopgAvailability(client: Client): Promise<HypoAvailability> {
  const installed = await client.query<{ v: string }>(
    "SELECT extversion AS v FROM pg_extension WHERE extname = 'hypopg'",
  );
  if (installed.rows[0]) return { ok: true, version: installed.rows[0].v };
  const available = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
  return {
    ok: false,
    why: available.rowCount
      ? 'HypoPG is installed on the server but not enabled in this database: run CREATE EXTENSION hypopg; once as a user who may (PerfLens only reads your database).'
      : 'HypoPG is not installed on the server: install it (Debian/Ubuntu: apt-get install postgresql-15-hypopg), run CREATE EXTENSION hypopg; in this database, then run the what-if again.',
  };
}

/** How to prove an index by hand, for advice left unproven. */
export function unprovenNote(why: string): string {
  return `Unproven: ${why}`;
}

/**
 * Proves each distinct CREATE INDEX among the findings. Findings whose index does not improve the
 * plan lose the index advice (with the reason); proven ones get `whatIf`.
 */
export async function proveWithHypopg(
  client: Client,
  sql: string,
  count: number,
  costBefore: number,
  findings: Finding[],
): Promise<void> {
  const results = new Map<string, HypoWhatIfResult | string>();
  for (const f of findings) {
    if (!f.createIndex || results.has(f.createIndex)) continue;
    results.set(f.createIndex, await tryIndex(client, sql, count, costBefore, f.createIndex));
  }
  for (const f of findings) {
    if (!f.createIndex) continue;
    const r = results.get(f.createIndex)!;
    if (typeof r === 'string') {
      f.suggestion = `No index was found that improves this plan (${r}).`;
      delete f.createIndex;
    } else {
      f.whatIf = r;
      f.suggestion =
        `${f.suggestion ?? ''} Proven with HypoPG: plan cost ${r.costBefore.toFixed(0)} → ${r.costAfter.toFixed(0)} (${r.costRatio.toFixed(1)}× cheaper), the planner uses the index.`.trim();
    }
  }
}

async function tryIndex(
  client: Client,
  sql: string,
  count: number,
  costBefore: number,
  createIndex: string,
): Promise<HypoWhatIfResult | string> {
  const made = await client.query<{ indexname: string }>('SELECT indexname FROM hypopg_create_index($1)', [
    createIndex,
  ]);
  try {
    const name = made.rows[0]?.indexname;
    if (!name) return 'HypoPG did not create the hypothetical index';
    const after = await explainGeneric(client, sql, count);
    const used = indexesUsed(after.Plan).find((ix) => ix === name);
    const costAfter = after.Plan['Total Cost'];
    if (!used) return `with ${createIndex} made hypothetical, the planner did not use it`;
    if (!(costAfter < costBefore))
      return `with ${createIndex} made hypothetical, the plan cost went from ${costBefore.toFixed(0)} to ${costAfter.toFixed(0)}`;
    return {
      method: 'hypopg',
      index: createIndex,
      costBefore,
      costAfter,
      costRatio: costBefore / Math.max(costAfter, 0.01),
      indexUsed: used,
      plan: pgPlanRows(after.Plan),
    };
  } finally {
    await client.query('SELECT hypopg_reset()');
  }
}
