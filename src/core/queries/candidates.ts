import { quoteIdent } from './database';
import type { IndexColumn, IndexSuggestion, SchemaLookup } from './indexAdvice';
import { resolveColumn } from './indexAdvice';
import { lexSql } from './sqlLexer';
import type { ColumnRef, OrderTerm, ParsedSql } from './sqlParse';

/** Covering candidates wider than this are not tried (an index that copies the table is no index). */
const MAX_COVERING_COLUMNS = 6;

/**
 * The indexes worth trying for one table of a statement, each a different bet: the sort columns
 * alone (reads rows in order, no sort), the join/filter columns alone, equality → range, equality →
 * sort, and covering versions of the sort and composite ones (no table lookups). Only a what-if
 * tells which of them helps; see prove.ts.
 */
export function indexCandidates(
  parsed: ParsedSql,
  schema: SchemaLookup,
  table: string,
  sql: string,
): IndexSuggestion[] {
  const info = schema.table(table);
  if (!info) return [];
  const onTable = (ref: ColumnRef) => {
    const r = resolveColumn(parsed, schema, ref);
    return r && r.table === info.name ? r.column : undefined;
  };
  const rowidAlias = (name: string) => {
    if (name.toLowerCase() === 'rowid') return true;
    const col = info.columns.find((c) => c.name === name);
    return Boolean(
      col?.primaryKey && /^integer$/i.test(col.type) && info.columns.filter((c) => c.primaryKey).length === 1,
    );
  };
  const eq: string[] = [];
  const addEq = (name: string | undefined) => {
    if (name && !rowidAlias(name) && !eq.includes(name)) eq.push(name);
  };
  // A comparison between two columns of this same table narrows nothing through an index.
  const usable = parsed.predicates.filter(
    (p) => !(p.other === 'column' && p.otherColumn && onTable(p.otherColumn) !== undefined && onTable(p) !== undefined),
  );
  for (const p of usable) if ((p.op === 'eq' || p.op === 'null') && p.other !== 'column') addEq(onTable(p));
  for (const p of usable) if (p.op === 'eq' && p.other === 'column') addEq(onTable(p));
  for (const p of usable) if (p.op === 'in') addEq(onTable(p));
  const rangeName = usable
    .map((p) => (p.op === 'range' || p.op === 'like' ? onTable(p) : undefined))
    .find((c) => c !== undefined && !rowidAlias(c));
  const sort = sortTerms(parsed, onTable)?.filter((t) => !eq.includes(t.column));

  const out: IndexColumn[][] = [];
  const add = (cols: IndexColumn[]) => {
    const seen = new Set<string>();
    const clean = cols.filter((c) => !seen.has(c.name.toLowerCase()) && seen.add(c.name.toLowerCase()));
    if (clean.length) out.push(clean);
  };
  const asc = (names: string[]) => names.map((name) => ({ name, desc: false }));
  // Directions as written: an index read backwards would serve a sort going all the other way too.
  const sortCols = sort && sort.length ? sort.map((t) => ({ name: t.column, desc: t.desc })) : undefined;
  if (sortCols) add(sortCols);
  if (eq.length) add(asc(eq));
  if (rangeName) add(asc([rangeName]));
  if (eq.length && rangeName) add(asc([...eq, rangeName]));
  if (eq.length && sortCols) add([...asc(eq), ...sortCols]);
  // Covering: the other columns the statement reads from this table follow the key columns.
  const read = columnsRead(
    parsed,
    info.columns.map((c) => c.name),
    sql,
  ).filter((c) => !rowidAlias(c));
  for (const key of [
    sortCols,
    eq.length && sortCols ? [...asc(eq), ...sortCols] : undefined,
    eq.length ? asc(rangeName ? [...eq, rangeName] : eq) : undefined,
  ]) {
    if (!key) continue;
    const rest = read.filter((c) => !key.some((k) => k.name === c));
    if (rest.length && key.length + rest.length <= MAX_COVERING_COLUMNS) add([...key, ...asc(rest)]);
  }

  const unique = new Map<string, IndexColumn[]>();
  for (const cols of out)
    unique.set(cols.map((c) => `${c.name.toLowerCase()}${c.desc ? ' desc' : ''}`).join(','), cols);
  return [...unique.values()]
    .filter(
      (cols) =>
        !info.indexes.some(
          (ix) =>
            !ix.partial &&
            ix.columns.length >= cols.length &&
            cols.every(
              (c, k) => ix.columns[k]?.name.toLowerCase() === c.name.toLowerCase() && ix.columns[k]!.desc === c.desc,
            ),
        ),
    )
    .map((cols, k, all) => {
      const s = suggestionFor(info.name, cols);
      // Names are cut to a readable length; two long ones that end alike get a number.
      return all
        .slice(0, k)
        .some(
          (other) => suggestionFor(info.name, other).createIndex.split(' ON ')[0] === s.createIndex.split(' ON ')[0],
        )
        ? suggestionFor(info.name, cols, k + 1)
        : s;
    });
}

/** CREATE INDEX for these columns, named after them; `n` tells apart two that differ only in direction or past the cut. */
export function suggestionFor(table: string, cols: IndexColumn[], n?: number): IndexSuggestion {
  const base = `idx_${table}_${cols.map((c) => c.name).join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 56);
  const name = n === undefined ? base : `${base}_${n}`;
  const createIndex = `CREATE INDEX ${quoteIdent(name)} ON ${quoteIdent(table)}(${cols.map((c) => quoteIdent(c.name) + (c.desc ? ' DESC' : '')).join(', ')})`;
  return { table, columns: cols, createIndex };
}

function sortTerms(
  parsed: ParsedSql,
  onTable: (ref: ColumnRef) => string | undefined,
): { column: string; desc: boolean }[] | undefined {
  for (const list of [...parsed.orderBys, ...parsed.groupBys] as (OrderTerm[] | undefined)[]) {
    if (!list || list.length === 0) continue;
    const cols = list.map((t) => ({ column: onTable(t), desc: t.desc }));
    if (cols.every((c) => c.column !== undefined)) return cols as { column: string; desc: boolean }[];
  }
  return undefined;
}

/**
 * The table's columns the statement names (every column for `SELECT *`), in table order. Names are
 * matched as words of the statement: a column of another table with the same name only widens the
 * covering candidate, which the what-if then judges like any other.
 */
function columnsRead(parsed: ParsedSql, columns: string[], sql: string): string[] {
  if (parsed.selectStar) return columns;
  const words = new Set(
    lexSql(sql)
      .tokens.filter((t) => t.type === 'word' || t.type === 'ident')
      .map((t) => t.value.toLowerCase()),
  );
  return columns.filter((c) => words.has(c.toLowerCase()));
}
