/**
 * Lexical pieces of the exposition formats shared by the scanner and the dialect readers:
 * character classes of names, number tokens, label-value escapes, and the label-set key.
 */
import { LineSyntaxError } from './parserProblems';

/** Char codes the grammar turns on. */
export const TAB = 9;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
export const EQUALS = 61;
export const UPPER_E = 69;
export const BACKSLASH = 92;
export const LOWER_E = 101;
export const LOWER_N = 110;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/** Character classes for names, indexed by char code (ASCII only; anything else is 0). */
export const METRIC_START = 1;
export const METRIC_PART = 2;
export const LABEL_START = 4;
export const LABEL_PART = 8;
export const NAME_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= ZERO && c <= NINE;
  if (letter) NAME_CLASS[c] = METRIC_START | METRIC_PART | LABEL_START | LABEL_PART;
  else if (digit) NAME_CLASS[c] = METRIC_PART | LABEL_PART;
  else if (c === 58) NAME_CLASS[c] = METRIC_START | METRIC_PART;
}

/** Exact powers of ten: a mantissa below 2^53 times or over one of these rounds correctly. */
export const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * Integers below 2^53 are exact doubles, as are 10^k up to k = 22: one multiplication or
 * division of two such numbers rounds correctly (Clinger's fast path).
 */
const TWO_TO_53 = 2 ** 53;

/**
 * Below what a mantissa read digit by digit (here and in LineCursor.plainDecimal) is exact and
 * takes one operation: 2^53, or 10^15 (at most 15 significant digits) with the 16-digit path off.
 */
export const EXACT_MANTISSA = { below: TWO_TO_53 };

/**
 * Off: number tokens of 16 significant digits are read by Number() like longer ones (the
 * careful path the exact 16-digit path must agree with, in tests).
 */
export function setSixteenDigitNumbersEnabled(enabled: boolean): void {
  EXACT_MANTISSA.below = enabled ? TWO_TO_53 : 1e15;
}

/** What a number token may be. */
export const NUMBER_VALUE = 0; // any float, ±Inf, NaN
export const NUMBER_REAL = 1; // a finite decimal float (OpenMetrics timestamps)
export const NUMBER_INTEGER = 2; // an integer (Prometheus timestamps, in milliseconds)
export type NumberKind = typeof NUMBER_VALUE | typeof NUMBER_REAL | typeof NUMBER_INTEGER;

/**
 * Whether `s` is written in `t` at `at`: a char loop, with no substring made. Cheaper than a
 * slice and compare (an allocation per line) or startsWith (a builtin call) for the short names
 * the scanner checks on every line.
 */
export function matchesAt(t: string, at: number, s: string): boolean {
  const n = s.length;
  if (at + n > t.length) return false;
  for (let k = n - 1; k >= 0; k--) if (t.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

export function isMetricName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const cls = c < 128 ? NAME_CLASS[c]! : 0;
    if ((cls & (i === 0 ? METRIC_START : METRIC_PART)) === 0) return false;
  }
  return true;
}

export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Undo the escapes of label values and OpenMetrics HELP text; unknown escapes stay as written. */
export function unescapeText(t: string, start: number, end: number): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; i++) {
    if (t.charCodeAt(i) !== BACKSLASH || i + 1 >= end) continue;
    const next = t.charCodeAt(i + 1);
    const replacement = next === BACKSLASH ? '\\' : next === QUOTE ? '"' : next === LOWER_N ? '\n' : undefined;
    if (replacement === undefined) {
      i++;
      continue;
    }
    out += t.slice(from, i) + replacement;
    from = i + 2;
    i++;
  }
  return from === start ? t.slice(start, end) : out + t.slice(from, end);
}

/** What an escape may be in Prometheus text: `\\`, `\"` or `\n`; undefined for anything else. */
export function escapedChar(c: number): string | undefined {
  return c === BACKSLASH ? '\\' : c === QUOTE ? '"' : c === LOWER_N ? '\n' : undefined;
}

/**
 * A quoted metric or label name of Prometheus text (names beyond `[a-zA-Z_:][a-zA-Z0-9_:]*`,
 * e.g. `{"http.server.duration"}`), from just after its opening quote: the unescaped name and
 * the index after the closing quote. Only `\\`, `\"` and `\n` may be escaped.
 */
export function scanQuotedName(t: string, start: number, end: number, what: string): { name: string; end: number } {
  let name = '';
  let from = start;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === QUOTE) {
      name += t.slice(from, i);
      if (name.length === 0) throw new LineSyntaxError(`empty quoted ${what}`);
      return { name, end: i + 1 };
    }
    if (c !== BACKSLASH) continue;
    const replacement = i + 1 < end ? escapedChar(t.charCodeAt(i + 1)) : undefined;
    if (replacement === undefined)
      throw new LineSyntaxError(
        `invalid escape sequence "${t.slice(i, i + 2)}" in a quoted ${what} (only \\\\, \\" and \\n are allowed)`,
      );
    name += t.slice(from, i) + replacement;
    from = i + 2;
    i++;
  }
  throw new LineSyntaxError(`unterminated quoted ${what}`);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Parses t[start, end) as a number of the given kind, or throws. Decimal grammar only (no hex,
 * binary, octal or digit separators); `Inf`/`Infinity`/`NaN` in any case, for values only.
 */
export function parseNumberToken(t: string, start: number, end: number, kind: NumberKind, what: string): number {
  let i = start;
  let c = t.charCodeAt(i);
  let negative = false;
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    i++;
    c = i < end ? t.charCodeAt(i) : -1;
  }
  if (isLetter(c)) {
    if (kind === NUMBER_VALUE) {
      const word = t.slice(i, end).toLowerCase();
      if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
      if (word === 'nan' && i === start) return NaN;
    }
    throw new LineSyntaxError(`invalid ${what} "${t.slice(start, end)}"`);
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (i < end && (c = t.charCodeAt(i)) >= ZERO && c <= NINE) {
    if (significant > 0 || c !== ZERO) {
      mantissa = mantissa * 10 + (c - ZERO);
      significant++;
    }
    digits++;
    i++;
  }
  if (i < end && t.charCodeAt(i) === DOT && kind !== NUMBER_INTEGER) {
    i++;
    while (i < end && (c = t.charCodeAt(i)) >= ZERO && c <= NINE) {
      if (significant > 0 || c !== ZERO) {
        mantissa = mantissa * 10 + (c - ZERO);
        significant++;
      }
      scale--;
      digits++;
      i++;
    }
  }
  if (digits === 0) throw new LineSyntaxError(`invalid ${what} "${t.slice(start, end)}"`);
  let exponent = 0;
  if (i < end && kind !== NUMBER_INTEGER && ((c = t.charCodeAt(i)) === LOWER_E || c === UPPER_E)) {
    i++;
    let expNegative = false;
    c = i < end ? t.charCodeAt(i) : -1;
    if (c === PLUS || c === MINUS) {
      expNegative = c === MINUS;
      i++;
    }
    const expStart = i;
    while (i < end && (c = t.charCodeAt(i)) >= ZERO && c <= NINE) {
      if (exponent < 100000) exponent = exponent * 10 + (c - ZERO);
      i++;
    }
    if (i === expStart) throw new LineSyntaxError(`invalid ${what} "${t.slice(start, end)}"`);
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) throw new LineSyntaxError(`invalid ${what} "${t.slice(start, end)}"`);
  const power = exponent + scale;
  let v: number;
  // A mantissa below 2^53 is exact: every step before it was (a step that reached 2^53 rounds to
  // no less, and later steps only grow), so it holds at most 16 significant digits.
  if (mantissa < EXACT_MANTISSA.below && power >= -22 && power <= 22) {
    v = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
  } else {
    v = Number(t.slice(negative || t.charCodeAt(start) === PLUS ? start + 1 : start, end));
  }
  return negative ? -v : v;
}

let plainNumberTexts = true;

/**
 * Turns isPlainNumberText off (false: it answers false, every label number is checked by
 * parseNumberToken) or back on: the differential tests check both ways. Not for production use.
 */
export function setPlainNumberTextEnabled(enabled: boolean): void {
  plainNumberTexts = enabled;
}

/**
 * Whether `v` is a label value that parseNumberToken reads without an error, in the form `le`
 * and `quantile` values are written in: `+Inf`, or digits with at most one dot after the first
 * digit (`0.005`, `1`, `2.5`, `10.0`). Checking that is a fraction of reading the number, for a
 * check that only needs to know whether it would fail. False says nothing (parseNumberToken
 * decides).
 */
export function isPlainNumberText(v: string): boolean {
  if (!plainNumberTexts) return false;
  const n = v.length;
  if (n === 0) return false;
  let c = v.charCodeAt(0);
  if (c < ZERO || c > NINE) return v === '+Inf';
  let dot = false;
  for (let i = 1; i < n; i++) {
    c = v.charCodeAt(i);
    if (c >= ZERO && c <= NINE) continue;
    if (c !== DOT || dot) return false;
    dot = true;
  }
  return true;
}

const NEEDS_ESCAPE = /[\\"\n]/;

function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/**
 * The last label-name list labelsKey sorted, and its sorted order: a scrape's label sets repeat a
 * few name lists (one per family, give or take one), so most calls skip the sort. The names are
 * kept as copies: a name sliced from a body would keep the whole body alive between parses.
 */
let lastNames: string[] = [];
let lastSorted: string[] = [];

function sortedNames(names: string[]): string[] {
  const n = names.length;
  if (lastNames.length === n) {
    let k = 0;
    while (k < n && lastNames[k] === names[k]) k++;
    if (k === n) return lastSorted;
  }
  const copies = names.map((name) => Buffer.from(name, 'utf8').toString('utf8'));
  lastNames = copies;
  lastSorted = copies.slice().sort();
  return lastSorted;
}

/**
 * A stable string key for a label set: names sorted, values escaped as in the exposition, e.g.
 * `code="200",method="GET"`. Two label sets have the same key exactly when they are equal.
 * `except` leaves one label out (grouping histogram buckets without `le`, say).
 */
export function labelsKey(labels: Record<string, string>, except?: string): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  if (keys.length === 1) return keys[0] === except ? '' : `${keys[0]}="${escapeLabelValue(labels[keys[0]!]!)}"`;
  const names = sortedNames(keys);
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (n === except) continue;
    key += `${key.length > 0 ? ',' : ''}${n}="${escapeLabelValue(labels[n]!)}"`;
  }
  return key;
}
