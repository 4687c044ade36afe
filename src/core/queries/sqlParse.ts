import type { SqlToken } from './sqlLexer';
import { SQL_KEYWORDS, lexSql } from './sqlLexer';

/**
 * A light parse of one statement: enough to give index advice and pick parameter values, not a
 * grammar. It reads table references (with aliases, CTE and subquery names), the column predicates
 * of WHERE and JOIN … ON, ORDER BY / GROUP BY terms, what each `?` is compared with, SELECT * and
 * LIKE patterns that start with a wildcard. Scopes are flattened: aliases are unique in practice.
 */

export interface TableRef {
  name: string;
  alias?: string;
  kind: 'table' | 'cte' | 'subquery';
  /** The SELECT (or statement) whose FROM names it; see ParsedSql.scopeParents. */
  scope: number;
}

export type PredicateOp = 'eq' | 'in' | 'range' | 'like' | 'ne' | 'null';

export interface ColumnRef {
  qualifier?: string;
  column: string;
  /** Where the reference is written, for resolving an unqualified name to the right table. */
  scope?: number;
}

export interface Predicate extends ColumnRef {
  op: PredicateOp;
  /** What the column is compared with. */
  other: 'param' | 'literal' | 'column' | 'expr';
  otherColumn?: ColumnRef;
}

export interface OrderTerm extends ColumnRef {
  desc: boolean;
}

export type ParamContext =
  | { kind: 'column'; ref: ColumnRef; op: PredicateOp; like?: boolean }
  | { kind: 'limit' }
  | { kind: 'offset' }
  | { kind: 'unknown' };

export interface ParsedSql {
  /** First keyword, upper-case (SELECT, WITH, INSERT…). */
  verb: string;
  tables: TableRef[];
  predicates: Predicate[];
  /** Each ORDER BY clause; an entry is undefined when a term is an expression, not a column. */
  orderBys: (OrderTerm[] | undefined)[];
  groupBys: (OrderTerm[] | undefined)[];
  hasLimit: boolean;
  /** One entry per `?`, in order. */
  params: ParamContext[];
  selectStar: boolean;
  leadingWildcardLikes: { ref: ColumnRef; pattern: string }[];
  /** Scope 0 is the statement; each SELECT opens a scope whose parent is the one it is written in. */
  scopeParents: number[];
}

type Clause =
  'select' | 'from' | 'where' | 'on' | 'group' | 'having' | 'order' | 'limit' | 'offset' | 'set' | 'values' | 'other';

export function parseSql(sql: string): ParsedSql {
  const tokens = lexSql(sql).tokens;
  const result: ParsedSql = {
    verb: tokens[0]?.value ?? '',
    tables: [],
    predicates: [],
    orderBys: [],
    groupBys: [],
    hasLimit: false,
    params: [],
    selectStar: false,
    leadingWildcardLikes: [],
    scopeParents: [-1],
  };
  const ctes = collectCteNames(tokens);
  const paramIndex = new Map<SqlToken, number>();
  for (const t of tokens) if (t.type === 'param') paramIndex.set(t, paramIndex.size);
  result.params = tokens.filter((t) => t.type === 'param').map(() => ({ kind: 'unknown' }) as ParamContext);
  const setParam = (t: SqlToken | undefined, ctx: ParamContext) => {
    const idx = t ? paramIndex.get(t) : undefined;
    if (idx !== undefined && result.params[idx]!.kind === 'unknown') result.params[idx] = ctx;
  };

  const clause: Clause[] = ['other'];
  const existsSelect: boolean[] = [false];
  const scopeAt: number[] = [0];
  // PARTITION BY terms waiting for the window's ORDER BY (null: a partition on expressions).
  const partitionAt: (OrderTerm[] | null | undefined)[] = [];
  const inScope = <T extends object>(x: T): T & { scope: number } => ({ ...x, scope: scopeAt[depth]! });
  let depth = 0;
  let insertColumns: ColumnRef[] | undefined;
  let valuesPos = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const cur = clause[depth]!;
    if (t.text === '(') {
      depth++;
      clause[depth] = cur;
      scopeAt[depth] = scopeAt[depth - 1]!;
      existsSelect[depth] = false;
      if (cur === 'values') valuesPos = 0;
      if (cur === 'from' && isName(tokens[i - 1]) === false && refStart(tokens, i)) {
        // A subquery in FROM: its alias follows the closing parenthesis.
        const close = matchingParen(tokens, i);
        const alias = aliasAt(tokens, close + 1);
        result.tables.push({
          ...(alias ? { name: alias.name, alias: alias.name } : { name: '(subquery)' }),
          kind: 'subquery',
          scope: scopeAt[depth - 1]!,
        });
      }
      continue;
    }
    if (t.text === ')') {
      if (partitionAt[depth] !== undefined) result.orderBys.push(partitionAt[depth] ?? undefined);
      partitionAt[depth] = undefined;
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (t.type === 'word') {
      const v = t.value;
      const next = tokens[i + 1];
      if (v === 'SELECT') {
        clause[depth] = 'select';
        scopeAt[depth] = result.scopeParents.length;
        result.scopeParents.push(depth > 0 ? scopeAt[depth - 1]! : 0);
        existsSelect[depth] = tokens[i - 1]?.text === '(' && tokens[i - 2]?.value === 'EXISTS';
        continue;
      }
      if (
        v === 'FROM' ||
        v === 'JOIN' ||
        v === 'INTO' ||
        (v === 'UPDATE' && (i === 0 || tokens[i - 1]?.text === ')' || depth === 0))
      ) {
        clause[depth] = 'from';
        let j = i + 1;
        if (v === 'UPDATE' && next?.value === 'OR') j += 2;
        const ref = tableRefAt(tokens, j, ctes);
        if (ref) {
          result.tables.push(inScope(ref.ref));
          if (v === 'INTO' && tokens[ref.next]?.text === '(') {
            insertColumns = columnList(tokens, ref.next);
            clause[depth] = 'other';
          }
          if (v === 'UPDATE') clause[depth] = 'other';
          i = ref.next - 1;
        }
        continue;
      }
      if (v === 'WHERE') clause[depth] = 'where';
      else if (v === 'ON' && (cur === 'from' || cur === 'on')) clause[depth] = 'on';
      else if (v === 'GROUP' && next?.value === 'BY') {
        clause[depth] = 'group';
        result.groupBys.push(orderTerms(tokens, i + 2)?.map(inScope));
      } else if (v === 'PARTITION' && next?.value === 'BY') {
        // A window sorts by its partition, then its own ORDER BY: one list for index advice.
        partitionAt[depth] = orderTerms(tokens, i + 2)?.map(inScope) ?? null;
      } else if (v === 'ORDER' && next?.value === 'BY') {
        clause[depth] = 'order';
        const terms = orderTerms(tokens, i + 2)?.map(inScope);
        const partition = partitionAt[depth];
        partitionAt[depth] = undefined;
        result.orderBys.push(
          partition === undefined ? terms : partition && terms ? [...partition, ...terms] : undefined,
        );
      } else if (v === 'HAVING') clause[depth] = 'having';
      else if (v === 'LIMIT') {
        clause[depth] = 'limit';
        result.hasLimit = true;
      } else if (v === 'OFFSET') clause[depth] = 'offset';
      else if (v === 'SET' && cur !== 'where') clause[depth] = 'set';
      else if (v === 'VALUES') {
        clause[depth] = 'values';
        valuesPos = 0;
      } else if (v === 'UNION' || v === 'EXCEPT' || v === 'INTERSECT' || v === 'RETURNING' || v === 'WINDOW')
        clause[depth] = 'other';
      else if (
        cur === 'from' &&
        (v === 'LEFT' ||
          v === 'INNER' ||
          v === 'CROSS' ||
          v === 'NATURAL' ||
          v === 'OUTER' ||
          v === 'FULL' ||
          v === 'RIGHT')
      )
        continue;
    }
    if (t.text === ',' && clause[depth] === 'from') {
      const ref = tableRefAt(tokens, i + 1, ctes);
      if (ref) {
        result.tables.push(inScope(ref.ref));
        i = ref.next - 1;
      }
      continue;
    }
    const c = clause[depth]!;
    if (t.type === 'param') {
      if (c === 'limit') {
        // LIMIT offset, count
        setParam(t, tokens[i + 1]?.text === ',' ? { kind: 'offset' } : { kind: 'limit' });
      } else if (c === 'offset') setParam(t, { kind: 'offset' });
      else if (c === 'values' && insertColumns) {
        const col = insertColumns[valuesPos];
        if (col) setParam(t, { kind: 'column', ref: col, op: 'eq' });
      }
      continue;
    }
    if (c === 'values' && t.text === ',') valuesPos++;
    if (c === 'select' && t.text === '*' && !existsSelect[depth]) {
      const prev = tokens[i - 1];
      const prevIsListStart = (p: SqlToken | undefined) =>
        p?.text === ',' || p?.value === 'SELECT' || p?.value === 'DISTINCT' || p?.value === 'ALL';
      if (prevIsListStart(prev) || (prev?.text === '.' && prevIsListStart(tokens[i - 3]))) result.selectStar = true;
      continue;
    }
    if (c === 'where' || c === 'on' || c === 'set' || c === 'having')
      readComparison(tokens, i, c, scopeAt[depth]!, result, setParam);
  }
  return result;
}

function readComparison(
  tokens: SqlToken[],
  i: number,
  clause: Clause,
  scope: number,
  result: ParsedSql,
  setParam: (t: SqlToken | undefined, ctx: ParamContext) => void,
): void {
  const t = tokens[i]!;
  let op: PredicateOp | undefined;
  if (t.type === 'op' && (t.text === '=' || t.text === '==')) op = 'eq';
  else if (t.type === 'op' && (t.text === '<' || t.text === '>' || t.text === '<=' || t.text === '>=')) op = 'range';
  else if (t.type === 'op' && (t.text === '!=' || t.text === '<>')) op = 'ne';
  else if (t.type === 'word' && t.value === 'IN') op = 'in';
  else if (t.type === 'word' && (t.value === 'LIKE' || t.value === 'GLOB')) op = 'like';
  else if (t.type === 'word' && t.value === 'BETWEEN') op = 'range';
  else if (t.type === 'word' && t.value === 'IS') op = tokens[i + 1]?.value === 'NOT' ? 'ne' : 'eq';
  if (!op) return;
  const negated = tokens[i - 1]?.value === 'NOT';
  if (negated) op = 'ne';
  const scoped = (r: ColumnRef | undefined) => (r ? { ...r, scope } : undefined);
  let left = scoped(columnBefore(tokens, negated ? i - 1 : i));
  let rightStart = i + 1;
  if (t.value === 'IS' && tokens[i + 1]?.value === 'NOT') rightStart++;
  let right = scoped(columnAfter(tokens, rightStart));
  const rightTok = tokens[rightStart];
  if (
    !left &&
    right &&
    (rightTok?.type === 'param' ||
      tokens[i - 1]?.type === 'param' ||
      tokens[i - 1]?.type === 'number' ||
      tokens[i - 1]?.type === 'string')
  ) {
    // `? = col` or `10 < col`: the column is on the right.
    const leftTok = tokens[i - 1];
    left = right;
    right = undefined;
    if (leftTok?.type === 'param') setParam(leftTok, { kind: 'column', ref: left, op });
    if (clause !== 'set')
      result.predicates.push({ ...left, op, other: leftTok?.type === 'param' ? 'param' : 'literal' });
    return;
  }
  if (!left) return;
  if (clause === 'set') {
    if (op === 'eq' && rightTok?.type === 'param') setParam(rightTok, { kind: 'column', ref: left, op: 'eq' });
    return;
  }
  const isNull = rightTok?.value === 'NULL';
  const other: Predicate['other'] = right
    ? 'column'
    : rightTok?.type === 'param'
      ? 'param'
      : rightTok?.type === 'string' || rightTok?.type === 'number' || isNull
        ? 'literal'
        : 'expr';
  const pred: Predicate = { ...left, op: isNull && op === 'eq' ? 'null' : op, other };
  if (right) pred.otherColumn = right;
  if (clause !== 'having') result.predicates.push(pred);
  if (op === 'like') {
    const pattern = rightTok?.type === 'string' ? rightTok.value : undefined;
    if (
      pattern !== undefined &&
      (pattern.startsWith('%') || pattern.startsWith('_') || (t.value === 'GLOB' && /^[*?[]/.test(pattern)))
    )
      result.leadingWildcardLikes.push({ ref: left, pattern });
    if (rightTok?.type === 'string' && tokens[rightStart + 1]?.text === '||' && /^[%_]/.test(rightTok.value))
      result.leadingWildcardLikes.push({ ref: left, pattern: `${rightTok.value} || …` });
  }
  // Parameters on the right: col = ?, col IN (?, ?), col BETWEEN ? AND ?, col LIKE ? || '%'
  const ctx: ParamContext = { kind: 'column', ref: left, op };
  if (op === 'like') ctx.like = true;
  if (rightTok?.type === 'param') setParam(rightTok, ctx);
  if (rightTok?.text === '(')
    for (let k = rightStart + 1; k < tokens.length && tokens[k]!.text !== ')'; k++)
      if (tokens[k]!.type === 'param') setParam(tokens[k], ctx);
  if (t.value === 'BETWEEN' && tokens[rightStart + 1]?.value === 'AND') setParam(tokens[rightStart + 2], ctx);
  if (op === 'like' && tokens[rightStart + 1]?.text === '||') setParam(tokens[rightStart + 2], ctx);
}

function isName(t: SqlToken | undefined): boolean {
  return (t?.type === 'word' && !SQL_KEYWORDS.has(t.value)) || t?.type === 'ident';
}

function nameOf(t: SqlToken): string {
  return t.type === 'ident' ? t.value : t.text;
}

/** A column reference ending just before tokens[i]: `col` or `q.col`. */
function columnBefore(tokens: SqlToken[], i: number): ColumnRef | undefined {
  const c = tokens[i - 1];
  if (!isName(c)) return undefined;
  if (tokens[i - 2]?.text === '.' && isName(tokens[i - 3]))
    return { qualifier: nameOf(tokens[i - 3]!), column: nameOf(c!) };
  if (tokens[i - 2]?.text === '.') return undefined;
  return { column: nameOf(c!) };
}

/** A column reference starting at tokens[i] that is the whole operand (not a function call or expression start). */
function columnAfter(tokens: SqlToken[], i: number): ColumnRef | undefined {
  const c = tokens[i];
  if (!isName(c)) return undefined;
  if (tokens[i + 1]?.text === '.' && isName(tokens[i + 2])) {
    if (tokens[i + 3]?.text === '(') return undefined;
    return { qualifier: nameOf(c!), column: nameOf(tokens[i + 2]!) };
  }
  if (tokens[i + 1]?.text === '(') return undefined;
  return { column: nameOf(c!) };
}

function refStart(tokens: SqlToken[], i: number): boolean {
  return tokens[i + 1]?.value === 'SELECT' || tokens[i + 1]?.value === 'WITH' || tokens[i + 1]?.value === 'VALUES';
}

function matchingParen(tokens: SqlToken[], i: number): number {
  let depth = 0;
  for (let k = i; k < tokens.length; k++) {
    if (tokens[k]!.text === '(') depth++;
    else if (tokens[k]!.text === ')' && --depth === 0) return k;
  }
  return tokens.length - 1;
}

function aliasAt(tokens: SqlToken[], i: number): { name: string; next: number } | undefined {
  if (tokens[i]?.value === 'AS' && isName(tokens[i + 1])) return { name: nameOf(tokens[i + 1]!), next: i + 2 };
  if (isName(tokens[i])) return { name: nameOf(tokens[i]!), next: i + 1 };
  return undefined;
}

function tableRefAt(
  tokens: SqlToken[],
  i: number,
  ctes: Set<string>,
): { ref: Omit<TableRef, 'scope'>; next: number } | undefined {
  if (!isName(tokens[i])) return undefined;
  let name = nameOf(tokens[i]!);
  let j = i + 1;
  if (tokens[j]?.text === '.' && isName(tokens[j + 1])) {
    // schema.table: the schema (main, temp) does not matter for an in-memory copy.
    name = nameOf(tokens[j + 1]!);
    j += 2;
  }
  if (tokens[j]?.text === '(' && tokens[j - 2]?.value !== 'INTO') return undefined; // a table-valued function
  const ref: Omit<TableRef, 'scope'> = { name, kind: ctes.has(name.toLowerCase()) ? 'cte' : 'table' };
  const alias = aliasAt(tokens, j);
  if (alias && !['SET', 'VALUES', 'DEFAULT'].includes(tokens[alias.next - 1]!.value)) {
    ref.alias = alias.name;
    j = alias.next;
  }
  return { ref, next: j };
}

function columnList(tokens: SqlToken[], open: number): ColumnRef[] {
  const cols: ColumnRef[] = [];
  for (let k = open + 1; k < tokens.length && tokens[k]!.text !== ')'; k++)
    if (isName(tokens[k])) cols.push({ column: nameOf(tokens[k]!) });
  return cols;
}

function collectCteNames(tokens: SqlToken[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.value !== 'WITH') continue;
    let j = i + 1;
    if (tokens[j]?.value === 'RECURSIVE') j++;
    for (;;) {
      if (!isName(tokens[j])) break;
      const name = nameOf(tokens[j]!);
      j++;
      if (tokens[j]?.text === '(') j = matchingParen(tokens, j) + 1;
      if (tokens[j]?.value !== 'AS') break;
      names.add(name.toLowerCase());
      j++;
      while (tokens[j]?.value === 'NOT' || tokens[j]?.value === 'MATERIALIZED') j++;
      if (tokens[j]?.text !== '(') break;
      j = matchingParen(tokens, j) + 1;
      if (tokens[j]?.text !== ',') break;
      j++;
    }
  }
  return names;
}

/** ORDER BY / GROUP BY terms from tokens[i]; undefined when any term is an expression. */
function orderTerms(tokens: SqlToken[], i: number): OrderTerm[] | undefined {
  const terms: OrderTerm[] = [];
  let j = i;
  for (;;) {
    const ref = columnAfter(tokens, j);
    if (!ref) return undefined;
    j += ref.qualifier ? 3 : 1;
    if (tokens[j]?.value === 'COLLATE') j += 2;
    let desc = false;
    if (tokens[j]?.value === 'ASC' || tokens[j]?.value === 'DESC') desc = tokens[j++]!.value === 'DESC';
    if (tokens[j]?.value === 'NULLS') j += 2;
    terms.push({ ...ref, desc });
    if (tokens[j]?.text !== ',') break;
    j++;
  }
  const end = tokens[j];
  const ends =
    end === undefined ||
    end.text === ')' ||
    end.text === ';' ||
    ['LIMIT', 'HAVING', 'ORDER', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'OFFSET', 'RETURNING'].includes(end.value);
  return ends ? terms : undefined;
}
