/**
 * What the advisor needs to know about the tables a statement reads, from PostgreSQL's catalogs:
 * columns, primary keys, indexes (column order and direction), foreign keys and row estimates.
 * The shapes are the SQLite advisor's, so index advice is shared.
 */
import type { Client } from 'pg';
import type { IndexInfo, TableInfo } from '../database';
import type { SchemaLookup } from '../indexAdvice';

export interface ForeignKey {
  name: string;
  table: string;
  columns: string[];
  references: string;
}

export interface PgTableInfo extends TableInfo {
  /** The planner's row estimate (pg_class.reltuples, or live tuples when never analysed). */
  rows: number;
  foreignKeys: ForeignKey[];
}

/**
 * A table's row count as the planner sees it: pg_class.reltuples once the table was analysed
 * (PostgreSQL 14+ writes -1 before that, older servers 0), else the live tuples the statistics
 * have counted. Not the greater of the two: right after a bulk load and ANALYZE, the loading
 * session's insert counts can reach the statistics after ANALYZE set them, and the live tuples
 * then count every row twice until the next vacuum or analyse.
 */
export function tableRowEstimate(reltuples: number, liveTuples: number | undefined): number {
  const rows = reltuples > 0 ? reltuples : (liveTuples ?? 0);
  return Math.max(0, Math.round(rows));
}

export class PgSchema implements SchemaLookup {
  private readonly tables = new Map<string, PgTableInfo | null>();

  /** `client` is undefined for a schema known in advance (plans read offline, tests). */
  constructor(
    private readonly client: Client | undefined,
    known: PgTableInfo[] = [],
  ) {
    for (const t of known) this.tables.set(t.name, t);
  }

  table(name: string): PgTableInfo | undefined {
    return this.tables.get(name.toLowerCase()) ?? this.tables.get(name) ?? undefined;
  }

  rowCount(name: string): number {
    return this.table(name)?.rows ?? 0;
  }

  /** Reads the catalog entries of these tables (once each); unknown names are remembered as absent. */
  async load(names: Iterable<string>): Promise<void> {
    for (const raw of names) {
      if (this.tables.has(raw) || this.tables.has(raw.toLowerCase()) || !this.client) continue;
      const info = await this.read(raw);
      this.tables.set(raw, info);
      if (info) this.tables.set(info.name, info);
    }
  }

  private async read(name: string): Promise<PgTableInfo | null> {
    if (!this.client) return null;
    // to_regclass resolves as the statement would (search_path, quoting); never raises.
    const rel = await this.client.query<{ oid: number; relname: string; reltuples: number; live: string | null }>(
      `SELECT c.oid::int AS oid, c.relname, c.reltuples::float8 AS reltuples, s.n_live_tup::text AS live
         FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
        WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p', 'm')`,
      [name],
    );
    const r = rel.rows[0];
    if (!r) return null;
    const cols = await this.client.query<{ name: string; type: string; pk: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk
         FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [r.oid],
    );
    const idx = await this.client.query<{
      name: string;
      unique: boolean;
      partial: boolean;
      cols: string[];
      opts: string;
    }>(
      `SELECT i.relname AS name, x.indisunique AS unique, x.indpred IS NOT NULL AS partial,
              array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k) AS cols,
              x.indoption::text AS opts
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1 ORDER BY i.relname`,
      [r.oid],
    );
    const fks = await this.client.query<{ name: string; cols: string[]; ref: string }>(
      `SELECT c.conname AS name, c.confrelid::regclass::text AS ref,
              array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols
         FROM pg_constraint c WHERE c.conrelid = $1 AND c.contype = 'f' ORDER BY c.conname`,
      [r.oid],
    );
    const indexes: IndexInfo[] = idx.rows.map((ix) => {
      const opts = ix.opts.split(/\s+/).map(Number);
      return {
        name: ix.name,
        table: r.relname,
        // indoption bit 0 is DESC.
        columns: ix.cols.map((c, k) => ({ name: c.replace(/^"(.*)"$/, '$1'), desc: ((opts[k] ?? 0) & 1) === 1 })),
        unique: ix.unique,
        partial: ix.partial,
      };
    });
    return {
      name: r.relname,
      columns: cols.rows.map((c) => ({ name: c.name, type: c.type, primaryKey: c.pk })),
      indexes,
      rows: tableRowEstimate(r.reltuples, r.live === null ? undefined : Number(r.live)),
      foreignKeys: fks.rows.map((f) => ({ name: f.name, table: r.relname, columns: f.cols, references: f.ref })),
    };
  }
}
