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

// Character classes by code, so the lexer never runs a regex per character.
const DIGIT = 1;
/** [A-Za-z0-9_] */
const WORD = 2;
/** May start a bare word: [A-Za-z_] (and anything from U+0080 up, tested apart). */
const WORD_START = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (ch >= '0' && ch <= '9') CLASS[c] = DIGIT | WORD;
  else if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_') CLASS[c] = WORD | WORD_START;
}
const PARAM_CODE = PARAM_SENTINEL.charCodeAt(0);

function has(code: number, cls: number): boolean {
  return code < 128 && (CLASS[code]! & cls) !== 0;
}

function token(text: string, type: SqlTokenType, start: number, end: number, value?: string): SqlToken {
  const raw = text.slice(start, end);
  return { type, text: raw, value: value ?? raw, start, end };
}

export function lexSql(text: string): SqlLexResult {
  const tokens: SqlToken[] = [];
  let unterminated = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    const c = text[i]!;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 12) {
      i++;
    } else if (c === '-' && next === 45 /* - */) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
    } else if (c === '/' && next === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) unterminated = true;
      i = close < 0 ? n : close + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const closeChar = c === '[' ? ']' : c;
      let j = i + 1;
      let value = '';
      let run = j;
      for (;;) {
        const close = text.indexOf(closeChar, j);
        if (close < 0) {
          value += text.slice(run, n);
          j = n;
          unterminated = true;
          break;
        }
        // A doubled quote is the quote itself.
        if (closeChar !== ']' && text[close + 1] === closeChar) {
          value += text.slice(run, close + 1);
          j = run = close + 2;
          continue;
        }
        value += text.slice(run, close);
        j = close;
        break;
      }
      const end = Math.min(j + 1, n);
      tokens.push(token(text, c === "'" ? 'string' : 'ident', i, end, value));
      i = end;
    } else if (code === PARAM_CODE || c === '?') {
      let j = i + 1;
      if (c === '?') while (j < n && has(text.charCodeAt(j), DIGIT)) j++;
      tokens.push(token(text, 'param', i, j));
      i = j;
    } else if ((c === ':' || c === '@' || c === '$') && has(next, WORD) && !(c === ':' && text[i - 1] === ':')) {
      let j = i + 1;
      while (j < n && has(text.charCodeAt(j), WORD)) j++;
      tokens.push(token(text, 'param', i, j));
      i = j;
    } else if (c === '{' && TEMPLATE_FIELD.test(text.slice(i, i + 80))) {
      // A host-language template field (`{}`, `{name}`, `{0}`, Java's MessageFormat `{0}`): SQL
      // has no braces, so it can only stand for a value filled in before the statement is run.
      const len = TEMPLATE_FIELD.exec(text.slice(i, i + 80))![0].length;
      tokens.push(token(text, 'param', i, i + len));
      i += len;
    } else if (
      c === '%' &&
      (next === 115 || next === 100 || next === 105 || next === 102 || next === 114) /* s d i f r */ &&
      !has(i + 2 < n ? text.charCodeAt(i + 2) : -1, WORD)
    ) {
      tokens.push(token(text, 'param', i, i + 2));
      i += 2;
    } else if (c === '%' && next === 40 /* ( */) {
      const m = /^%\([A-Za-z0-9_]+\)[sdifr]/.exec(text.slice(i, i + 80));
      const len = m ? m[0].length : 1;
      tokens.push(token(text, m ? 'param' : 'op', i, i + len));
      i += len;
    } else if (has(code, DIGIT) || (c === '.' && has(next, DIGIT))) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!has(d, WORD) && d !== 46 /* . */) break;
      }
      tokens.push(token(text, 'number', i, j));
      i = j;
    } else if (has(code, WORD_START) || code >= 0x80) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x80 ? d === PARAM_CODE : !has(d, WORD) && d !== 36 /* $ */) break;
      }
      const raw = text.slice(i, j);
      tokens.push({ type: 'word', text: raw, value: raw.toUpperCase(), start: i, end: j });
      i = j;
    } else {
      const op = operatorAt(text, i);
      if (op) {
        tokens.push(token(text, 'op', i, i + op.length));
        i += op.length;
      } else {
        tokens.push(
          token(text, c === '(' || c === ')' || c === ',' || c === ';' || c === '.' ? 'punct' : 'op', i, i + 1),
        );
        i++;
      }
    }
  }
  return { tokens, unterminated };
}

function operatorAt(text: string, i: number): string | undefined {
  for (const o of OPS) if (text.startsWith(o, i)) return o;
  return undefined;
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
