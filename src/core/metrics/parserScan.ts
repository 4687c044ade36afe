/**
 * The exposition parser's line scanner: one sample line (name, labels, value, timestamp,
 * exemplar) in a single pass over char codes, for both dialects. OpenMetrics is scanned to its
 * exact grammar (single spaces, no trailing comma); Prometheus text 0.0.4 allows runs of blanks
 * and a trailing comma, as the reference Go parser does.
 */
import type { Exemplar, Sample } from './types';
import { LineSyntaxError } from './parserProblems';

const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const UPPER_E = 69;
const BACKSLASH = 92;
const LOWER_E = 101;
const LOWER_N = 110;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** Character classes for names, indexed by char code (ASCII only; anything else is 0). */
const METRIC_START = 1;
const METRIC_PART = 2;
const LABEL_START = 4;
const LABEL_PART = 8;
const NAME_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= ZERO && c <= NINE;
  if (letter) NAME_CLASS[c] = METRIC_START | METRIC_PART | LABEL_START | LABEL_PART;
  else if (digit) NAME_CLASS[c] = METRIC_PART | LABEL_PART;
  else if (c === 58) NAME_CLASS[c] = METRIC_START | METRIC_PART;
}

const RECENT_NAMES = 4;

/** Exact powers of ten: a mantissa below 2^53 times or over one of these rounds correctly. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** What a number token may be. */
export const NUMBER_VALUE = 0; // any float, ±Inf, NaN
export const NUMBER_REAL = 1; // a finite decimal float (OpenMetrics timestamps)
export const NUMBER_INTEGER = 2; // an integer (Prometheus timestamps, in milliseconds)
type NumberKind = typeof NUMBER_VALUE | typeof NUMBER_REAL | typeof NUMBER_INTEGER;

/** Most exemplar label sets are far shorter; the spec caps names plus values at 128 code points. */
const MAX_EXEMPLAR_LABEL_CODE_POINTS = 128;

function indexOrInfinity(t: string, ch: string, from: number): number {
  const i = t.indexOf(ch, from);
  return i < 0 ? Infinity : i;
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

/** A plain assignment to "__proto__" would set the object's prototype instead of a label. */
function setProtoLabel(labels: Record<string, string>, value: string): void {
  Object.defineProperty(labels, '__proto__', { value, enumerable: true, writable: true, configurable: true });
}

function codePointLength(s: string): number {
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

export class SampleScanner {
  private text = '';
  private pos = 0;
  private end = 0;
  /** The last few distinct sample names (x, x_sum, x_count…): lines mostly repeat them. */
  private readonly recentNames: string[] = new Array<string>(RECENT_NAMES).fill('');
  private recentNext = 0;
  /** Label names of the last sample whose label set scanned fully: [0, knownLabelCount) are distinct. */
  private readonly lastLabelNames: string[] = [];
  private knownLabelCount = 0;
  /**
   * The next index of each delimiter at or after the cursor (Infinity: none). Native indexOf
   * is many times faster than a charCodeAt loop, and the cursor only moves forward, so each
   * delimiter's search covers the text once in all.
   */
  private nextQuoteAt = -1;
  private nextBackslashAt = -1;

  constructor(private readonly openMetrics: boolean) {}

  reset(text: string): void {
    this.text = text;
    this.recentNames.fill('');
    this.lastLabelNames.length = 0;
    this.knownLabelCount = 0;
    this.nextQuoteAt = this.nextBackslashAt = -1;
  }

  private nextQuote(from: number): number {
    if (this.nextQuoteAt < from) this.nextQuoteAt = indexOrInfinity(this.text, '"', from);
    return this.nextQuoteAt;
  }

  private nextBackslash(from: number): number {
    if (this.nextBackslashAt < from) this.nextBackslashAt = indexOrInfinity(this.text, '\\', from);
    return this.nextBackslashAt;
  }

  /** Scans the sample line text[start, end); throws LineSyntaxError when it is malformed. */
  scanSample(start: number, end: number): Sample {
    const t = this.text;
    this.pos = start;
    this.end = end;
    const name = this.scanMetricName();
    let labels: Record<string, string> = {};
    if (this.openMetrics) {
      if (this.peek() === OPEN_BRACE) labels = this.scanLabels(true, true);
      this.expectSpace('a space and a value after the metric name');
    } else {
      this.skipBlanks();
      if (this.peek() === OPEN_BRACE) {
        labels = this.scanLabels(false, true);
        this.skipBlanks();
      } else if (this.pos === start + name.length) {
        throw new LineSyntaxError(`invalid metric name: unexpected "${t[this.pos] ?? ''}"`);
      }
    }
    const value = this.scanNumber(NUMBER_VALUE, 'value');
    const sample: Sample = { name, labels, value };
    if (this.openMetrics) {
      if (this.pos === end) return sample;
      this.expectSpace('a single space before the timestamp or exemplar');
      if (this.peek() !== HASH) {
        sample.timestamp = this.scanNumber(NUMBER_REAL, 'timestamp');
        if (this.pos === end) return sample;
        this.expectSpace('a single space before the exemplar');
        if (this.peek() !== HASH) throw new LineSyntaxError('unexpected text after the timestamp');
      }
      sample.exemplar = this.scanExemplar();
      return sample;
    }
    this.skipBlanks();
    if (this.pos < end) {
      sample.timestamp = this.scanNumber(NUMBER_INTEGER, 'timestamp');
      this.skipBlanks();
      if (this.pos < end) throw new LineSyntaxError('unexpected text after the timestamp');
    }
    return sample;
  }

  private peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  private expectSpace(what: string): void {
    if (this.peek() !== SPACE) throw new LineSyntaxError(`expected ${what}`);
    this.pos++;
    if (this.pos >= this.end) throw new LineSyntaxError('unexpected space at the end of the line');
    if (this.text.charCodeAt(this.pos) === SPACE) throw new LineSyntaxError('unexpected double space');
  }

  private skipBlanks(): void {
    const t = this.text;
    while (this.pos < this.end) {
      const c = t.charCodeAt(this.pos);
      if (c !== SPACE && c !== TAB) return;
      this.pos++;
    }
  }

  private scanMetricName(): string {
    // Fast path: one of the last few names, followed by "{", a blank or the end of the line.
    // Then we return that same string object (a slice and a native compare, no char loop).
    const t = this.text;
    const start = this.pos;
    const recent = this.recentNames;
    for (let r = 0; r < RECENT_NAMES; r++) {
      const known = recent[r]!;
      const e = start + known.length;
      if (e > this.end || known.length === 0) continue;
      const c = e < this.end ? t.charCodeAt(e) : -1;
      if ((c === OPEN_BRACE || c === SPACE || c === TAB || c === -1) && t.slice(start, e) === known) {
        this.pos = e;
        return known;
      }
    }
    // Slow path: character by character.
    const name = this.scanName(METRIC_START, METRIC_PART, undefined, 'a metric name');
    recent[this.recentNext] = name;
    this.recentNext = (this.recentNext + 1) % RECENT_NAMES;
    return name;
  }

  /**
   * Scans a name at the cursor. When the text holds exactly `known` (the name the previous line
   * had in this place), returns that same string object: lines mostly repeat their names, and
   * reusing one object spares a copy and keeps property-key and Map lookups on it cheap.
   */
  private scanName(startClass: number, partClass: number, known: string | undefined, what: string): string {
    const t = this.text;
    const start = this.pos;
    const end = this.end;
    let i = start;
    if (known !== undefined && known.length > 0) {
      const n = known.length;
      let k = 0;
      while (k < n && i < end && t.charCodeAt(i) === known.charCodeAt(k)) {
        i++;
        k++;
      }
      if (k === n) {
        const c = i < end ? t.charCodeAt(i) : -1;
        if (c < 0 || c >= 128 || (NAME_CLASS[c]! & partClass) === 0) {
          this.pos = i;
          return known;
        }
      }
      // The matched characters are those of a valid name: keep scanning from where they differ.
    }
    if (i === start) {
      const c = i < end ? t.charCodeAt(i) : -1;
      if (c < 0 || c >= 128 || (NAME_CLASS[c]! & startClass) === 0) throw new LineSyntaxError(`expected ${what}`);
      i++;
    }
    while (i < end) {
      const c = t.charCodeAt(i);
      if (c >= 128 || (NAME_CLASS[c]! & partClass) === 0) break;
      i++;
    }
    this.pos = i;
    return t.slice(start, i);
  }

  /**
   * At "{": scans the label set through "}", in the strict OpenMetrics form or the relaxed
   * Prometheus one. A sample's label names are compared with the previous sample's, position by
   * position: when they repeat, the same string objects are reused and, as that set was already
   * found free of duplicates, the duplicate check is skipped until a name differs.
   */
  private scanLabels(strictForm: boolean, isSample: boolean): Record<string, string> {
    const t = this.text;
    const labels: Record<string, string> = {};
    this.pos++;
    if (!strictForm) this.skipBlanks();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      if (isSample) this.knownLabelCount = 0;
      return labels;
    }
    const knownNames = this.lastLabelNames;
    let checkDuplicates = !isSample;
    for (let index = 0; ; index++) {
      const start = this.pos;
      let name: string | undefined = isSample && index < this.knownLabelCount ? knownNames[index] : undefined;
      if (name !== undefined) {
        const e = start + name.length;
        if (e < this.end && t.charCodeAt(e) === EQUALS && t.slice(start, e) === name) this.pos = e;
        else name = undefined;
      }
      if (name === undefined) {
        name = this.scanName(LABEL_START, LABEL_PART, undefined, 'a label name');
        checkDuplicates = true;
        if (isSample) {
          if (this.knownLabelCount > index) this.knownLabelCount = index;
          knownNames[index] = name;
        }
      }
      if (!strictForm) this.skipBlanks();
      if (this.peek() !== EQUALS) throw new LineSyntaxError(`expected "=" after label name "${name}"`);
      this.pos++;
      if (!strictForm) this.skipBlanks();
      if (this.peek() !== QUOTE) throw new LineSyntaxError(`expected a quoted value for label "${name}"`);
      this.pos++;
      const value = this.scanQuoted();
      // typeof, not hasOwn: cheaper, and inherited members (toString…) are never strings.
      if (checkDuplicates && typeof labels[name] === 'string') throw new LineSyntaxError(`duplicate label "${name}"`);
      if (name.charCodeAt(0) === 95 && name === '__proto__') setProtoLabel(labels, value);
      else labels[name] = value;
      if (!strictForm) this.skipBlanks();
      const c = this.peek();
      let closed = c === CLOSE_BRACE;
      if (!closed) {
        if (c !== COMMA) throw new LineSyntaxError(`expected "," or "}" after the value of label "${name}"`);
        this.pos++;
        if (!strictForm) {
          this.skipBlanks();
          closed = this.peek() === CLOSE_BRACE;
        }
      }
      if (closed) {
        this.pos++;
        if (isSample) this.knownLabelCount = index + 1;
        return labels;
      }
    }
  }

  /** Just after an opening quote: returns the unescaped value and moves past the closing quote. */
  private scanQuoted(): string {
    const t = this.text;
    const start = this.pos;
    const quote = this.nextQuote(start);
    if (quote < this.end && this.nextBackslash(start) > quote) {
      this.pos = quote + 1;
      return t.slice(start, quote);
    }
    let escaped = false;
    for (let i = start; i < this.end; i++) {
      const c = t.charCodeAt(i);
      if (c === BACKSLASH) {
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
  private scanNumber(kind: NumberKind, what: string): number {
    const t = this.text;
    const start = this.pos;
    // A char loop: number tokens are short, shorter than the reach of an indexOf call's overhead.
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

  /** At "#" after " ": scans `# {labels} value [timestamp]` to the end of the line. */
  private scanExemplar(): Exemplar {
    this.pos++;
    if (this.peek() !== SPACE) throw new LineSyntaxError('expected a space after "#" before the exemplar');
    this.pos++;
    if (this.peek() !== OPEN_BRACE) throw new LineSyntaxError('expected "{" to open the exemplar labels');
    const labels = this.scanLabels(true, false);
    let length = 0;
    for (const k in labels) length += k.length + labels[k]!.length;
    if (length > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
      length = 0;
      for (const k in labels) length += codePointLength(k) + codePointLength(labels[k]!);
      if (length > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
        throw new LineSyntaxError(`exemplar labels are ${length} code points long, over the limit of ${MAX_EXEMPLAR_LABEL_CODE_POINTS}`);
      }
    }
    this.expectSpace('a space and a value after the exemplar labels');
    const exemplar: Exemplar = { labels, value: this.scanNumber(NUMBER_VALUE, 'exemplar value') };
    if (this.pos === this.end) return exemplar;
    this.expectSpace('a single space before the exemplar timestamp');
    exemplar.timestamp = this.scanNumber(NUMBER_REAL, 'exemplar timestamp');
    if (this.pos !== this.end) throw new LineSyntaxError('unexpected text after the exemplar');
    return exemplar;
  }
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
  if (significant <= 15 && power >= -22 && power <= 22) {
    v = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
  } else {
    v = Number(t.slice(negative || t.charCodeAt(start) === PLUS ? start + 1 : start, end));
  }
  return negative ? -v : v;
}

function escapeLabelValue(v: string): string {
  if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) return v;
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/**
 * A stable string key for a label set: names sorted, values escaped as in the exposition, e.g.
 * `code="200",method="GET"`. Two label sets have the same key exactly when they are equal.
 * `except` leaves one label out (grouping histogram buckets without `le`, say).
 */
export function labelsKey(labels: Record<string, string>, except?: string): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length === 1) return names[0] === except ? '' : `${names[0]}="${escapeLabelValue(labels[names[0]!]!)}"`;
  names.sort();
  let key = '';
  for (const n of names) {
    if (n === except) continue;
    key += `${key.length > 0 ? ',' : ''}${n}="${escapeLabelValue(labels[n]!)}"`;
  }
  return key;
}
