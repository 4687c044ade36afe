import type { IndexSuggestion, SchemaLookup } from './indexAdvice';
import { adviseIndex, indexFromConstraint, resolveColumn, resolveTableName } from './indexAdvice';
import { buildPlanTree, constraintColumns, parsePlanDetail } from './plan';
import type { ParsedSql } from './sqlParse';
import type { Finding, PlanNode, PlanRow } from './types';

export interface FindingContext {
  schema: SchemaLookup;
  rowCount(table: string): number;
  /** Tables with fewer rows than this are not worth an index (default 1000). */
  minRows?: number;
}

export const DEFAULT_MIN_ROWS = 1000;

/** SQLite reserves every table name that starts with `sqlite_` for itself. */
const INTERNAL_TABLE = /^(?:(?:main|temp)\.)?sqlite_/i;

/** Reads a plan (and the statement's text) into findings, each with a concrete suggestion. */
/** Findings without repeats, and the index advice of each table worked out once (SQLite and PostgreSQL alike). */
export function findingCollector(parsed: ParsedSql, schema: Parameters<typeof adviseIndex>[1]) {
  const findings: Finding[] = [];
  const push = (f: Finding) => {
    if (!findings.some((x) => x.kind === f.kind && x.table === f.table && x.detail === f.detail)) findings.push(f);
  };
  const advice = new Map<string, IndexSuggestion | undefined>();
  const adviceFor = (table: string) => {
    if (!advice.has(table)) advice.set(table, adviseIndex(parsed, schema, table));
    return advice.get(table);
  };
  return { findings, push, adviceFor };
}

export function findingsFor(plan: PlanRow[], parsed: ParsedSql, ctx: FindingContext): Finding[] {
  // SQLite's own tables (sqlite_schema, sqlite_sequence, sqlite_stat1…) cannot be indexed or reshaped.
  const tables = parsed.tables.filter((t) => t.kind === 'table');
  if (tables.length > 0 && tables.every((t) => INTERNAL_TABLE.test(t.name))) return [];
  const minRows = ctx.minRows ?? DEFAULT_MIN_ROWS;
  const { findings, push, adviceFor } = findingCollector(parsed, ctx.schema);
  const big = (table: string) => ctx.rowCount(table) >= minRows;
  const withIndex = (f: Finding, s: IndexSuggestion | undefined, otherwise: string): Finding => {
    if (s?.existing) {
      f.suggestion = `Index ${s.existing.name} already has these columns but SQLite did not use it: run ANALYZE so the planner has statistics, and check the comparison's types and collation match the column's.`;
    } else if (s) {
      f.suggestion = `Add an index so SQLite searches instead of reading every row: ${s.createIndex};`;
      f.createIndex = s.createIndex;
    } else f.suggestion = otherwise;
    return f;
  };

  const walk = (nodes: PlanNode[]) => {
    for (const node of nodes) {
      const step = parsePlanDetail(node.detail);
      if (step.op === 'scan' && !step.index && !step.virtual) {
        const table = resolveTableName(parsed, ctx.schema, step.name);
        if (table && big(table)) {
          const rows = ctx.rowCount(table);
          push(
            withIndex(
              {
                kind: 'full-scan',
                table,
                detail: `${node.detail}: reads all ${rows.toLocaleString('en-US')} rows of ${table} for every execution.`,
              },
              adviceFor(table),
              'The statement reads the whole table. Filter it with a WHERE on an indexed column, or add LIMIT if the code needs only some rows.',
            ),
          );
        }
      } else if (step.op === 'temp-btree') {
        const table = orderedTable(parsed, ctx, step.purpose);
        if (!table || big(table)) {
          push(
            withIndex(
              {
                kind: 'temp-btree',
                ...(table ? { table } : {}),
                detail: `${node.detail}: the rows are sorted in a temporary b-tree on every execution.`,
              },
              table ? adviceFor(table) : undefined,
              `Add an index whose columns follow the ${step.purpose.replace(/^(RIGHT PART|LAST TERM) OF /, '')} so SQLite reads rows already in order.`,
            ),
          );
        }
      } else if (step.op === 'search' && step.automatic) {
        const table = resolveTableName(parsed, ctx.schema, step.name);
        const s =
          table && step.constraint
            ? indexFromConstraint(ctx.schema, table, constraintColumns(step.constraint))
            : undefined;
        const f: Finding = {
          kind: 'automatic-index',
          detail: `${node.detail}: SQLite builds a temporary index on every execution because no index fits.`,
        };
        if (table) f.table = table;
        push(withIndex(f, s, 'Add an index on the columns in the plan’s constraint.'));
      } else if (step.op === 'subquery' && step.correlated && !answeredByIndex(node.children)) {
        const inner = firstTable(node.children, parsed, ctx);
        const f: Finding = {
          kind: 'correlated-subquery',
          detail: `${node.detail}: the subquery runs again for every row of the outer query.`,
          suggestion:
            'Rewrite it as a JOIN (or a JOIN to a GROUP BY derived table) so it runs once' +
            (inner && adviceFor(inner) && !adviceFor(inner)!.existing
              ? `, or at least index its correlated column: ${adviceFor(inner)!.createIndex};`
              : '.'),
        };
        if (inner) f.table = inner;
        const s = inner ? adviceFor(inner) : undefined;
        if (s && !s.existing) f.createIndex = s.createIndex;
        push(f);
      }
      walk(node.children);
    }
  };
  walk(buildPlanTree(plan));

  for (const f of textFindings(parsed, ctx.schema)) push(f);
  return findings;
}

/**
 * Findings read from the statement's text, whatever the database: a LIKE that starts with a
 * wildcard, and SELECT *.
 */
export function textFindings(parsed: ParsedSql, schema: SchemaLookup): Finding[] {
  const ctx = { schema };
  const out: Finding[] = [];
  for (const like of parsed.leadingWildcardLikes) {
    const col = resolveColumn(parsed, ctx.schema, like.ref);
    const f: Finding = {
      kind: 'leading-wildcard-like',
      detail: `${like.ref.qualifier ? like.ref.qualifier + '.' : ''}${like.ref.column} LIKE '${like.pattern}' starts with a wildcard, so no index can narrow the search: every row is compared.`,
      suggestion:
        "Match a prefix (LIKE 'term%') so an index can be used, or keep a full-text index (FTS5) for substring search.",
    };
    if (col) f.table = col.table;
    out.push(f);
  }
  if (parsed.selectStar && (parsed.verb === 'SELECT' || parsed.verb === 'WITH')) {
    out.push({
      kind: 'select-star',
      detail: 'SELECT * reads every column of every matched row, including ones the code may not use.',
      suggestion:
        'Name the columns the code uses: fewer bytes per row, and an index can then cover the query without reading the table.',
    });
  }
  return out;
}

/** The big table whose ORDER BY / GROUP BY the temp b-tree sorts, when the clause names one table. */
function orderedTable(parsed: ParsedSql, ctx: FindingContext, purpose: string): string | undefined {
  const lists = purpose.includes('GROUP BY') ? parsed.groupBys : purpose.includes('ORDER BY') ? parsed.orderBys : [];
  for (const list of lists) {
    if (!list || list.length === 0) continue;
    const tables = new Set(list.map((t) => resolveColumn(parsed, ctx.schema, t)?.table));
    if (tables.size === 1 && !tables.has(undefined)) return [...tables][0];
  }
  // DISTINCT (or an ORDER BY on expressions): the single real table of the statement, if there is one.
  const real = parsed.tables.filter((t) => t.kind === 'table' && ctx.schema.table(t.name));
  return real.length === 1 ? ctx.schema.table(real[0]!.name)!.name : undefined;
}

/** A correlated subquery whose every table access is an index lookup costs what a join would. */
function answeredByIndex(nodes: PlanNode[]): boolean {
  let accesses = 0;
  const ok = (list: PlanNode[]): boolean =>
    list.every((n) => {
      const step = parsePlanDetail(n.detail);
      if (step.op === 'scan' || step.op === 'temp-btree') return false;
      if (step.op === 'search') {
        accesses++;
        if (step.automatic) return false;
      }
      return ok(n.children);
    });
  return ok(nodes) && accesses > 0;
}

function firstTable(nodes: PlanNode[], parsed: ParsedSql, ctx: FindingContext): string | undefined {
  for (const n of nodes) {
    const step = parsePlanDetail(n.detail);
    if (step.op === 'scan' || step.op === 'search') {
      const t = resolveTableName(parsed, ctx.schema, step.name);
      if (t) return t;
    }
    const deeper = firstTable(n.children, parsed, ctx);
    if (deeper) return deeper;
  }
  return undefined;
}
