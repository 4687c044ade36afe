/**
 * Runtime from pg_stat_statements: calls, mean and total execution time, rows. Its texts use `$n`
 * for constants and parameters; the join to statements found in source goes through the shared
 * match key, which normalises placeholders the same way on both sides.
 */
import type { Client } from 'pg';
import { sqlMatchKey } from '../placeholders';
import type { RuntimeIndex } from '../runtime';
import type { RuntimeEvidence } from '../types';

export interface PgStatRow {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

export type PgStatAvailability = { ok: true; rows: PgStatRow[] } | { ok: false; why: string };

/** PerfLens's own statements (and the session's plumbing) are not the service's workload. */
const OWN =
  /^\s*(EXPLAIN|PREPARE|DEALLOCATE|SET|SHOW|BEGIN|START|ROLLBACK|COMMIT|RESET|DISCARD)\b|\bpg_(stat_statements|extension|available_extensions|class|attribute|index|constraint|database|stat_all_tables)\b|hypopg_|to_regclass|current_setting\(/i;

/** The statements in pg_stat_statements for the current database, most total time first. */
export async function readStatStatements(client: Client, limit = 500): Promise<PgStatAvailability> {
  const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
  if (!ext.rowCount)
    return {
      ok: false,
      why: 'pg_stat_statements is not enabled in this database: add it to shared_preload_libraries (postgresql.conf, then restart) and run CREATE EXTENSION pg_stat_statements; once.',
    };
  try {
    const r = await client.query<{ query: string; calls: string; total: number; mean: number; rows: string }>(
      `SELECT query, calls::text AS calls, total_exec_time AS total, mean_exec_time AS mean, rows::text AS rows
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IS NOT NULL
        ORDER BY total_exec_time DESC LIMIT $1`,
      [limit * 2],
    );
    const rows = r.rows
      .filter((x) => !OWN.test(x.query) && x.query !== '<insufficient privilege>')
      .slice(0, limit)
      .map((x) => ({ query: x.query, calls: Number(x.calls), totalMs: x.total, meanMs: x.mean, rows: Number(x.rows) }));
    return { ok: true, rows };
  } catch (e) {
    const msg = (e as Error).message;
    return {
      ok: false,
      why: /shared_preload_libraries/.test(msg)
        ? 'pg_stat_statements is not loaded: add it to shared_preload_libraries in postgresql.conf and restart PostgreSQL.'
        : `pg_stat_statements could not be read: ${msg}`,
    };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The rows as a runtime index keyed like every other runtime source. */
export function runtimeFromStatStatements(rows: readonly PgStatRow[]): RuntimeIndex {
  const byKey = new Map<string, RuntimeEvidence>();
  for (const r of rows) {
    const key = sqlMatchKey(r.query);
    const prev = byKey.get(key);
    // The same text under several users or top-level flags adds up.
    const calls = (prev?.count ?? 0) + r.calls;
    const total = (prev?.totalMs ?? 0) + r.totalMs;
    byKey.set(key, {
      metric: 'pg_stat_statements',
      count: calls,
      avgMs: round(calls > 0 ? total / calls : 0),
      totalMs: round(total),
      rows: (prev?.rows ?? 0) + r.rows,
      labels: {},
    });
  }
  return { lookup: (sql) => byKey.get(sqlMatchKey(sql)), size: byKey.size };
}
