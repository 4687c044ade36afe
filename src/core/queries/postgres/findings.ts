/**
 * Findings from a PostgreSQL plan, each with the plan's own evidence: sequential scans of big
 * tables that keep few rows (rows removed by the filter), sorts of many rows, sorts and hashes
 * that spill to disk, nested loops with many inner loops, joins on foreign keys without an index,
 * estimates off by ten times or more, and lossy bitmap heap scans. Index advice is the shared one
 * (equality columns, then range, then sort).
 */
import type { IndexSuggestion } from '../indexAdvice';
import { resolveColumn, resolveTableName } from '../indexAdvice';
import { findingCollector, textFindings } from '../findings';
import type { ParsedSql } from '../sqlParse';
import type { Finding } from '../types';
import type { PgPlanNode } from './planJson';
import { nodeDetail, walkPlan } from './planJson';
import type { PgSchema } from './schema';
import { quotePgIdent } from './sqlText';

export interface PgFindingContext {
  schema: PgSchema;
  /** Tables with fewer rows are not flagged (default 1000). */
  minRows: number;
  /** Inner loops above this count are flagged (default 1000). */
  minLoops?: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** The CREATE INDEX for PostgreSQL (identifiers quoted only when they need it). */
export function pgCreateIndex(s: IndexSuggestion): string {
  const name = `idx_${s.table}_${s.columns.map((c) => c.name).join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  return `CREATE INDEX ${quotePgIdent(name.toLowerCase())} ON ${quotePgIdent(s.table)} (${s.columns.map((c) => quotePgIdent(c.name) + (c.desc ? ' DESC' : '')).join(', ')})`;
}

export function pgFindingsFor(root: PgPlanNode, parsed: ParsedSql, ctx: PgFindingContext): Finding[] {
  const { findings, push, adviceFor } = findingCollector(parsed, ctx.schema);
  const withIndex = (f: Finding, table: string | undefined, otherwise: string, why: string): Finding => {
    const s = table ? adviceFor(table) : undefined;
    if (s?.existing)
      f.suggestion = `Index ${s.existing.name} already has these columns but the planner did not use it: run ANALYZE ${table} so it has current statistics, and check the comparison's types match the column's.`;
    else if (s) {
      f.createIndex = pgCreateIndex(s);
      f.suggestion = `Add an index so PostgreSQL ${why}: ${f.createIndex};`;
    } else f.suggestion = otherwise;
    return f;
  };
  const big = (table: string | undefined) => table !== undefined && ctx.schema.rowCount(table) >= ctx.minRows;
  const tableOf = (node: PgPlanNode) =>
    node['Relation Name']
      ? (resolveTableName(parsed, ctx.schema, node['Relation Name']) ?? node['Relation Name'])
      : undefined;
  const minLoops = ctx.minLoops ?? 1000;

  for (const { node, parent } of walkPlan(root)) {
    const type = node['Node Type'];
    const detail = nodeDetail(node);
    if (type === 'Seq Scan') {
      const table = tableOf(node);
      if (!big(table) || !node.Filter) continue;
      const total = ctx.schema.rowCount(table!);
      const removed = node['Rows Removed by Filter'];
      const kept = node['Actual Rows'] ?? node['Plan Rows'];
      // Selective: most of the table is read only to be thrown away.
      const selective = removed !== undefined ? removed > kept : kept < total / 2;
      if (!selective) continue;
      const evidence =
        removed !== undefined
          ? `${n(removed)} rows removed by the filter to keep ${n(kept)}`
          : `the planner expects ${n(kept)} of ${n(total)} rows to pass the filter ${node.Filter}`;
      push(
        withIndex(
          {
            kind: 'full-scan',
            table: table!,
            detail: `${detail}: reads all ${n(total)} rows of ${table} on every execution; ${evidence}.`,
          },
          table,
          'The filter has no column an index could search; filter on an indexed column, or add LIMIT if only some rows are needed.',
          'searches instead of reading every row',
        ),
      );
    } else if (type === 'Sort' || type === 'Incremental Sort') {
      const input = node.Plans?.[0];
      const rows = input ? (input['Actual Rows'] ?? input['Plan Rows']) : node['Plan Rows'];
      const spilled = node['Sort Space Type'] === 'Disk' || /external/i.test(node['Sort Method'] ?? '');
      if (spilled)
        push({
          kind: 'disk-spill',
          detail: `${detail}: the sort did not fit in work_mem and wrote ${node['Sort Space Used'] ?? '?'} kB to disk.`,
          suggestion:
            'Read the rows in order from an index instead of sorting them, or raise work_mem for this query (SET LOCAL work_mem) if the sort is needed.',
        });
      const table = sortTable(node, parsed, ctx);
      if (rows >= ctx.minRows || (table && big(table)))
        push(
          withIndex(
            {
              kind: 'sort',
              ...(table ? { table } : {}),
              detail: `${detail}: ${n(rows)} rows are sorted on every execution.`,
            },
            table,
            `Add an index whose columns follow the sort key (${(node['Sort Key'] ?? []).join(', ')}) so PostgreSQL reads rows already in order.`,
            'reads the rows already in order',
          ),
        );
    } else if (type === 'Hash' && (node['Hash Batches'] ?? 1) > 1) {
      push({
        kind: 'disk-spill',
        detail: `${detail}: the hash table did not fit in work_mem and was split into ${node['Hash Batches']} batches on disk.`,
        suggestion: 'Join fewer rows (filter earlier), or raise work_mem for this query (SET LOCAL work_mem).',
      });
    } else if (type === 'Nested Loop') {
      const inner = node.Plans?.[1];
      if (!inner) continue;
      const loops = inner['Actual Loops'] ?? node.Plans?.[0]?.['Plan Rows'] ?? 0;
      const innerTable = innerRelation(inner);
      const innerScan =
        innerTable &&
        /Seq Scan|Materialize/.test(
          walkPlan(inner)
            .map((x) => x.node['Node Type'])
            .join(' '),
        );
      if (loops < minLoops || !innerScan) continue;
      const table = tableOf(innerTable);
      push(
        withIndex(
          {
            kind: 'nested-loop',
            ...(table ? { table } : {}),
            detail: `${detail}: the inner side (${nodeDetail(inner).split(';')[0]}) runs ${n(loops)} times${inner['Actual Loops'] !== undefined ? '' : ' (estimated)'}, reading its table each time.`,
          },
          table,
          'Index the inner table on the join columns, or rewrite so the planner can hash or merge the join.',
          'looks up matching rows instead of scanning the inner table on each loop',
        ),
      );
    } else if (type === 'Bitmap Heap Scan' && (node['Lossy Heap Blocks'] ?? 0) > 0) {
      push({
        kind: 'lossy-bitmap',
        ...(tableOf(node) ? { table: tableOf(node)! } : {}),
        detail: `${detail}: ${n(node['Lossy Heap Blocks']!)} heap blocks were lossy, so every row in them was rechecked against ${node['Recheck Cond'] ?? 'the condition'}.`,
        suggestion: 'Raise work_mem so the bitmap stays exact, or make the condition more selective.',
      });
    }
    if (node['Actual Rows'] !== undefined && parent !== undefined) {
      const planned = Math.max(node['Plan Rows'], 1);
      const actual = Math.max(node['Actual Rows'], 1);
      const ratio = actual > planned ? actual / planned : planned / actual;
      if (ratio >= 10 && Math.max(planned, actual) >= 100)
        push({
          kind: 'estimate-error',
          ...(tableOf(node) ? { table: tableOf(node)! } : {}),
          detail: `${detail}: planned ${n(node['Plan Rows'])} rows, got ${n(node['Actual Rows'])} per loop (${ratio >= 100 ? Math.round(ratio) : ratio.toFixed(0)}× off), so the plan around it was chosen on a wrong guess.`,
          suggestion: `Run ANALYZE${tableOf(node) ? ` ${tableOf(node)}` : ''}; if it stays off, the columns are correlated: CREATE STATISTICS on them, or raise their statistics target.`,
        });
    }
  }
  for (const f of unindexedForeignKeys(parsed, ctx)) push(f);
  for (const f of textFindings(parsed, ctx.schema)) {
    if (f.kind === 'leading-wildcard-like')
      f.suggestion =
        "Match a prefix (LIKE 'term%') so a btree index can be used, or index the column with pg_trgm (GIN) for substring search.";
    push(f);
  }
  return findings;
}

/** The table a sort's key belongs to, when every key column is on one table of the statement. */
function sortTable(node: PgPlanNode, parsed: ParsedSql, ctx: PgFindingContext): string | undefined {
  const lists = [...parsed.orderBys, ...parsed.groupBys];
  for (const list of lists) {
    if (!list?.length) continue;
    const tables = new Set(list.map((t) => resolveColumn(parsed, ctx.schema, t)?.table));
    if (tables.size === 1 && !tables.has(undefined)) return [...tables][0];
  }
  const below = walkPlan(node).find((x) => x.node['Relation Name']);
  return below?.node['Relation Name'] && ctx.schema.table(below.node['Relation Name'])
    ? ctx.schema.table(below.node['Relation Name'])!.name
    : undefined;
}

function innerRelation(inner: PgPlanNode): PgPlanNode | undefined {
  return walkPlan(inner).find((x) => x.node['Relation Name'])?.node;
}

/** Joins on a foreign key whose referencing columns lead no index: each parent row searches the child table. */
function unindexedForeignKeys(parsed: ParsedSql, ctx: PgFindingContext): Finding[] {
  const out: Finding[] = [];
  for (const p of parsed.predicates) {
    if (p.op !== 'eq' || p.other !== 'column' || !p.otherColumn) continue;
    for (const [a, b] of [
      [p, p.otherColumn],
      [p.otherColumn, p],
    ] as const) {
      const col = resolveColumn(parsed, ctx.schema, a);
      const other = resolveColumn(parsed, ctx.schema, b);
      if (!col || !other) continue;
      const info = ctx.schema.table(col.table);
      const fk = info?.foreignKeys.find(
        (k) =>
          k.columns.length === 1 &&
          k.columns[0] === col.column &&
          k.references.replace(/^.*\./, '').replace(/"/g, '') === other.table,
      );
      if (!info || !fk || info.rows < ctx.minRows) continue;
      if (info.indexes.some((ix) => ix.columns[0]?.name === col.column)) continue;
      const createIndex = `CREATE INDEX ${quotePgIdent(`idx_${info.name}_${col.column}`.toLowerCase())} ON ${quotePgIdent(info.name)} (${quotePgIdent(col.column)})`;
      out.push({
        kind: 'unindexed-fk',
        table: info.name,
        detail: `The join ${col.table}.${col.column} = ${other.table}.${other.column} follows foreign key ${fk.name}, but no index starts with ${col.table}.${col.column}: finding the rows of one ${other.table} reads ${info.name} (${n(info.rows)} rows).`,
        suggestion: `Index the foreign key: ${createIndex};`,
        createIndex,
      });
    }
  }
  return out;
}
