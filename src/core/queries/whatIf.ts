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
import type { PlanRow, WhatIfResult } from './types';

export interface WhatIfOptions {
  /** Timed runs on each side (after one warm-up run each). Default 5. */
  runs?: number;
  /** Stop repeating once one side has taken this long in total; the medians of what ran are kept. Default 3000 ms. */
  budgetMs?: number;
  /** Where time is read from; a monotonic high-resolution clock by default. */
  now?: () => number;
  /** LIMIT parameters are bound to this. Default 50. */
  limit?: number;
}

/**
 * An index counts as faster only when the median of its paired before/after ratios reaches this:
 * runs on a shared, busy machine differ by a few tens of percent from one to the next.
 */
export const MIN_PROVEN_SPEEDUP = 1.25;

export interface PairedTiming {
  beforeMs: number;
  afterMs: number;
  /** Median of before[i] / after[i] over the pairs. */
  speedup: number;
  /** Pairs timed. */
  runs: number;
}

/**
 * Two in-memory copies of the user's database for one statement: `base` as it is, `trial` where
 * candidate indexes are created, planned, timed against `base`, and dropped again. The user's
 * file is never touched; statements that write are rolled back after each run.
 */
export class WhatIfLab {
  readonly params: (string | number | null)[];
  private readonly base: Database;
  private readonly trial: Database;

  constructor(
    loaded: LoadedDatabase,
    private readonly sql: string,
    parsed: ParsedSql,
    private readonly opts: WhatIfOptions = {},
  ) {
    this.base = loaded.copy();
    this.trial = loaded.copy();
    try {
      this.params = representativeParams(this.base, loaded, parsed, opts.limit ?? 50);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Creates the index on the trial copy and returns the statement's plan with it. */
  tryIndex(createIndex: string): Result<PlanRow[], 'index'> {
    const before = this.indexNames();
    try {
      this.trial.run(createIndex);
    } catch (e) {
      return fail('index', `The suggested index could not be created: ${errorMessage(e)}`, e);
    }
    this.created = [...this.indexNames()].filter((n) => !before.has(n));
    const plan = explainQueryPlan(this.trial, this.sql);
    return ok(plan.ok ? plan.value : []);
  }

  /** Times the statement on both copies, alternating, so both sides see the same machine load. */
  time(): PairedTiming {
    return pairedTiming(this.base, this.trial, this.sql, this.params, this.opts);
  }

  /** Drops what the last tryIndex created. */
  undo(): void {
    for (const name of this.created) this.trial.run(`DROP INDEX ${quoteIdent(name)}`);
    this.created = [];
  }

  close(): void {
    this.base.close();
    this.trial.close();
  }

  private created: string[] = [];

  private indexNames(): Set<string> {
    return new Set(
      (this.trial.exec("SELECT name FROM sqlite_schema WHERE type = 'index'")[0]?.values ?? []).map((r) =>
        String(r[0]),
      ),
    );
  }
}

/**
 * Proves one index on fresh in-memory copies of the database: plans the statement with it and times
 * it with representative parameter values against the copy without it.
 */
export function whatIf(
  loaded: LoadedDatabase,
  sql: string,
  parsed: ParsedSql,
  createIndex: string,
  opts: WhatIfOptions = {},
): Result<WhatIfResult, 'index' | 'run'> {
  const lab = new WhatIfLab(loaded, sql, parsed, opts);
  try {
    const plan = lab.tryIndex(createIndex);
    if (!plan.ok) return plan;
    let t: PairedTiming;
    try {
      t = lab.time();
    } catch (e) {
      return fail(
        'run',
        `The statement could not be run with sample values (${JSON.stringify(lab.params)}): ${errorMessage(e)}`,
        e,
      );
    }
    return ok(whatIfResult(createIndex, plan.value, t, lab.params));
  } finally {
    lab.close();
  }
}

export function whatIfResult(
  index: string,
  planAfter: PlanRow[],
  t: PairedTiming,
  params: (string | number | null)[],
): WhatIfResult {
  return {
    index,
    beforeMs: round(t.beforeMs),
    afterMs: round(t.afterMs),
    speedup: round(t.speedup),
    planAfter,
    runs: t.runs,
    params,
  };
}

function round(n: number): number {
  return n >= 100 ? Math.round(n * 10) / 10 : Math.round(n * 1000) / 1000;
}

/**
 * A value for each `?` that makes the run realistic: the most common value of a column compared
 * for equality (the heaviest case), the median of a range column, a prefix pattern for LIKE,
 * a page size for LIMIT and 0 for OFFSET.
 */
export function representativeParams(
  db: Database,
  schema: SchemaLookup,
  parsed: ParsedSql,
  limit = 50,
): (string | number | null)[] {
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
      if (p.op === 'range')
        v = one(
          `SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL ORDER BY ${c} LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM ${t} WHERE ${c} IS NOT NULL)`,
        );
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

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs a prepared statement to its last row, rolling back what it wrote; returns how long it took. */
function runner(
  db: Database,
  sql: string,
  params: (string | number | null)[],
  now: () => number,
): { once(reps?: number): number; free(): void } {
  const writes = mayWrite(sql);
  const stmt = db.prepare(sql);
  return {
    /** Mean time of `reps` back-to-back runs. */
    once(reps = 1) {
      const t0 = now();
      for (let k = 0; k < reps; k++) {
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
      }
      return (now() - t0) / reps;
    },
    free: () => stmt.free(),
  };
}

/** A timed sample of a fast statement repeats it until it lasts about this long, so that one
 * preemption of the thread on a busy machine does not decide the sample. */
const MIN_SAMPLE_MS = 20;
const MAX_REPS = 200;

/**
 * Times a statement on `before` and `after` in alternation (ABBA order, so neither side always
 * runs first): one warm-up run each, then up to `runs` pairs while neither side has used the
 * budget. Each sample of a fast statement is the mean of enough back-to-back runs to last about
 * MIN_SAMPLE_MS. A statement slower than the whole budget is measured by its warm-up runs.
 */
export function pairedTiming(
  before: Database,
  after: Database,
  sql: string,
  params: (string | number | null)[],
  opts: WhatIfOptions = {},
): PairedTiming {
  const now = opts.now ?? (() => performance.now());
  const runs = Math.max(1, opts.runs ?? 5);
  const budget = opts.budgetMs ?? 3000;
  const a = runner(before, sql, params, now);
  let b: ReturnType<typeof runner> | undefined;
  try {
    b = runner(after, sql, params, now);
    const warmA = a.once();
    const warmB = b.once();
    const ta: number[] = [];
    const tb: number[] = [];
    if (warmA >= budget || warmB >= budget) {
      ta.push(warmA);
      tb.push(warmB);
    } else {
      const repsFor = (warm: number) =>
        Math.max(1, Math.min(MAX_REPS, Math.ceil(MIN_SAMPLE_MS / Math.max(warm, 1e-3))));
      const repsA = repsFor(warmA);
      const repsB = repsFor(warmB);
      let totalA = warmA;
      let totalB = warmB;
      while (ta.length < runs && totalA < budget && totalB < budget) {
        let x: number;
        let y: number;
        if (ta.length % 2 === 0) {
          x = a.once(repsA);
          y = b.once(repsB);
        } else {
          y = b.once(repsB);
          x = a.once(repsA);
        }
        ta.push(x);
        tb.push(y);
        totalA += x * repsA;
        totalB += y * repsB;
      }
    }
    const ratios = ta.map((x, i) => x / Math.max(tb[i]!, 1e-6));
    return { beforeMs: median(ta), afterMs: median(tb), speedup: median(ratios), runs: ta.length };
  } finally {
    a.free();
    b?.free();
  }
}
