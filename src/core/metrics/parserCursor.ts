/**
 * The cursor the exposition parser's line scanner moves along one line: the single tokens of
 * the grammar (names, quoted label values, numbers, blanks). SampleScanner builds on it.
 */
import { LineSyntaxError } from './parserProblems';
import * as lexical from './parserLexical';
import type { NumberKind } from './parserLexical';
import { BodyText } from './parserBody';
import type { CopyBuffers } from './parserBody';
import * as decimal from './parserDecimal';

// Local bindings, not live imports: a module loaded as CommonJS (tsx, the tests, the benchmark)
// reads each imported name through a getter, which costs dearly inside per-character loops.
const {
  BACKSLASH,
  DOT,
  EXACT_MANTISSA,
  LOWER_E,
  MINUS,
  NAME_CLASS,
  NINE,
  NUMBER_INTEGER,
  PLUS,
  POW10,
  QUOTE,
  SPACE,
  TAB,
  UPPER_E,
  ZERO,
  escapedChar,
  parseNumberToken,
  unescapeText,
} = lexical;
const { longDecimal } = decimal;

const NEWLINE = 10;

function indexOrInfinity(t: string, ch: string, from: number): number {
  const i = t.indexOf(ch, from);
  return i < 0 ? Infinity : i;
}

/** Where the name characters of `partClass` that start at `from` end (the body's bytes when mirrored). */
export function nameCharsEnd(body: BodyText, from: number, end: number, partClass: number): number {
  const bytes = body.bytes;
  let i = from;
  if (bytes.length !== 0) {
    while (i < end && (NAME_CLASS[bytes[i]!]! & partClass) !== 0) i++; // ASCII: every byte is below 128
    return i;
  }
  const t = body.text;
  while (i < end) {
    const c = t.charCodeAt(i);
    if (c >= 128 || (NAME_CLASS[c]! & partClass) === 0) break;
    i++;
  }
  return i;
}

export class LineCursor {
  protected text = '';
  /** The body, for comparing a line's text with where it was last written (see parserBody.ts). */
  body = new BodyText('');
  protected pos = 0;
  protected end = 0;
  /** Whether the last scanQuoted value was written without escapes. */
  protected quotedPlain = true;
  /**
   * The next index of each delimiter at or after the cursor (Infinity: none). Native indexOf
   * is many times faster than a charCodeAt loop, and the cursor only moves forward, so each
   * delimiter's search covers the text once in all.
   */
  private nextQuoteAt = -1;
  private nextBackslashAt = -1;

  /**
   * `strictText` (Prometheus text in strict mode) also rejects what Prometheus's parser rejects
   * but a lenient read can use as written: an escape other than `\\`, `\"`, `\n` in a label
   * value, and blanks at the end of a sample line.
   */
  constructor(
    protected readonly openMetrics: boolean,
    protected readonly strictText = false,
  ) {}

  /** A new body to read. */
  protected start(text: string, buffers?: CopyBuffers, inUse?: BodyText): void {
    this.text = text;
    this.body = new BodyText(text, buffers, inUse);
    this.forgetDelimiters();
  }

  /** Forgets where the next delimiters are: the cursor may go back (to read a line again). */
  protected forgetDelimiters(): void {
    this.nextQuoteAt = this.nextBackslashAt = -1;
  }

  protected nextQuote(from: number): number {
    if (this.nextQuoteAt < from) this.nextQuoteAt = indexOrInfinity(this.text, '"', from);
    return this.nextQuoteAt;
  }

  /** The index of the next backslash at or after `from` (Infinity: none); `from` never goes back. */
  nextBackslash(from: number): number {
    if (this.nextBackslashAt < from) this.nextBackslashAt = indexOrInfinity(this.text, '\\', from);
    return this.nextBackslashAt;
  }

  /** An infinite value written as digits (1e400) overflowed: Prometheus rejects it; only "Inf" is infinite. */
  protected checkInRange(start: number): void {
    const token = this.text.slice(start, this.pos);
    if (!/inf/i.test(token))
      throw new LineSyntaxError(
        `value ${token} is out of range (larger than a 64-bit float holds; write +Inf for infinity)`,
      );
  }

  protected peek(): number {
    if (this.pos >= this.end) return -1;
    const bytes = this.body.bytes;
    return bytes.length !== 0 ? bytes[this.pos]! : this.text.charCodeAt(this.pos);
  }

  protected expectSpace(what: string): void {
    if (this.peek() !== SPACE) throw new LineSyntaxError(`expected ${what}`);
    this.pos++;
    if (this.pos >= this.end) throw new LineSyntaxError('unexpected space at the end of the line');
    if (this.text.charCodeAt(this.pos) === SPACE) throw new LineSyntaxError('unexpected double space');
  }

  protected skipBlanks(): void {
    const t = this.text;
    const bytes = this.body.bytes;
    const mirrored = bytes.length !== 0;
    while (this.pos < this.end) {
      const c = mirrored ? bytes[this.pos]! : t.charCodeAt(this.pos);
      if (c !== SPACE && c !== TAB) return;
      this.pos++;
    }
  }

  /** Scans a metric or label name at the cursor, character by character. */
  protected scanName(startClass: number, partClass: number, what: string): string {
    const t = this.text;
    const start = this.pos;
    const end = this.end;
    const first = start < end ? t.charCodeAt(start) : -1;
    if (first < 0 || first >= 128 || (NAME_CLASS[first]! & startClass) === 0)
      throw new LineSyntaxError(`expected ${what}`);
    const i = nameCharsEnd(this.body, start + 1, end, partClass);
    this.pos = i;
    return t.slice(start, i);
  }

  /** Just after an opening quote: returns the unescaped value and moves past the closing quote. */
  protected scanQuoted(): string {
    const t = this.text;
    const start = this.pos;
    const quote = this.nextQuote(start);
    if (quote < this.end && this.nextBackslash(start) > quote) {
      this.pos = quote + 1;
      this.quotedPlain = true;
      return t.slice(start, quote);
    }
    this.quotedPlain = false;
    let escaped = false;
    for (let i = start; i < this.end; i++) {
      const c = t.charCodeAt(i);
      if (c === BACKSLASH) {
        if (this.strictText && (i + 1 >= this.end || escapedChar(t.charCodeAt(i + 1)) === undefined)) {
          throw new LineSyntaxError(
            `invalid escape sequence "${t.slice(i, i + 2)}" in a label value (only \\\\, \\" and \\n are allowed)`,
          );
        }
        escaped = true;
        i++;
      } else if (c === QUOTE) {
        this.pos = i + 1;
        return escaped ? unescapeText(t, start, i) : t.slice(start, i);
      }
    }
    throw new LineSyntaxError('unterminated label value');
  }

  /** Scans a number token ending at a blank or the end of the line. */
  protected scanNumber(kind: NumberKind, what: string): number {
    const t = this.text;
    const start = this.pos;
    if (this.body.bytes.length !== 0) {
      const plain = this.plainDecimal(kind);
      if (plain >= 0) return plain;
    }
    // A char loop: number tokens are short enough that it beats an indexOf call.
    let end = start;
    while (end < this.end) {
      const c = t.charCodeAt(end);
      if (c === SPACE || (c === TAB && !this.openMetrics)) break;
      end++;
    }
    if (end === start) throw new LineSyntaxError(`missing ${what}`);
    this.pos = end;
    return parseNumberToken(t, start, end, kind, what);
  }

  /**
   * The fast path for most values: digits with an optional fraction and an exponent of up to
   * three digits (`42`, `0.005`, `2.685848e+06`), read from the body's bytes. The digits are
   * gathered into one integer mantissa (leading zeros add nothing to it): below 2^53 (every step
   * then exact: a step that reached 2^53 could not round back below it) and with a power of ten
   * within ±22, one multiplication or division by an exact power of ten rounds as
   * parseNumberToken does; past that (sums and times written to 17 digits) longDecimal reads it
   * to the same double as Number() of the token (which parseNumberToken uses), or leaves it to
   * Number() when it cannot be sure. Moves past the token and returns its value, or returns -1
   * and leaves the cursor for parseNumberToken (signs, Inf/NaN, malformed tokens, and overflow:
   * strict text reads `1e999` as an error).
   */
  protected plainDecimal(kind: NumberKind): number {
    const bytes = this.body.bytes;
    const stop = this.end;
    const start = this.pos;
    let i = start;
    let mantissa = 0;
    let c = -1;
    while (i < stop && (c = bytes[i]!) >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      i++;
    }
    let digits = i - start;
    let power = 0;
    if (i < stop && c === DOT && kind !== NUMBER_INTEGER) {
      const fraction = ++i;
      while (i < stop && (c = bytes[i]!) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        i++;
      }
      power = fraction - i;
      digits -= power;
    }
    const digitsEnd = i;
    if (digits === 0) return -1;
    if (i < stop && ((c = bytes[i]!) === LOWER_E || c === UPPER_E) && kind !== NUMBER_INTEGER) {
      // An exponent as Go and Python write large and small values: 2.685848e+06, 1.5e-05.
      c = ++i < stop ? bytes[i]! : -1;
      const negative = c === MINUS;
      if (negative || c === PLUS) i++;
      const expStart = i;
      let exponent = 0;
      while (i < stop && (c = bytes[i]!) >= ZERO && c <= NINE && i - expStart < 3) {
        exponent = exponent * 10 + (c - ZERO);
        i++;
      }
      if (i === expStart) return -1;
      power += negative ? -exponent : exponent;
    }
    // A newline ends it too: a line's own end never holds one, a read to the body's end stops there.
    if (i < stop && (c = bytes[i]!) !== SPACE && c !== NEWLINE && (c !== TAB || this.openMetrics)) return -1;
    this.pos = i;
    if (mantissa < EXACT_MANTISSA.below && power >= -22 && power <= 22)
      return power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
    const exact = longDecimal(mantissa, bytes, digitsEnd, power);
    if (exact >= 0) return exact;
    const long = Number(this.text.slice(start, i));
    if (long === Infinity) {
      this.pos = start;
      return -1;
    }
    return long;
  }
}
