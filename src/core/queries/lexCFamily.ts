import type { CodeToken, LiteralPart } from './sourceText';
import {
  OPERAND as sharedOPERAND,
  PLUS as sharedPLUS,
  decodeEscape,
  punct as sharedPunct,
  pushText,
} from './sourceText';

// Bound once here: the per-character loop reads module-local constants, not the import on every use.
const OPERAND = sharedOPERAND;
const PLUS = sharedPLUS;
const punct = sharedPunct;

export type CFamily = 'js' | 'go' | 'java';

/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

// 1 = may start an identifier, 2 = may continue one (ASCII; anything above 0x7f counts as both).
// Kept here rather than shared so the per-character loop calls nothing outside this module.
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_' || ch === '$') IDENT[c] = 3;
  else if (ch >= '0' && ch <= '9') IDENT[c] = 2;
}

/**
 * A tokenizer for the C-like families (JavaScript/TypeScript, Go, Java): skips comments, decodes
 * string literals of every quote kind (template literals with `${…}` parts, Go raw strings, Java
 * text blocks) and keeps identifiers, `+` and punctuation so concatenation can be seen.
 * Single-line string kinds stop at a line end, so stray quotes (JSX text, malformed code) cost one
 * line, never the rest of the file.
 */
export function lexCFamily(text: string, family: CFamily): CodeToken[] {
  const out: CodeToken[] = [];
  const lexer = new CLexer(text, family, out);
  lexer.run(false);
  return out;
}

class CLexer {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly family: CFamily,
    private readonly out: CodeToken[],
  ) {}

  /** Lexes until the end, or (inside `${…}`) until the brace that closes the interpolation. */
  run(insideInterpolation: boolean): void {
    const t = this.text;
    let braceDepth = 0;
    const n = t.length;
    while (this.pos < n) {
      const code = t.charCodeAt(this.pos);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        this.pos++;
        continue;
      }
      if (code > 0x7f || (IDENT[code]! & 1) === 1) {
        const start = this.pos;
        let i = this.pos + 1;
        for (; i < n; i++) {
          const d = t.charCodeAt(i);
          if (d <= 0x7f && (IDENT[d]! & 2) === 0) break;
        }
        this.pos = i;
        this.out.push({ kind: 'ident', start, end: i });
        continue;
      }
      const c = t[this.pos]!;
      const next = t[this.pos + 1];
      if (c === '/' && next === '/') {
        const eol = t.indexOf('\n', this.pos);
        this.pos = eol < 0 ? t.length : eol;
      } else if (c === '/' && next === '*') {
        const close = t.indexOf('*/', this.pos + 2);
        this.pos = close < 0 ? t.length : close + 2;
      } else if (c === '"' || c === "'") {
        if (this.family === 'java' && c === '"' && t.startsWith('"""', this.pos)) this.javaTextBlock();
        else this.quoted(c);
      } else if (c === '`') {
        if (this.family === 'js') this.template();
        else if (this.family === 'go') this.goRaw();
        else this.pos++;
      } else if (code >= 48 && code <= 57) {
        for (; this.pos < n; this.pos++) {
          const d = t.charCodeAt(this.pos);
          if (d <= 0x7f && (IDENT[d]! & 2) === 0 && d !== 46 /* . */) break;
        }
        this.out.push(OPERAND);
      } else if (c === '/' && this.family === 'js' && this.regexAllowed()) {
        this.skipRegex();
      } else if (c === '+' && next !== '+' && next !== '=') {
        this.out.push(PLUS);
        this.pos++;
      } else {
        if (insideInterpolation && c === '{') braceDepth++;
        if (insideInterpolation && c === '}') {
          if (braceDepth === 0) return;
          braceDepth--;
        }
        const len = c === '+' && (next === '+' || next === '=') ? 2 : 1;
        this.out.push(punct(len === 1 ? c : t.slice(this.pos, this.pos + len)));
        this.pos += len;
      }
    }
  }

  private quoted(quote: string): void {
    const t = this.text;
    const start = this.pos;
    let i = this.pos + 1;
    let value = '';
    let runStart = i;
    const q = quote.charCodeAt(0);
    for (;;) {
      const code = i < t.length ? t.charCodeAt(i) : q;
      if (code === q) break;
      if (code === 10) {
        // Unterminated on this line: not a string (an apostrophe in JSX text, a char we misread).
        this.pos = start + 1;
        return;
      }
      if (code === 92 /* \\ */) {
        const e = decodeEscape(t, i);
        value += t.slice(runStart, i) + e.value;
        i = runStart = e.next;
      } else i++;
    }
    value += t.slice(runStart, i);
    this.pos = Math.min(i + 1, t.length);
    // Java and Go single quotes are character literals, never SQL.
    if (quote === "'" && this.family !== 'js') return;
    this.out.push({ kind: 'string', start, end: this.pos, parts: value ? [{ kind: 'text', value }] : [] });
  }

  private javaTextBlock(): void {
    const t = this.text;
    const start = this.pos;
    let i = t.indexOf('\n', this.pos + 3);
    if (i < 0) {
      this.pos = t.length;
      return;
    }
    i++;
    let raw = '';
    while (i < t.length && !t.startsWith('"""', i)) {
      if (t[i] === '\\') {
        const e = decodeEscape(t, i);
        raw += e.value;
        i = e.next;
      } else raw += t[i++];
    }
    this.pos = Math.min(i + 3, t.length);
    this.out.push({
      kind: 'string',
      start,
      end: this.pos,
      parts: [{ kind: 'text', value: stripIncidentalIndent(raw) }],
    });
  }

  private goRaw(): void {
    const t = this.text;
    const start = this.pos;
    const close = t.indexOf('`', this.pos + 1);
    const end = close < 0 ? t.length : close;
    this.pos = close < 0 ? t.length : close + 1;
    const value = t.slice(start + 1, end).replace(/\r/g, '');
    this.out.push({ kind: 'string', start, end: this.pos, parts: value ? [{ kind: 'text', value }] : [] });
  }

  private template(): void {
    const t = this.text;
    const start = this.pos;
    const prev = this.out[this.out.length - 1];
    const tag =
      prev?.kind === 'ident' && /^\s*$/.test(t.slice(prev.end, start)) ? t.slice(prev.start, prev.end) : undefined;
    const parts: LiteralPart[] = [];
    const token: CodeToken = { kind: 'string', start, end: start, parts, tag };
    this.out.push(token);
    let i = this.pos + 1;
    // Plain characters are copied in runs; only escapes and `${` end a run.
    let run = i;
    while (i < t.length && t.charCodeAt(i) !== 96 /* ` */) {
      const code = t.charCodeAt(i);
      if (code === 92 /* \\ */) {
        if (i > run) pushText(parts, t.slice(run, i));
        const e = decodeEscape(t, i);
        pushText(parts, e.value);
        i = run = e.next;
      } else if (code === 36 /* $ */ && t.charCodeAt(i + 1) === 123 /* { */) {
        if (i > run) pushText(parts, t.slice(run, i));
        const exprStart = i + 2;
        this.pos = exprStart;
        const before = this.out.length;
        this.run(true);
        // The interpolation is one opaque operand of the literal; its own tokens would only confuse
        // the concatenation that follows.
        this.out.splice(before);
        parts.push({ kind: 'param', source: t.slice(exprStart, this.pos).trim() });
        i = run = this.pos + 1;
      } else i++;
    }
    if (Math.min(i, t.length) > run) pushText(parts, t.slice(run, Math.min(i, t.length)));
    this.pos = Math.min(i + 1, t.length);
    token.end = this.pos;
    if (tag !== undefined && prev) {
      // The tag is part of the literal, not an operand before it.
      const idx = this.out.indexOf(prev);
      if (idx >= 0) this.out.splice(idx, 1);
    }
  }

  private regexAllowed(): boolean {
    const prev = this.out[this.out.length - 1];
    if (!prev) return true;
    if (prev.kind === 'ident') return REGEX_AFTER_WORDS.has(this.text.slice(prev.start, prev.end));
    if (prev.kind === 'string') return false;
    if (prev.kind === 'plus') return true;
    if (prev.kind === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '0' && prev.text !== '++';
    return true;
  }

  private skipRegex(): void {
    const t = this.text;
    let i = this.pos + 1;
    let inClass = false;
    while (i < t.length && t[i] !== '\n') {
      const c = t[i]!;
      if (c === '\\') i += 2;
      else if (c === '[' || c === ']') {
        inClass = c === '[';
        i++;
      } else if (c === '/' && !inClass) break;
      else i++;
    }
    if (t[i] !== '/') {
      // Not a regex after all: treat the slash as an operator.
      this.out.push(punct('/'));
      this.pos++;
      return;
    }
    i++;
    while (i < t.length && /[a-z]/.test(t[i]!)) i++;
    this.out.push(OPERAND);
    this.pos = i;
  }
}

/** Java text blocks drop the indentation common to all non-blank lines. */
function stripIncidentalIndent(raw: string): string {
  const lines = raw.replace(/\r/g, '').split('\n');
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  if (!Number.isFinite(min)) return raw;
  return lines.map((l) => l.slice(Math.min(min, l.length))).join('\n');
}
