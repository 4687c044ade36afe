import type { SqlLexResult, SqlToken } from './sqlLexer';
import { SQL_KEYWORDS, lexSql } from './sqlLexer';

/**
 * English words that never appear bare in a statement but fill prose ("select the file from the
 * list"). A single-letter "a" is left out: it is a common table alias.
 */
const PROSE_WORDS = new Set([
  'THE',
  'AN',
  'YOUR',
  'YOU',
  'WE',
  'OUR',
  'PLEASE',
  'WILL',
  'SHOULD',
  'WOULD',
  'COULD',
  'CAN',
  'THIS',
  'THESE',
  'THOSE',
  'ARE',
  'WAS',
  'WERE',
  'BEEN',
  'IT',
  'ITS',
  'THAT',
  'WHICH',
  'THERE',
  'HERE',
  'TO',
  'MY',
  'ME',
  'HAVE',
  'DOES',
  'DID',
  'UNABLE',
  'CANNOT',
  'COULDN',
  'DON',
  'WHAT',
  'HOW',
  'WHY',
  'JUST',
]);

/** What may follow a table name (and its optional alias) in a FROM clause. */
const AFTER_FROM_TABLE = new Set([
  'WHERE',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'CROSS',
  'NATURAL',
  'FULL',
  'OUTER',
  'GROUP',
  'ORDER',
  'LIMIT',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'AS',
  'ON',
  'USING',
  'INDEXED',
  'NOT',
  'WINDOW',
  'HAVING',
  'OFFSET',
  'RETURNING',
  'SET',
  'FOR',
]);
const AFTER_FROM_PUNCT = new Set([',', '.', '(', ')', ';']);

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'with' | 'create' | 'replace';

/**
 * Classifies a string as a SQL statement only when it has a statement's shape: SELECT … FROM t,
 * INSERT INTO t, UPDATE t SET c =, DELETE FROM t, WITH n AS (…) SELECT, CREATE TABLE/INDEX/VIEW.
 * Prose that merely contains such words ("Select the file from the list", "update failed") is not.
 */
export function classifySql(text: string): StatementKind | undefined {
  return classifyLexed(lexSql(text));
}

/** classifySql on text already tokenized (the extractor lexes each candidate once). */
export function classifyLexed({ tokens, unterminated }: SqlLexResult): StatementKind | undefined {
  if (unterminated || tokens.length < 2) return undefined;
  if (!balancedParens(tokens)) return undefined;
  let i = 0;
  while (tokens[i]?.text === '(') i++;
  const first = tokens[i];
  if (!first || first.type !== 'word') return undefined;
  if (looksLikeProse(tokens, first)) return undefined;
  switch (first.value) {
    case 'SELECT':
      return selectShape(tokens, i) ? 'select' : undefined;
    case 'WITH':
      return withShape(tokens, i) ? 'with' : undefined;
    case 'INSERT':
    case 'REPLACE':
      return insertShape(tokens, i) ? (first.value === 'INSERT' ? 'insert' : 'replace') : undefined;
    case 'UPDATE':
      return updateShape(tokens, i) ? 'update' : undefined;
    case 'DELETE':
      return word(tokens[i + 1], 'FROM') &&
        afterTableOk(tokens, i + 2, ['WHERE', 'RETURNING', 'ORDER', 'LIMIT', 'AS', 'INDEXED', 'NOT'])
        ? 'delete'
        : undefined;
    case 'CREATE':
      return createShape(tokens, i) ? 'create' : undefined;
    default:
      return undefined;
  }
}

export function isSqlStatement(text: string): boolean {
  return classifySql(text) !== undefined;
}

function word(t: SqlToken | undefined, ...values: string[]): boolean {
  return t?.type === 'word' && values.includes(t.value);
}

function isName(t: SqlToken | undefined): boolean {
  return (t?.type === 'word' && !SQL_KEYWORDS.has(t.value)) || t?.type === 'ident';
}

function balancedParens(tokens: SqlToken[]): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function looksLikeProse(tokens: SqlToken[], first: SqlToken): boolean {
  for (const t of tokens) {
    // A quoted "the" is an identifier someone chose; a bare one is English.
    if (t.type === 'word' && PROSE_WORDS.has(t.value)) return true;
  }
  // Sentence punctuation at the end: "Select a row from a table." / "Update complete!"
  const last = tokens[tokens.length - 1]!;
  if (last.text === '!' || (last.text === '.' && tokens.length > 2)) return true;
  // "Select name from users" is how a sentence starts; SQL keeps one case for its keywords.
  const kw = first.text;
  if (
    kw.length > 1 &&
    kw[0] === kw[0]!.toUpperCase() &&
    kw.slice(1) === kw.slice(1).toLowerCase() &&
    kw.slice(1) !== kw.slice(1).toUpperCase()
  ) {
    const others = tokens.filter(
      (t) =>
        t !== first &&
        t.type === 'word' &&
        (t.value === 'FROM' || t.value === 'SET' || t.value === 'INTO' || t.value === 'WHERE'),
    );
    if (others.some((t) => t.text === t.text.toLowerCase())) return true;
  }
  return false;
}

/** At tokens[i] a table name (possibly schema-qualified) then an allowed follower, optionally after an alias. */
function afterTableOk(tokens: SqlToken[], i: number, followers: string[] | Set<string>): boolean {
  const allowed = followers instanceof Set ? followers : new Set(followers);
  if (!isName(tokens[i])) return false;
  let j = i + 1;
  if (tokens[j]?.text === '.' && isName(tokens[j + 1])) j += 2;
  const ok = (t: SqlToken | undefined) =>
    t === undefined ||
    (t.type === 'word' && allowed.has(t.value)) ||
    (t.type === 'punct' && AFTER_FROM_PUNCT.has(t.text));
  if (ok(tokens[j])) return true;
  // An alias: FROM users u WHERE …
  return isName(tokens[j]) && ok(tokens[j + 1]);
}

/** SELECT <list> FROM <table or subquery> …, with the FROM at the SELECT's own depth. */
function selectShape(tokens: SqlToken[], i: number): boolean {
  let depth = 0;
  let listLen = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    if (depth === 0 && word(t, 'FROM')) {
      if (listLen === 0) return false;
      const next = tokens[j + 1];
      if (next?.text === '(') return true;
      return afterTableOk(tokens, j + 1, AFTER_FROM_TABLE);
    }
    if (depth === 0 && word(t, 'WHERE', 'SET', 'INTO', 'VALUES')) return false;
    listLen++;
  }
  return false;
}

function withShape(tokens: SqlToken[], i: number): boolean {
  let j = i + 1;
  if (word(tokens[j], 'RECURSIVE')) j++;
  if (!isName(tokens[j])) return false;
  j++;
  if (tokens[j]?.text === '(') {
    while (j < tokens.length && tokens[j]!.text !== ')') j++;
    j++;
  }
  if (!word(tokens[j], 'AS')) return false;
  // The main statement after the CTE list must itself have a statement shape.
  let depth = 0;
  for (let k = j + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && word(t, 'SELECT')) return selectShape(tokens, k);
    else if (depth === 0 && word(t, 'INSERT', 'REPLACE')) return insertShape(tokens, k);
    else if (depth === 0 && word(t, 'UPDATE')) return updateShape(tokens, k);
    else if (depth === 0 && word(t, 'DELETE')) return word(tokens[k + 1], 'FROM') && isName(tokens[k + 2]);
  }
  return false;
}

function insertShape(tokens: SqlToken[], i: number): boolean {
  let j = i + 1;
  if (word(tokens[j], 'OR') && word(tokens[j + 1], 'REPLACE', 'IGNORE', 'ABORT', 'FAIL', 'ROLLBACK')) j += 2;
  if (!word(tokens[j], 'INTO')) return false;
  return afterTableOk(tokens, j + 1, ['VALUES', 'SELECT', 'DEFAULT', 'AS', 'WITH']);
}

function updateShape(tokens: SqlToken[], i: number): boolean {
  let j = i + 1;
  if (word(tokens[j], 'OR') && word(tokens[j + 1], 'REPLACE', 'IGNORE', 'ABORT', 'FAIL', 'ROLLBACK')) j += 2;
  if (!isName(tokens[j])) return false;
  j++;
  if (tokens[j]?.text === '.' && isName(tokens[j + 1])) j += 2;
  if (word(tokens[j], 'AS')) j++;
  if (isName(tokens[j]) && !word(tokens[j], 'SET')) j++;
  if (!word(tokens[j], 'SET')) return false;
  // SET col = … or SET (a, b) = …
  const target = tokens[j + 1];
  if (target?.text === '(') return true;
  return (
    isName(target) && (tokens[j + 2]?.text === '=' || (tokens[j + 2]?.text === '.' && tokens[j + 4]?.text === '='))
  );
}

function createShape(tokens: SqlToken[], i: number): boolean {
  let j = i + 1;
  if (word(tokens[j], 'TEMP', 'TEMPORARY', 'UNIQUE', 'VIRTUAL')) j++;
  if (!word(tokens[j], 'TABLE', 'INDEX', 'VIEW', 'TRIGGER')) return false;
  j++;
  if (word(tokens[j], 'IF') && word(tokens[j + 1], 'NOT') && word(tokens[j + 2], 'EXISTS')) j += 3;
  if (!isName(tokens[j]) && !(tokens[j]?.type === 'word' && !SQL_KEYWORDS.has(tokens[j]!.value))) return false;
  j++;
  if (tokens[j]?.text === '.') j += 2;
  const kind = tokens[i + 1]?.value === 'TABLE' || tokens[i + 2]?.value === 'TABLE' ? 'TABLE' : '';
  if (kind === 'TABLE') return tokens[j]?.text === '(' || word(tokens[j], 'AS', 'USING');
  return tokens.slice(j).some((t) => word(t, 'ON', 'AS', 'BEFORE', 'AFTER', 'INSTEAD'));
}
