import type { Database } from '../util/sqljs';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';
import type { PlanNode, PlanRow } from './types';

/** Runs EXPLAIN QUERY PLAN (never the statement itself). A statement that does not prepare is a failure value. */
export function explainQueryPlan(db: Database, sql: string): Result<PlanRow[], 'prepare'> {
  let stmt;
  try {
    stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  } catch (e) {
    return fail('prepare', errorMessage(e).replace(/^Error: /, ''), e);
  }
  try {
    const rows: PlanRow[] = [];
    while (stmt.step()) {
      const [id, parent, , detail] = stmt.get() as [number, number, number, string];
      rows.push({ id: Number(id), parent: Number(parent), detail: String(detail) });
    }
    return ok(rows);
  } catch (e) {
    return fail('prepare', errorMessage(e), e);
  } finally {
    stmt.free();
  }
}

/** Rows → tree by parent id (rows come parent-first from SQLite). */
export function buildPlanTree(rows: PlanRow[]): PlanNode[] {
  const nodes = new Map<number, PlanNode>();
  const roots: PlanNode[] = [];
  for (const r of rows) {
    const node: PlanNode = { ...r, children: [] };
    nodes.set(r.id, node);
    const parent = nodes.get(r.parent);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The plan as indented lines, the way the sqlite3 shell prints it. */
export function formatPlan(rows: PlanRow[]): string[] {
  const lines: string[] = [];
  const walk = (nodes: PlanNode[], depth: number) => {
    for (const n of nodes) {
      lines.push(`${'  '.repeat(depth)}${n.detail}`);
      walk(n.children, depth + 1);
    }
  };
  walk(buildPlanTree(rows), 0);
  return lines;
}

export type PlanStep =
  | { op: 'scan'; name: string; index?: string; covering: boolean; virtual: boolean }
  | { op: 'scan-constant' }
  | {
      op: 'search';
      name: string;
      index?: string;
      automatic: boolean;
      covering: boolean;
      primaryKey: boolean;
      constraint?: string;
    }
  | { op: 'temp-btree'; purpose: string }
  | { op: 'subquery'; correlated: boolean; kind: string }
  | { op: 'coroutine' | 'materialize'; name: string }
  | { op: 'bloom-filter'; name: string; constraint?: string }
  | { op: 'other' };

const ACCESS = /^(SCAN|SEARCH) (?:TABLE )?((?:\(subquery-\d+\))|(?:"[^"]+")|\S+)(?: AS (\S+))?(.*)$/;

/** Reads one plan row's detail text (SQLite 3.3x–3.4x wording, as pinned by sql.js). */
export function parsePlanDetail(detail: string): PlanStep {
  if (detail === 'SCAN CONSTANT ROW') return { op: 'scan-constant' };
  const temp = /^USE TEMP B-TREE FOR (.+)$/.exec(detail);
  if (temp) return { op: 'temp-btree', purpose: temp[1]! };
  const sub = /^(CORRELATED )?(SCALAR|LIST) SUBQUERY/.exec(detail);
  if (sub) return { op: 'subquery', correlated: Boolean(sub[1]), kind: sub[2]! };
  const co = /^(CO-ROUTINE|MATERIALIZE) (.+)$/.exec(detail);
  if (co) return { op: co[1] === 'CO-ROUTINE' ? 'coroutine' : 'materialize', name: unquote(co[2]!) };
  const bloom = /^BLOOM FILTER ON (\S+)(?: \((.*)\))?$/.exec(detail);
  if (bloom) return { op: 'bloom-filter', name: unquote(bloom[1]!), constraint: bloom[2] };
  const m = ACCESS.exec(detail);
  if (!m) return { op: 'other' };
  const name = unquote(m[3] ?? m[2]!);
  const rest = m[4] ?? '';
  const index = /USING (?:AUTOMATIC )?(?:PARTIAL )?(?:COVERING )?INDEX (?!\()(\S+)/.exec(rest)?.[1];
  const covering = /COVERING INDEX/.test(rest);
  if (m[1] === 'SCAN') {
    const step: PlanStep = { op: 'scan', name, covering, virtual: /VIRTUAL TABLE/.test(rest) };
    if (index) step.index = index;
    return step;
  }
  const constraint = /\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(rest)?.[1];
  const step: PlanStep = {
    op: 'search',
    name,
    automatic: /AUTOMATIC/.test(rest),
    covering,
    primaryKey: /PRIMARY KEY|ROWID/.test(rest),
  };
  if (index) step.index = index;
  if (constraint !== undefined) step.constraint = constraint;
  return step;
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}

/** Column names of a plan constraint like `(workspace_id=? AND degree>?)`, in order, with their operator. */
export function constraintColumns(constraint: string): { column: string; op: string }[] {
  const out: { column: string; op: string }[] = [];
  for (const part of constraint.split(/\s+AND\s+/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*|"[^"]+")\s*(=|>|<|>=|<=)/.exec(part.trim());
    if (m && m[1] !== 'rowid') out.push({ column: unquote(m[1]!), op: m[2]! });
  }
  return out;
}
