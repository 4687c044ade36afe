/**
 * PostgreSQL's EXPLAIN (FORMAT JSON) output: the node fields PerfLens reads, the tree walk, and
 * the plan as rows ({id, parent, detail}) so reports, the CLI and the editor show it the same way
 * they show a SQLite plan.
 */
import type { PlanRow } from '../types';

/** One plan node (the fields PerfLens reads; EXPLAIN prints more). */
export interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  'Join Type'?: string;
  'Startup Cost': number;
  'Total Cost': number;
  'Plan Rows': number;
  'Plan Width'?: number;
  Filter?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  'Sort Key'?: string[];
  'Group Key'?: string[];
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Sort Method'?: string;
  'Sort Space Used'?: number;
  'Sort Space Type'?: string;
  'Hash Batches'?: number;
  'Original Hash Batches'?: number;
  'Peak Memory Usage'?: number;
  'Exact Heap Blocks'?: number;
  'Lossy Heap Blocks'?: number;
  'Temp Written Blocks'?: number;
  Plans?: PgPlanNode[];
}

export interface PgExplain {
  Plan: PgPlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

/** Reads the single row EXPLAIN (FORMAT JSON) returns (pg hands it back parsed, or as text). */
export function readExplainJson(value: unknown): PgExplain {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  const plan = (first as { Plan?: unknown } | undefined)?.Plan;
  if (!plan || typeof plan !== 'object' || typeof (plan as PgPlanNode)['Node Type'] !== 'string')
    throw new Error('EXPLAIN (FORMAT JSON) returned no plan.');
  return first as PgExplain;
}

/** Every node, parents before children, with its parent and depth. */
export function walkPlan(root: PgPlanNode): { node: PgPlanNode; parent?: PgPlanNode; depth: number }[] {
  const out: { node: PgPlanNode; parent?: PgPlanNode; depth: number }[] = [];
  const visit = (node: PgPlanNode, parent: PgPlanNode | undefined, depth: number) => {
    out.push(parent ? { node, parent, depth } : { node, depth });
    for (const c of node.Plans ?? []) visit(c, node, depth + 1);
  };
  visit(root, undefined, 0);
  return out;
}

const fmtCost = (n: number) => n.toFixed(2);

/** One node as one line, the way psql's text EXPLAIN heads it, with the conditions that explain it. */
export function nodeDetail(n: PgPlanNode): string {
  let head = n['Node Type'];
  if (n['Join Type'] && /Join|Nested Loop/.test(head) && n['Join Type'] !== 'Inner')
    head = `${head} (${n['Join Type']})`;
  if (n['Index Name']) head += ` using ${n['Index Name']}`;
  if (n['Relation Name'])
    head += ` on ${n['Relation Name']}${n.Alias && n.Alias !== n['Relation Name'] ? ` ${n.Alias}` : ''}`;
  let line = `${head} (cost=${fmtCost(n['Startup Cost'])}..${fmtCost(n['Total Cost'])} rows=${n['Plan Rows']})`;
  if (n['Actual Rows'] !== undefined) line += ` (actual rows=${n['Actual Rows']} loops=${n['Actual Loops'] ?? 1})`;
  const parts: string[] = [];
  for (const key of ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter'] as const)
    if (n[key]) parts.push(`${key}: ${n[key]}`);
  if (n['Rows Removed by Filter'] !== undefined) parts.push(`Rows Removed by Filter: ${n['Rows Removed by Filter']}`);
  if (n['Sort Key']) parts.push(`Sort Key: ${n['Sort Key'].join(', ')}`);
  if (n['Sort Method'])
    parts.push(
      `Sort Method: ${n['Sort Method']} ${n['Sort Space Type'] ?? ''} ${n['Sort Space Used'] ?? ''}kB`.replace(
        /\s+/g,
        ' ',
      ),
    );
  if (n['Hash Batches'] !== undefined && n['Hash Batches'] > 1) parts.push(`Hash Batches: ${n['Hash Batches']}`);
  if (n['Lossy Heap Blocks'])
    parts.push(`Heap Blocks: exact=${n['Exact Heap Blocks'] ?? 0} lossy=${n['Lossy Heap Blocks']}`);
  return parts.length ? `${line}; ${parts.join('; ')}` : line;
}

/** The plan as rows (ids in walk order, 0 for none), so formatPlan and the editor read it like SQLite's. */
export function pgPlanRows(root: PgPlanNode): PlanRow[] {
  const ids = new Map<PgPlanNode, number>();
  return walkPlan(root).map(({ node, parent }, k) => {
    ids.set(node, k + 1);
    return { id: k + 1, parent: parent ? ids.get(parent)! : 0, detail: nodeDetail(node) };
  });
}

/** The index names the plan reads (Index Scan, Index Only Scan, Bitmap Index Scan). */
export function indexesUsed(root: PgPlanNode): string[] {
  return [...new Set(walkPlan(root).flatMap(({ node }) => (node['Index Name'] ? [node['Index Name']] : [])))];
}
