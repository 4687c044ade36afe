/**
 * Prometheus text's `#` lines on their own: whether a line is HELP or TYPE metadata, the family
 * it names, its type or its HELP text (unescaped). The rules across lines (one HELP and one TYPE
 * per family, TYPE before samples) are the reader's (parserPrometheus.ts).
 */
import type { MetricType } from './types';
import { LineSyntaxError } from './parserProblems';
import * as lexical from './parserLexical';
import { escapedChar, scanQuotedName } from './parserLexical';
import type { BodyText } from './parserBody';
import * as cursor from './parserCursor';

// Local bindings, not live imports (see parserScan.ts).
const { METRIC_PART, METRIC_START, NAME_CLASS, TAB, matchesAt } = lexical;
const { nameCharsEnd } = cursor;

/** TYPE words, in any case (as Prometheus reads them); both spellings of gauge histograms. */
const PROMETHEUS_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'untyped'],
  ['gauge_histogram', 'gaugehistogram'],
  ['gaugehistogram', 'gaugehistogram'],
]);

export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

export const COMMENT = 0;
export const HELP = 1;
export const TYPE = 2;

/**
 * What a `#` line says on its own, before the rules across lines: kept for the next parse of the
 * same source (parserSeriesCache.ts), which reuses it for a line written the same.
 */
export interface MetadataRead {
  kind: typeof COMMENT | typeof HELP | typeof TYPE;
  /** The family name (unescaped when quoted). */
  name: string;
  quoted: boolean;
  /** From the start of the line: where the name is written, and (HELP) where the text starts. */
  nameOffset: number;
  textOffset: number;
  type: MetricType;
  /** HELP: the text, unescaped, once a parse has read it. */
  help: string | undefined;
}

export const NOT_METADATA: MetadataRead = {
  kind: COMMENT,
  name: '',
  quoted: false,
  nameOffset: 0,
  textOffset: 0,
  type: 'untyped',
  help: undefined,
};

/** Where a HELP or TYPE line's parts are: filled in by scanComment, reused from line to line. */
export class CommentScan {
  kind: typeof HELP | typeof TYPE = HELP;
  /** The name, text[nameStart, nameEnd): plain names are not sliced out until needed. */
  nameStart = 0;
  nameEnd = 0;
  /** A quoted name, unescaped; undefined for a plain one. */
  name: string | undefined = undefined;
  /** The name is the one scanComment was told the line likely holds (written at its `knownAt`). */
  sameAsKnown = false;
  /** HELP: where the text starts (it runs to the end of the line). */
  textStart = 0;
  /** TYPE: the type. */
  type: MetricType = 'untyped';
  /**
   * scanHelpLine: whether the name comes after the name it was given to compare with (as strings
   * compare): AFTER, NOT_AFTER, or UNCOMPARED when it was given none.
   */
  order = UNCOMPARED;
}

export const UNCOMPARED = -1;
export const NOT_AFTER = 0;
export const AFTER = 1;

/**
 * A `#` line: true for HELP or TYPE metadata (its parts in `out`), false for any other comment.
 * As in Prometheus's parser, `# HELP` or `# TYPE` with nothing after the name (or no name at all)
 * says nothing and is taken for a comment.
 */
export function scanComment(
  body: BodyText,
  start: number,
  end: number,
  strict: boolean,
  out: CommentScan,
  known: string,
  knownAt: number,
): boolean {
  const t = body.text;
  let i = start + 1;
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  const c = t.charCodeAt(i);
  let kind: typeof HELP | typeof TYPE;
  if (c === UPPER_H && t.charCodeAt(i + 1) === 69 && t.charCodeAt(i + 2) === 76 && t.charCodeAt(i + 3) === 80)
    kind = HELP; // "HELP"
  else if (c === UPPER_T && t.charCodeAt(i + 1) === 89 && t.charCodeAt(i + 2) === 80 && t.charCodeAt(i + 3) === 69)
    kind = TYPE; // "TYPE"
  else return false;
  if (i + 4 > end) return false;
  i += 4;
  if (i < end && !isBlank(t.charCodeAt(i))) return false; // e.g. "# HELPFUL note"
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  if (i === end) return false;
  const nameStart = i;
  let quotedName: string | undefined;
  let sameAsKnown = false;
  const afterKnown = i + known.length;
  if (
    known.length > 0 &&
    afterKnown <= end &&
    (afterKnown === end || isBlank(t.charCodeAt(afterKnown))) &&
    body.same(i, knownAt, known.length)
  ) {
    // The name the last HELP or TYPE line had (checked there): no need to check it again.
    sameAsKnown = true;
    i = afterKnown;
  } else if (t.charCodeAt(i) === QUOTE_CHAR) {
    const quoted = scanQuotedName(t, i + 1, end, 'metric name');
    quotedName = quoted.name;
    i = quoted.end;
  } else {
    i = nameCharsEnd(body, i, end, METRIC_PART);
  }
  const kindWord = kind === HELP ? 'HELP' : 'TYPE';
  if (i < end && !isBlank(t.charCodeAt(i))) {
    let tokenEnd = i;
    while (tokenEnd < end && !isBlank(t.charCodeAt(tokenEnd))) tokenEnd++;
    throw new LineSyntaxError(`invalid metric name "${t.slice(nameStart, tokenEnd)}" in ${kindWord}`);
  }
  // The loop took name characters only; a name may not start with a digit.
  if (quotedName === undefined && (NAME_CLASS[t.charCodeAt(nameStart)]! & METRIC_START) === 0)
    throw new LineSyntaxError(`invalid metric name "${t.slice(nameStart, i)}" in ${kindWord}`);
  const nameEnd = i;
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  if (i === end) return false;
  out.kind = kind;
  out.sameAsKnown = sameAsKnown;
  out.nameStart = nameStart;
  out.nameEnd = nameEnd;
  out.name = quotedName;
  if (kind === HELP) {
    out.textStart = i;
    return true;
  }
  let typeEnd = end;
  while (typeEnd > i && isBlank(t.charCodeAt(typeEnd - 1))) typeEnd--;
  const type = typeWord(t, i, typeEnd);
  if (type === undefined)
    throw new LineSyntaxError(
      `unknown metric type "${t.slice(i, typeEnd)}" (expected counter, gauge, histogram, summary or untyped)`,
    );
  if (strict && typeEnd < end) throw new LineSyntaxError(`blanks after the metric type "${t.slice(i, typeEnd)}"`);
  out.type = type;
  return true;
}

/** A lower-case type word as bytes: three little-endian words that together cover it (at 0, `mid` and its end). */
interface TypeBytes {
  type: MetricType;
  length: number;
  mid: number;
  head: number;
  middle: number;
  tail: number;
}

function wordAt(s: string, at: number): number {
  return s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24);
}

/** The usual type words by their first byte. */
const TYPE_BYTES: (TypeBytes | undefined)[] = new Array<TypeBytes | undefined>(128).fill(undefined);
for (const type of ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const) {
  const mid = Math.min(4, type.length - 4);
  const [head, middle, tail] = [wordAt(type, 0), wordAt(type, mid), wordAt(type, type.length - 4)];
  TYPE_BYTES[type.charCodeAt(0)] = { type, length: type.length, mid, head, middle, tail };
}

/** "# TY" and "YPE " as little-endian words. */
const TYPE_HEAD = wordAt('# TYPE ', 0);
const TYPE_TAIL = wordAt('# TYPE ', 3);

/**
 * The usual TYPE line of the family the last HELP or TYPE line named, read from the body's
 * bytes without looking for its end first: `# TYPE name word` and a newline, with single spaces,
 * `name` as written at `nameAt`, a lower-case type word. Returns where its newline is (the type
 * in `out.type`), or -1 for any other line (also when the body has no byte copy), which the
 * general path then reads; on such a line scanComment finds that name and that type.
 */
export function scanTypeLineOf(body: BodyText, pos: number, name: string, nameAt: number, out: CommentScan): number {
  const view = body.view;
  const bytes = body.bytes;
  const n = name.length;
  // The shortest such line: "# TYPE ", the name, a space, five letters and a newline.
  if (view === undefined || pos + n + 14 > bytes.length) return -1;
  if (view.getInt32(pos, true) !== TYPE_HEAD || view.getInt32(pos + 3, true) !== TYPE_TAIL) return -1;
  const at = pos + 7;
  if (bytes[at + n] !== SPACE || !body.same(at, nameAt, n)) return -1;
  const w = at + n + 1;
  const word = TYPE_BYTES[bytes[w]!]; // an ASCII body: every byte is below 128
  if (word === undefined) return -1;
  const newline = w + word.length;
  if (newline >= bytes.length || bytes[newline] !== NEWLINE) return -1;
  if (
    view.getInt32(w, true) !== word.head ||
    view.getInt32(w + word.mid, true) !== word.middle ||
    view.getInt32(newline - 4, true) !== word.tail
  )
    return -1;
  out.type = word.type;
  return newline;
}

/** "# HE" and "ELP " as little-endian words. */
const HELP_HEAD = wordAt('# HELP ', 0);
const HELP_TAIL = wordAt('# HELP ', 3);

/**
 * The usual HELP line, read from the body's bytes: `# HELP name text` with single spaces, a plain
 * name and text that starts with neither a blank nor a line end. Returns where the text starts
 * (the name is text[out.nameStart, out.nameEnd)), or -1 for any other line (also when the body
 * has no byte copy), which the general path then reads; on such a line scanComment finds that
 * name and that text start.
 *
 * `known` (with knownAt >= 0): a plain name written at knownAt, most often one the name starts
 * as (a sorted body's names share long prefixes). What the name has in common with it is taken
 * eight bytes at a time and need not be checked again (its characters are name characters),
 * and its first other byte tells whether the name comes after `known` (in out.order).
 */
export function scanHelpLine(body: BodyText, pos: number, out: CommentScan, knownAt = -1, knownLength = 0): number {
  const view = body.view;
  const bytes = body.bytes;
  // The shortest such line: "# HELP ", a name, a space and a character of text.
  if (view === undefined || pos + 10 > bytes.length) return -1;
  if (view.getInt32(pos, true) !== HELP_HEAD || view.getInt32(pos + 3, true) !== HELP_TAIL) return -1;
  const nameStart = pos + 7;
  let common = 0;
  if (knownAt >= 0) {
    const most = Math.min(knownLength, bytes.length - nameStart);
    // Eight bytes at a time as float64s (as in BodyText.same), then one at a time.
    while (common + 8 <= most && view.getFloat64(nameStart + common, true) === view.getFloat64(knownAt + common, true))
      common += 8;
    while (common < most && bytes[nameStart + common] === bytes[knownAt + common]) common++;
  }
  if (common === 0 && (NAME_CLASS[bytes[nameStart]!]! & METRIC_START) === 0) return -1;
  const nameEnd = nameCharsEnd(body, nameStart + (common === 0 ? 1 : common), bytes.length, METRIC_PART);
  if (nameEnd + 1 >= bytes.length || bytes[nameEnd] !== SPACE) return -1;
  const c = bytes[nameEnd + 1]!;
  if (c === SPACE || c === TAB || c === NEWLINE || c === CR) return -1;
  out.nameStart = nameStart;
  out.nameEnd = nameEnd;
  if (knownAt < 0) out.order = UNCOMPARED;
  else {
    // Within both names the first byte that differs decides; else the longer one comes after.
    const length = nameEnd - nameStart;
    out.order =
      common < length && common < knownLength
        ? bytes[nameStart + common]! > bytes[knownAt + common]!
          ? AFTER
          : NOT_AFTER
        : length > knownLength
          ? AFTER
          : NOT_AFTER;
  }
  return nameEnd + 1;
}

/** The type a TYPE word names, in any case; undefined for an unknown word. */
function typeWord(t: string, start: number, end: number): MetricType | undefined {
  // The usual lower-case spellings, told apart by length and first letter and compared in place;
  // anything else through the table.
  const length = end - start;
  let word: MetricType | undefined;
  if (length === 5) word = 'gauge';
  else if (length === 9) word = 'histogram';
  else if (length === 7) {
    const c = t.charCodeAt(start);
    word = c === LOWER_C ? 'counter' : c === LOWER_S ? 'summary' : c === LOWER_U ? 'untyped' : undefined;
  }
  if (word !== undefined && matchesAt(t, start, word)) return word;
  return PROMETHEUS_TYPES.get(t.slice(start, end).toLowerCase());
}

const LOWER_C = 99;
const LOWER_S = 115;
const LOWER_U = 117;
const UPPER_H = 72;
const UPPER_T = 84;
export const UPPER_U = 85;
export const SPACE = 32;

const QUOTE_CHAR = 34;
const NEWLINE = 10;
const CR = 13;

/**
 * HELP text escapes `\\`, `\"` and `\n`. Any other backslash is an error in strict mode (as in
 * Prometheus's parser) and stays as written in a lenient read.
 */
export function unescapeHelp(t: string, start: number, end: number, strict: boolean): string {
  const raw = t.slice(start, end);
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  let from = 0;
  for (let i = raw.indexOf('\\'); i >= 0; i = raw.indexOf('\\', i)) {
    const replacement = i + 1 < raw.length ? escapedChar(raw.charCodeAt(i + 1)) : undefined;
    if (replacement === undefined) {
      if (strict)
        throw new LineSyntaxError(
          `invalid escape sequence "${raw.slice(i, i + 2)}" in HELP text (only \\\\, \\" and \\n are allowed)`,
        );
      i++;
      continue;
    }
    out += raw.slice(from, i) + replacement;
    from = i + 2;
    i += 2;
  }
  return out + raw.slice(from);
}
