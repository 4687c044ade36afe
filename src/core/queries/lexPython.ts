import type { CodeToken, LiteralPart } from './sourceText';
import { decodeEscape, identEnd, isIdentStart, pushText } from './sourceText';

const STRING_PREFIX = /^(?:r|u|b|f|br|rb|fr|rf)$/i;

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
  const pushBreak = (at: number) => {
    const prev = out[out.length - 1];
    if (prev && prev.kind !== 'break') out.push({ kind: 'break', start: at, end: at + 1 });
  };
  while (pos < t.length) {
    const c = t[pos]!;
    if (c === '\n') {
      if (depth === 0) pushBreak(pos);
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
    } else if (isIdentStart(c) && c !== '$') {
      const start = pos;
      pos = identEnd(t, pos + 1);
      const word = t.slice(start, pos);
      if ((t[pos] === '"' || t[pos] === "'") && STRING_PREFIX.test(word))
        pos = lexString(t, start, pos, word.toLowerCase(), out);
      else out.push({ kind: 'ident', start, end: pos, text: word });
    } else if (c >= '0' && c <= '9') {
      const start = pos;
      while (pos < t.length && /[0-9a-zA-Z_.]/.test(t[pos]!)) pos++;
      out.push({ kind: 'punct', start, end: pos, text: '0' });
    } else if (c === '+' && t[pos + 1] !== '=') {
      out.push({ kind: 'plus', start: pos, end: pos + 1 });
      pos++;
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      out.push({ kind: 'punct', start: pos, end: pos + 1, text: c });
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
  const flush = (to: number) => {
    if (to > run) pushText(parts, t.slice(run, to));
  };
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
      flush(i);
      const e = decodeEscape(t, i);
      pushText(parts, e.value);
      i = run = e.next;
    } else if (fstring && c === '{') {
      flush(i);
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
      flush(i);
      pushText(parts, '}');
      i = run = i + 2;
    } else if (c === '\r') {
      flush(i);
      i = run = i + 1;
    } else {
      i++;
    }
  }
  flush(Math.min(i, t.length));
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
  for (let i = 0; i <= tokens.length; i++) {
    const tok = tokens[i];
    if (tok && tok.kind !== 'break') continue;
    const line = tokens.slice(lineStart, i);
    if (line.length > 0 && line.every((x) => x.kind === 'string'))
      for (const s of line) if (s.kind === 'string') s.docstring = true;
    lineStart = i + 1;
  }
}
