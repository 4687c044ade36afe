/**
 * Plans of statements on PostgreSQL, never the statements themselves (unless the user consented
 * to ANALYZE, which runs inside a transaction that is rolled back, in a session that is read-only).
 *
 * Statements from source have parameters with no values. PostgreSQL 15 has no EXPLAIN
 * (GENERIC_PLAN) (16 added it), and a custom plan for NULL values is useless (`col = NULL` folds
 * to false). So each statement is PREPAREd and explained with plan_cache_mode =
 * force_generic_plan: the plan a prepared statement gets for any values, with the parameter
 * types inferred from the statement. Each explain PREPAREs afresh (a new name), so a plan is never
 * a cached one made before a hypothetical index existed.
 */
import type { Client } from 'pg';
import type { PgExplain } from './planJson';
import { readExplainJson } from './planJson';

let counter = 0;

/** Session settings for generic plans; run once per session. */
export async function prepareSessionForPlans(client: Client): Promise<void> {
  await client.query('SET plan_cache_mode = force_generic_plan');
}

export interface ExplainOptions {
  /** Run the statement (EXPLAIN ANALYZE, BUFFERS) inside a transaction that is rolled back. */
  analyze?: boolean;
}

/** EXPLAIN (FORMAT JSON) of a `$n` statement with `count` parameters, as a generic plan. */
export async function explainGeneric(
  client: Client,
  sql: string,
  count: number,
  opts: ExplainOptions = {},
): Promise<PgExplain> {
  const name = `perflens_${process.pid}_${++counter}`;
  await client.query(`PREPARE ${name} AS ${sql}`);
  try {
    const args = count > 0 ? `(${Array.from({ length: count }, () => 'NULL').join(', ')})` : '';
    if (!opts.analyze) {
      const r = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${args}`);
      return readExplainJson(r.rows[0]?.['QUERY PLAN']);
    }
    // ANALYZE executes: a read-only transaction, always rolled back, whatever happens.
    await client.query('BEGIN TRANSACTION READ ONLY');
    try {
      const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${name}${args}`);
      return readExplainJson(r.rows[0]?.['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    await client.query(`DEALLOCATE ${name}`).catch(() => undefined);
  }
}

/** Statements PREPARE accepts; the rest (DDL, SET, COPY…) cannot be planned. */
export function plannable(sql: string): boolean {
  return /^\s*(\(\s*)*(SELECT|WITH|INSERT|UPDATE|DELETE|VALUES|TABLE|MERGE)\b/i.test(sql);
}
