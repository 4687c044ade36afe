import type { SourcePosition } from './types';

/**
 * Maps string offsets to 0-based line/column positions. Line starts are found on demand, only as
 * far into the text as the offsets asked for (statements are asked in order, so a file is searched
 * for line ends once, up to its last statement).
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Line ends are known for every offset below this. */
  private scanned = 0;
  constructor(private readonly text: string) {}
  position(offset: number): SourcePosition {
    while (this.scanned <= offset && this.scanned < this.text.length) {
      const nl = this.text.indexOf('\n', this.scanned);
      if (nl < 0) this.scanned = this.text.length;
      else {
        this.starts.push(nl + 1);
        this.scanned = nl + 1;
      }
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo]! };
  }
}

/** A piece of a string literal: literal text, or an interpolated expression (`${id}`, `{id}`). */
export type LiteralPart = { kind: 'text'; value: string } | { kind: 'param'; source: string; written?: string };

/**
 * Tokens the extractors need: string literals with their decoded parts, and enough else to see
 * concatenation. An identifier's name is `text.slice(start, end)` (sliced only where it is read);
 * `plus`, `punct` and `break` carry no position, so one shared object stands for each of them.
 */
export type CodeToken =
  | { kind: 'string'; start: number; end: number; parts: LiteralPart[]; tag?: string; docstring?: boolean }
  | { kind: 'plus' }
  | { kind: 'ident'; start: number; end: number }
  | { kind: 'punct'; text: string }
  /** A Python logical line end (outside brackets). */
  | { kind: 'break' };

export const PLUS: CodeToken = Object.freeze({ kind: 'plus' });
export const BREAK: CodeToken = Object.freeze({ kind: 'break' });
/** A number or a regular expression literal: an operand, never SQL. */
export const OPERAND: CodeToken = Object.freeze({ kind: 'punct', text: '0' });
const ASCII_PUNCT: CodeToken[] = Array.from({ length: 128 }, (_, c) =>
  Object.freeze({ kind: 'punct', text: String.fromCharCode(c) }),
);
const OTHER_PUNCT = new Map<string, CodeToken>();

/** The shared token for a piece of punctuation. */
export function punct(text: string): CodeToken {
  if (text.length === 1 && text.charCodeAt(0) < 128) return ASCII_PUNCT[text.charCodeAt(0)]!;
  let t = OTHER_PUNCT.get(text);
  if (!t) OTHER_PUNCT.set(text, (t = Object.freeze({ kind: 'punct', text })));
  return t;
}

export type StringToken = Extract<CodeToken, { kind: 'string' }>;

/** Appends text to a part list, merging with a trailing text part. */
export function pushText(parts: LiteralPart[], value: string): void {
  if (!value) return;
  const last = parts[parts.length - 1];
  if (last?.kind === 'text') last.value += value;
  else parts.push({ kind: 'text', value });
}

// 1 = may start an identifier, 2 = may continue one (ASCII; anything above 0x7f counts as both).
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$]/.test(ch)) IDENT[c] = 3;
  else if (/[0-9]/.test(ch)) IDENT[c] = 2;
}

export function isIdentStart(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x7f || (IDENT[code]! & 1) === 1;
}

export function isIdentPart(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x7f || (IDENT[code]! & 2) === 2;
}

/** Index after the identifier characters starting at `from`. */
export function identEnd(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x7f && (IDENT[code]! & 2) === 0) break;
  }
  return i;
}

/**
 * Decodes one backslash escape at text[i] === '\\' (C-family and Python share most of them).
 * Returns the decoded text and the index after the escape.
 */
export function decodeEscape(text: string, i: number): { value: string; next: number } {
  const c = text[i + 1];
  if (c === undefined) return { value: '\\', next: i + 1 };
  switch (c) {
    case 'n':
      return { value: '\n', next: i + 2 };
    case 't':
      return { value: '\t', next: i + 2 };
    case 'r':
      return { value: '\r', next: i + 2 };
    case '0':
      return { value: '\0', next: i + 2 };
    case '\r':
      // A backslash before a line end continues the line in every family.
      return { value: '', next: text[i + 2] === '\n' ? i + 3 : i + 2 };
    case '\n':
      return { value: '', next: i + 2 };
    case 'x': {
      const hex = /^[0-9a-fA-F]{2}/.exec(text.slice(i + 2, i + 4));
      return hex ? { value: String.fromCharCode(parseInt(hex[0], 16)), next: i + 4 } : { value: 'x', next: i + 2 };
    }
    case 'u': {
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 2, i + 10));
      if (braced) return { value: String.fromCodePoint(parseInt(braced[1]!, 16)), next: i + 2 + braced[0].length };
      const hex = /^[0-9a-fA-F]{4}/.exec(text.slice(i + 2, i + 6));
      return hex ? { value: String.fromCharCode(parseInt(hex[0], 16)), next: i + 6 } : { value: 'u', next: i + 2 };
    }
    default:
      return { value: c, next: i + 2 };
  }
}
