/** A small SQL tokenizer shared by the statement classifier, placeholder normaliser and light parser. */

export type SqlTokenType = 'word' | 'ident' | 'string' | 'number' | 'param' | 'op' | 'punct';

export interface SqlToken {
  type: SqlTokenType;
  /** As written (quoted identifiers keep their quotes). */
  text: string;
  /** Upper-cased bare word, or the unquoted name of a quoted identifier. */
  value: string;
  start: number;
  end: number;
}

export interface SqlLexResult {
  tokens: SqlToken[];
  /** A quote or comment was left open: the text is not a complete statement. */
  unterminated: boolean;
}

/** Stands for an interpolated host-language expression (`${id}`, f-string field) inside SQL text. */
export const PARAM_SENTINEL = '\uE000';

/** A Python str.format / f-string style field: `{}`, `{name}`, `{0}`, `{a.b[0]!r:>10}`. */
const TEMPLATE_FIELD = /^\{[A-Za-z0-9_.[\]]*(?:![rsa])?(?::[^{}'"]*)?\}/;

const OPS = ['::', '||', '<=', '>=', '<>', '!=', '==', '->>', '->', '<<', '>>'];

export function lexSql(text: string): SqlLexResult {
  const tokens: SqlToken[] = [];
  let unterminated = false;
  let i = 0;
  const n = text.length;
  const push = (type: SqlTokenType, start: number, end: number, value?: string) => {
    const raw = text.slice(start, end);
    tokens.push({ type, text: raw, value: value ?? raw, start, end });
  };
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) unterminated = true;
      i = close < 0 ? n : close + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const closeChar = c === '[' ? ']' : c;
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= n) {
          unterminated = true;
          break;
        }
        if (text[j] === closeChar) {
          // A doubled quote is the quote itself.
          if (closeChar !== ']' && text[j + 1] === closeChar) {
            value += closeChar;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      const end = Math.min(j + 1, n);
      push(c === "'" ? 'string' : 'ident', i, end, value);
      i = end;
    } else if (c === PARAM_SENTINEL || c === '?') {
      let j = i + 1;
      if (c === '?') while (j < n && /[0-9]/.test(text[j]!)) j++;
      push('param', i, j);
      i = j;
    } else if (
      (c === ':' || c === '@' || c === '$') &&
      next !== undefined &&
      /[A-Za-z0-9_]/.test(next) &&
      !(c === ':' && text[i - 1] === ':')
    ) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      push('param', i, j);
      i = j;
    } else if (c === '{' && TEMPLATE_FIELD.test(text.slice(i, i + 80))) {
      // A host-language template field (`{}`, `{name}`, `{0}`, Java's MessageFormat `{0}`): SQL
      // has no braces, so it can only stand for a value filled in before the statement is run.
      const len = TEMPLATE_FIELD.exec(text.slice(i, i + 80))![0].length;
      push('param', i, i + len);
      i += len;
    } else if (
      c === '%' &&
      (next === 's' || next === 'd' || next === 'i' || next === 'f' || next === 'r') &&
      !/[A-Za-z0-9_]/.test(text[i + 2] ?? '')
    ) {
      push('param', i, i + 2);
      i += 2;
    } else if (c === '%' && next === '(') {
      const m = /^%\([A-Za-z0-9_]+\)[sdifr]/.exec(text.slice(i, i + 80));
      if (m) {
        push('param', i, i + m[0].length);
        i += m[0].length;
      } else {
        push('op', i, i + 1);
        i++;
      }
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(text[j]!)) j++;
      push('number', i, j);
      i = j;
    } else if (/[A-Za-z_\u0080-\uFFFF]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uFFFF]/.test(text[j]!) && text[j] !== PARAM_SENTINEL) j++;
      push('word', i, j, text.slice(i, j).toUpperCase());
      i = j;
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op) {
        push('op', i, i + op.length);
        i += op.length;
      } else {
        push(/[(),;.]/.test(c) ? 'punct' : 'op', i, i + 1);
        i++;
      }
    }
  }
  return { tokens, unterminated };
}

/** SQL keywords that can never be a table name or alias in the shapes the classifier checks. */
export const SQL_KEYWORDS = new Set([
  'ALL',
  'ALTER',
  'AND',
  'AS',
  'ASC',
  'BETWEEN',
  'BY',
  'CASE',
  'CREATE',
  'CROSS',
  'DEFAULT',
  'DELETE',
  'DESC',
  'DISTINCT',
  'DROP',
  'ELSE',
  'END',
  'ESCAPE',
  'EXCEPT',
  'EXISTS',
  'FROM',
  'FULL',
  'GLOB',
  'GROUP',
  'HAVING',
  'IN',
  'INDEX',
  'INDEXED',
  'INNER',
  'INSERT',
  'INTERSECT',
  'INTO',
  'IS',
  'ISNULL',
  'JOIN',
  'LEFT',
  'LIKE',
  'LIMIT',
  'MATCH',
  'NATURAL',
  'NOT',
  'NOTNULL',
  'NULL',
  'OFFSET',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'REGEXP',
  'REPLACE',
  'RETURNING',
  'RIGHT',
  'SELECT',
  'SET',
  'TABLE',
  'THEN',
  'UNION',
  'UPDATE',
  'USING',
  'VALUES',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
]);
