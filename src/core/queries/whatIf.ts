import type { Database, SqlValue } from '../util/sqljs';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';
import type { LoadedDatabase } from './database';
import { quoteIdent } from './database';
import type { SchemaLookup } from './indexAdvice';
import { resolveColumn } from './indexAdvice';
import { explainQueryPlan } from './plan';
import { lexSql } from './sqlLexer';
import type { ParsedSql } from './sqlParse';
import type { WhatIfResult } from './types';

export interface WhatIfOptions {
  /** Timed runs for each median (after one warm-up run). Default 5. */
  runs?: number;
  /** Stop repeating once one side has taken this long in total; the median of what ran is kept. Default 3000 ms. */
  budgetMs?: number;
  /** Where time is read from; a monotonic high-resolution clock by default. */
  now?: () => number;
  /** LIMIT parameters are bound to this. Default 50. */
  limit?: number;
  /** A timing of the statement without the index already taken (several suggestions for one statement share it). */
  before?: StatementTiming;
}

export interface StatementTiming {
  medianMs: number;
  runs: number;
}

/**
 * Proves an index suggestion on a fresh in-memory copy of the database: times the statement with
 * representative parameter values, creates the index, plans and times it again. The user's file
 * is never touched; statements that write are rolled back after each run.
 */
export function whatIf(loaded: LoadedDatabase, sql: string, parsed: ParsedSql, createIndex: string, opts: WhatIfOptions = {}): Result<WhatIfResult, 'index' | 'run'> {
  const db = loaded.copy();
  try {
    const params = representativeParams(db, loaded, parsed, opts.limit ?? 50);
    let before = opts.before;
    if (!before) {
      try {
        before = timeStatement(db, sql, params, opts);
      } catch (e) {
        return fail('run', `The statement could not be run with sample values (${JSON.stringify(params)}): ${errorMessage(e)}`, e);
      }
    }
    try {
      db.run(createIndex);
    } catch (e) {
      return fail('index', `The suggested index could not be created: ${errorMessage(e)}`, e);
    }
    const planAfter = explainQueryPlan(db, sql);
    const after = timeStatement(db, sql, params, opts);
    return ok({
      index: createIndex,
      beforeMs: round(before.medianMs),
      afterMs: round(after.medianMs),
      speedup: round(before.medianMs / Math.max(after.medianMs, 1e-6)),
      planAfter: planAfter.ok ? planAfter.value : [],
      runs: Math.min(before.runs, after.runs),
      params,
    });
  } finally {
    db.close();
  }
}

function round(n: number): number {
  return n >= 100 ? Math.round(n * 10) / 10 : Math.round(n * 1000) / 1000;
}

/**
 * A value for each `?` that makes the run realistic: the most common value of a column compared
 * for equality (the heaviest case), the median of a range column, a prefix pattern for LIKE,
 * a page size for LIMIT and 0 for OFFSET.
 */
export function representativeParams(db: Database, schema: SchemaLookup, parsed: ParsedSql, limit = 50): (string | number | null)[] {
  const cache = new Map<string, string | number | null>();
  const one = (sql: string): string | number | null => {
    const v = db.exec(sql)[0]?.values[0]?.[0];
    return v === undefined || v === null || v instanceof Uint8Array ? null : (v as string | number);
  };
  return parsed.params.map((p) => {
    if (p.kind === 'limit') return limit;
    if (p.kind === 'offset') return 0;
    if (p.kind !== 'column') return null;
    const col = resolveColumn(parsed, schema, p.ref);
    if (!col) return null;
    const t = quoteIdent(col.table);
    const c = quoteIdent(col.column);
    const key = `${p.op}:${col.table}.${col.column}`;
    if (!cache.has(key)) {
      let v: string | number | null;
      if (p.op === 'range') v = one(`SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL ORDER BY ${c} LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM ${t} WHERE ${c} IS NOT NULL)`);
      else v = one(`SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY COUNT(*) DESC LIMIT 1`);
      if (p.op === 'like' && typeof v === 'string') v = `${v.slice(0, 2)}%`;
      cache.set(key, v);
    }
    return cache.get(key)!;
  });
}

const WRITE_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER']);

/** Anything that may change the copy is rolled back after each run (`WITH … DELETE` included). */
function mayWrite(sql: string): boolean {
  return lexSql(sql).tokens.some((t) => t.type === 'word' && WRITE_WORDS.has(t.value));
}

/** Times a statement on `db` with the given values: one warm-up run, then up to `runs` timed runs within the budget. */
export function timeStatement(db: Database, sql: string, params: (string | number | null)[], opts: WhatIfOptions = {}): StatementTiming {
  const now = opts.now ?? (() => performance.now());
  const runs = Math.max(1, opts.runs ?? 5);
  const budget = opts.budgetMs ?? 3000;
  const writes = mayWrite(sql);
  const stmt = db.prepare(sql);
  const once = (): number => {
    const t0 = now();
    if (writes) db.run('SAVEPOINT perflens_what_if');
    try {
      stmt.bind(params as SqlValue[]);
      while (stmt.step()) {
        // Reading every row is part of the cost being measured.
      }
      stmt.reset();
    } finally {
      if (writes) db.run('ROLLBACK TO perflens_what_if; RELEASE perflens_what_if');
    }
    return now() - t0;
  };
  try {
    // The warm-up run (page cache, prepared state, as in a running service) counts against the
    // budget; a statement slower than the whole budget is measured by that one run.
    const warm = once();
    if (warm >= budget) return { medianMs: warm, runs: 1 };
    const times: number[] = [];
    let total = warm;
    while (times.length < runs && total < budget) {
      const dt = once();
      times.push(dt);
      total += dt;
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    return { medianMs: times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2, runs: times.length };
  } finally {
    stmt.free();
  }
}
