import type { CodeToken, LiteralPart, StringToken } from './sourceText';
import {
  BREAK as sharedBREAK,
  OPERAND as sharedOPERAND,
  PLUS as sharedPLUS,
  decodeEscape,
  punct as sharedPunct,
  pushText,
} from './sourceText';

// Bound once here: the per-character loop reads module-local constants, not the import on every use.
const BREAK = sharedBREAK;
const OPERAND = sharedOPERAND;
const PLUS = sharedPLUS;
const punct = sharedPunct;

const STRING_PREFIX = /^(?:r|u|b|f|br|rb|fr|rf)$/i;

// 1 = may start an identifier, 2 = may continue one, 4 = may continue a number (ASCII; anything
// above 0x7f counts as an identifier character). Kept here so the per-character loop calls nothing
// outside this module.
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_') CLASS[c] = 1 | 2 | 4;
  else if (ch === '$') CLASS[c] = 1 | 2;
  else if (ch >= '0' && ch <= '9') CLASS[c] = 2 | 4;
  else if (ch === '.') CLASS[c] = 4;
}

/**
 * A Python tokenizer for SQL extraction: skips `#` comments, decodes every string form (prefixes
 * r/b/u/f and their pairs, triple quotes, f-string `{…}` fields as parameters) and emits a `break`
 * token at each logical line end so implicit concatenation stays within one statement and
 * docstrings (a statement that is only a string) can be told apart.
 */
export function lexPython(text: string): CodeToken[] {
  const out: CodeToken[] = [];
  let pos = 0;
  let depth = 0;
  const t = text;
  const n = t.length;
  while (pos < n) {
    const code = t.charCodeAt(pos);
    if (code > 0x7f || (CLASS[code]! & 1) === 1) {
      if (code === 36 /* $ */) {
        // Not an identifier in Python: punctuation.
        out.push(punct('$'));
        pos++;
        continue;
      }
      const start = pos;
      for (pos++; pos < n; pos++) {
        const d = t.charCodeAt(pos);
        if (d <= 0x7f && (CLASS[d]! & 2) === 0) break;
      }
      const word = t.slice(start, pos);
      const after = pos < n ? t.charCodeAt(pos) : 0;
      if ((after === 34 || after === 39) /* " ' */ && word.length <= 2 && STRING_PREFIX.test(word))
        pos = lexString(t, start, pos, word.toLowerCase(), out);
      else out.push({ kind: 'ident', start, end: pos });
      continue;
    }
    const c = t[pos]!;
    if (c === '\n') {
      if (depth === 0) {
        const prev = out[out.length - 1];
        if (prev && prev.kind !== 'break') out.push(BREAK);
      }
      pos++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      pos++;
    } else if (c === '\\' && (t[pos + 1] === '\n' || t[pos + 1] === '\r')) {
      pos += t[pos + 1] === '\r' && t[pos + 2] === '\n' ? 3 : 2;
    } else if (c === '#') {
      const eol = t.indexOf('\n', pos);
      pos = eol < 0 ? t.length : eol;
    } else if (c === '"' || c === "'") {
      pos = lexString(t, pos, pos, '', out);
    } else if (code >= 48 && code <= 57) {
      for (; pos < n; pos++) {
        const d = t.charCodeAt(pos);
        if (d > 0x7f || (CLASS[d]! & 4) === 0) break;
      }
      out.push(OPERAND);
    } else if (c === '+' && t[pos + 1] !== '=') {
      out.push(PLUS);
      pos++;
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      out.push(punct(c));
      pos++;
    }
  }
  markDocstrings(out);
  return out;
}

/** Lexes one string literal whose quote is at `quoteAt` (prefix before it); returns the index after it. */
function lexString(t: string, start: number, quoteAt: number, prefix: string, out: CodeToken[]): number {
  const q = t[quoteAt]!;
  const triple = t.startsWith(q + q + q, quoteAt);
  const delim = triple ? q + q + q : q;
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f');
  const parts: LiteralPart[] = [];
  let i = quoteAt + delim.length;
  // Plain characters are copied in runs; only escapes, f-string braces and CR end a run.
  let run = i;
  while (i < t.length && !(t.charCodeAt(i) === q.charCodeAt(0) && (!triple || t.startsWith(delim, i)))) {
    const c = t[i]!;
    if (!triple && c === '\n') {
      // An unterminated single-line string: Python would reject it; keep the rest of the file.
      return quoteAt + 1;
    }
    if (c === '\\') {
      if (raw) {
        // Raw strings keep the backslash, and it still protects the next quote.
        i += 2;
        continue;
      }
      if (i > run) pushText(parts, t.slice(run, i));
      const e = decodeEscape(t, i);
      pushText(parts, e.value);
      i = run = e.next;
    } else if (fstring && c === '{') {
      if (i > run) pushText(parts, t.slice(run, i));
      if (t[i + 1] === '{') {
        pushText(parts, '{');
        i = run = i + 2;
        continue;
      }
      const close = fieldEnd(t, i + 1);
      const expr = t.slice(i + 1, close);
      // `{x!r:>10}` formats x: the expression is the part before the conversion or format spec.
      parts.push({ kind: 'param', source: expr.replace(/(![rsa])?(:[^}]*)?$/, '').trim() });
      i = run = close + 1;
    } else if (fstring && c === '}' && t[i + 1] === '}') {
      if (i > run) pushText(parts, t.slice(run, i));
      pushText(parts, '}');
      i = run = i + 2;
    } else if (c === '\r') {
      if (i > run) pushText(parts, t.slice(run, i));
      i = run = i + 1;
    } else {
      i++;
    }
  }
  if (Math.min(i, t.length) > run) pushText(parts, t.slice(run, Math.min(i, t.length)));
  const end = Math.min(i + delim.length, t.length);
  out.push({ kind: 'string', start, end, parts });
  return end;
}

/** Index of the `}` closing an f-string field that starts at `from`, past nested brackets and strings. */
function fieldEnd(t: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < t.length) {
    const c = t[i]!;
    if (c === "'" || c === '"') {
      const close = t.indexOf(c, i + 1);
      i = close < 0 ? t.length : close + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === '\n' && depth === 0) return i;
    i++;
  }
  return t.length;
}

/** A logical line made only of string literals is a docstring or a bare expression: never a query. */
function markDocstrings(tokens: CodeToken[]): void {
  let lineStart = 0;
  let onlyStrings = true;
  for (let i = 0; i <= tokens.length; i++) {
    const tok = tokens[i];
    if (tok && tok.kind !== 'break') {
      if (tok.kind !== 'string') onlyStrings = false;
      continue;
    }
    if (i > lineStart && onlyStrings) for (let k = lineStart; k < i; k++) (tokens[k] as StringToken).docstring = true;
    lineStart = i + 1;
    onlyStrings = true;
  }
}
