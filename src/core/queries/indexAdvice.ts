import type { IndexInfo, TableInfo } from './database';
import { quoteIdent } from './database';
import type { ColumnRef, OrderTerm, ParsedSql } from './sqlParse';

/** What the advisor needs to know about the schema. */
export interface SchemaLookup {
  table(name: string): TableInfo | undefined;
}

export interface IndexColumn {
  name: string;
  desc: boolean;
}

export interface IndexSuggestion {
  table: string;
  columns: IndexColumn[];
  createIndex: string;
  /** An index that already starts with these columns (so the planner chose not to use it). */
  existing?: IndexInfo;
}

/**
 * The real table a plan or SQL name stands for: an alias, a table name, or nothing when the name
 * is a CTE, a subquery or unknown to the schema.
 */
export function resolveTableName(parsed: ParsedSql, schema: SchemaLookup, name: string): string | undefined {
  if (name.startsWith('(')) return undefined;
  const lower = name.toLowerCase();
  const byAlias = parsed.tables.find((t) => t.alias?.toLowerCase() === lower);
  if (byAlias) return byAlias.kind === 'table' ? schema.table(byAlias.name)?.name : undefined;
  const byName = parsed.tables.find((t) => t.name.toLowerCase() === lower);
  if (byName && byName.kind !== 'table') return undefined;
  return schema.table(name)?.name;
}

/** The table a column reference belongs to, checked against the schema. */
export function resolveColumn(
  parsed: ParsedSql,
  schema: SchemaLookup,
  ref: ColumnRef,
): { table: string; column: string } | undefined {
  const has = (table: string) =>
    schema.table(table)?.columns.find((c) => c.name.toLowerCase() === ref.column.toLowerCase());
  if (ref.qualifier) {
    const table = resolveTableName(parsed, schema, ref.qualifier);
    const col = table ? has(table) : undefined;
    return table && col ? { table, column: col.name } : undefined;
  }
  // An unqualified name belongs to the nearest enclosing SELECT with a table that has it.
  const candidatesIn = (scope: number | undefined) => {
    const found = new Set<string>();
    for (const t of parsed.tables) {
      if (scope !== undefined && t.scope !== scope) continue;
      const info = t.kind === 'table' ? schema.table(t.name) : undefined;
      if (info && has(info.name)) found.add(info.name);
    }
    return found;
  };
  let scope = ref.scope;
  for (let guard = 0; guard < 64; guard++) {
    const found = candidatesIn(scope);
    if (found.size === 1) {
      const table = [...found][0]!;
      return { table, column: has(table)!.name };
    }
    if (found.size > 1 || scope === undefined || scope <= 0) return undefined;
    scope = parsed.scopeParents[scope];
  }
  return undefined;
}

/**
 * The index that serves this statement's access to `table`: its equality columns first (in the
 * order written), then the ORDER BY (or GROUP BY) columns with their direction when they are all
 * on this table, else the first range column. Columns are checked against the schema.
 */
export function adviseIndex(parsed: ParsedSql, schema: SchemaLookup, table: string): IndexSuggestion | undefined {
  const info = schema.table(table);
  if (!info) return undefined;
  const onTable = (ref: ColumnRef) => {
    const r = resolveColumn(parsed, schema, ref);
    return r && r.table === info.name ? r.column : undefined;
  };
  const cols: IndexColumn[] = [];
  const add = (name: string | undefined, desc = false) => {
    if (!name || name.toLowerCase() === 'rowid' || cols.some((c) => c.name === name)) return;
    const col = info.columns.find((c) => c.name === name);
    // The rowid alias (INTEGER PRIMARY KEY) is already the table's own key.
    if (col?.primaryKey && /^integer$/i.test(col.type) && info.columns.filter((c) => c.primaryKey).length === 1) return;
    cols.push({ name, desc });
  };
  const usable = parsed.predicates.filter(
    (p) => !(p.other === 'column' && p.otherColumn && onTable(p.otherColumn) !== undefined && onTable(p) !== undefined),
  );
  // Equalities on values first (they narrow the table wherever it sits in the join order), then
  // join equalities (used when the table is the inner loop), then IN lists.
  for (const p of usable) if ((p.op === 'eq' || p.op === 'null') && p.other !== 'column') add(onTable(p));
  for (const p of usable) if (p.op === 'eq' && p.other === 'column') add(onTable(p));
  for (const p of usable) if (p.op === 'in') add(onTable(p));
  const eqCount = cols.length;
  const range = usable.find((p) => p.op === 'range' && onTable(p) !== undefined);
  const order = termsOn(parsed.orderBys, onTable) ?? termsOn(parsed.groupBys, onTable);
  if (order && (parsed.hasLimit || !range)) for (const t of order) add(t.column, t.desc);
  else if (range) add(onTable(range));
  if (cols.length === 0) return undefined;
  // An all-ascending sort after equality columns needs no direction; DESC is kept where written.
  const name = `idx_${info.name}_${cols.map((c) => c.name).join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  const createIndex = `CREATE INDEX ${quoteIdent(name)} ON ${quoteIdent(info.name)}(${cols.map((c) => quoteIdent(c.name) + (c.desc ? ' DESC' : '')).join(', ')})`;
  const suggestion: IndexSuggestion = { table: info.name, columns: cols, createIndex };
  const existing = info.indexes.find(
    (ix) =>
      !ix.partial &&
      cols.every(
        (c, k) =>
          ix.columns[k]?.name.toLowerCase() === c.name.toLowerCase() && (k < eqCount || ix.columns[k]!.desc === c.desc),
      ),
  );
  if (existing) suggestion.existing = existing;
  return suggestion;
}

/** An index from the columns SQLite itself chose for an automatic index, e.g. `(workspace_id=? AND degree>?)`. */
export function indexFromConstraint(
  schema: SchemaLookup,
  table: string,
  columns: { column: string; op: string }[],
): IndexSuggestion | undefined {
  const info = schema.table(table);
  if (!info) return undefined;
  const cols: IndexColumn[] = [];
  for (const c of [...columns.filter((x) => x.op === '='), ...columns.filter((x) => x.op !== '=')]) {
    const col = info.columns.find((k) => k.name.toLowerCase() === c.column.toLowerCase());
    if (col && !cols.some((k) => k.name === col.name)) cols.push({ name: col.name, desc: false });
  }
  if (cols.length === 0) return undefined;
  const name = `idx_${info.name}_${cols.map((c) => c.name).join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  return {
    table: info.name,
    columns: cols,
    createIndex: `CREATE INDEX ${quoteIdent(name)} ON ${quoteIdent(info.name)}(${cols.map((c) => quoteIdent(c.name)).join(', ')})`,
  };
}

function termsOn(
  lists: (OrderTerm[] | undefined)[],
  onTable: (ref: ColumnRef) => string | undefined,
): { column: string; desc: boolean }[] | undefined {
  for (const list of lists) {
    if (!list || list.length === 0) continue;
    const cols = list.map((t) => ({ column: onTable(t), desc: t.desc }));
    if (cols.every((c) => c.column !== undefined)) return cols as { column: string; desc: boolean }[];
  }
  return undefined;
}
