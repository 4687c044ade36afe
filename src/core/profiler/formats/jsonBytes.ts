/**
 * A strict JSON lexer over bytes, for readers that pull a few fields out of a large JSON file
 * without building its object tree or decoding it into one string. It accepts exactly what
 * JSON.parse accepts (whitespace, escapes, number forms, any nesting depth, since skipping keeps its
 * own stack), and values come out as JSON.parse would give them. Anything else throws
 * `NotCovered`: the caller then reads the file the ordinary way, which words the error.
 *
 * The bytes are a whole Buffer or a window sliding over a file (see ByteWindow): every token
 * reader that meets the window's end before the input's moves the window and goes on, so a token
 * split across two reads reads as if it were whole.
 */

import { decodeEscaped, notCovered } from './byteTables';
import type { StringTable } from './byteTables';
import { ByteWindow } from './byteWindow';
import { matchKey } from './jsonKeys';
import type { KeySet } from './jsonKeys';
import type { ByteSource } from './byteWindow';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** The characters after a backslash other than `u`: " \ / b f n r t. */
const SIMPLE_ESCAPES = [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74];

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** A byte that can be part of a JSON number: digits, sign, point, exponent. */
function inNumber(c: number): boolean {
  return (c >= ZERO && c <= NINE) || c === MINUS || c === 0x2b || c === DOT || c === 0x65 || c === 0x45;
}

export class JsonBytes extends ByteWindow {
  private stack = new Uint8Array(64);

  /** Over a whole Buffer, or over a source read `windowBytes` at a time. */
  constructor(input: Buffer | ByteSource, windowBytes?: number) {
    super(input, windowBytes);
    this.need(3);
    const b = this.b;
    // A UTF-8 byte-order mark is skipped (as the text decoder drops it); UTF-16 is not read here.
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.p = 3;
  }

  /** Skips whitespace; the next byte, or -1 at the end. */
  ws(): number {
    for (;;) {
      const b = this.b;
      const n = b.length;
      let p = this.p;
      while (p < n) {
        const c = b[p]!;
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
          this.p = p;
          return c;
        }
        p++;
      }
      this.p = p;
      if (this.eof) return -1;
      this.refill();
    }
  }

  expect(c: number): void {
    if (this.ws() !== c) notCovered(`expected ${String.fromCharCode(c)} at byte ${this.p}`);
    this.p++;
  }

  /** After a member or element: true when another follows (a comma was read), false at `close`. */
  more(close: number): boolean {
    this.ahead();
    const d = this.b[this.p];
    if (d === COMMA) {
      this.p++;
      return true;
    }
    if (d === close) {
      this.p++;
      return false;
    }
    const c = this.ws();
    this.p++;
    if (c === COMMA) return true;
    if (c === close) return false;
    return notCovered(`expected , or ${String.fromCharCode(close)} at byte ${this.p - 1}`);
  }

  /** Reads `[`; true when the list is not empty. */
  openList(): boolean {
    this.ahead();
    this.expect(0x5b);
    if (this.ws() !== 0x5d) return true;
    this.p++;
    return false;
  }

  /** Reads `{`; true when the object is not empty. */
  openObject(): boolean {
    this.ahead();
    this.expect(0x7b);
    if (this.ws() !== 0x7d) return true;
    this.p++;
    return false;
  }

  /**
   * Reads a member's key and its colon: the key's index in `keys`, or -1 for another key. `hint`
   * is the key most likely here (see KeyOrder), compared first.
   */
  key(keys: KeySet, hint = -1): number {
    if (this.b[this.p] !== QUOTE && this.ws() !== QUOTE) notCovered(`expected a key at byte ${this.p}`);
    let b = this.b;
    if (hint >= 0) {
      const w = keys.bytes[hint]!;
      const at = this.p + 1;
      let j = 0;
      while (j < w.length && b[at + j] === w[j]) j++;
      if (j === w.length && b[at + j] === QUOTE) {
        this.p = at + j + 1;
        if (b[this.p] === COLON) this.p++;
        else this.expect(COLON);
        return hint;
      }
    }
    const p = this.plainStringEnd('key');
    if (p < 0) return this.escapedKey(keys);
    b = this.b;
    const k = matchKey(keys, b, this.p + 1, p);
    this.p = p + 1;
    if (b[this.p] === COLON) this.p++;
    else this.expect(COLON);
    return k;
  }

  private escapedKey(keys: KeySet): number {
    const name = this.string();
    this.expect(COLON);
    return keys.names.indexOf(name);
  }

  /** Reads a string value: its number in `table`. */
  internString(table: StringTable): number {
    if (this.b[this.p] !== QUOTE && this.ws() !== QUOTE) notCovered(`expected a string at byte ${this.p}`);
    const p = this.plainStringEnd('string');
    if (p < 0) {
      const e = this.endOfString();
      const s = this.p + 1;
      this.p = e + 1;
      return table.intern(s, e, true);
    }
    const s = this.p + 1;
    this.p = p + 1;
    return table.intern(s, p, false);
  }

  /**
   * The closing quote's position for the string whose opening quote is at `p` (which stays there,
   * the window moved as needed), or -1 at the first backslash or control character in it.
   */
  private plainStringEnd(what: string): number {
    let b = this.b;
    let p = this.p + 1;
    for (;;) {
      if (p >= b.length) {
        if (this.eof) notCovered(`unterminated ${what}`);
        p -= this.refill();
        b = this.b;
        continue;
      }
      const c = b[p]!;
      if (c === QUOTE) return p;
      if (c === BACKSLASH || c < 0x20) return -1;
      p++;
    }
  }

  /** Reads a string value, decoded. */
  string(): string {
    if (this.ws() !== QUOTE) notCovered(`expected a string at byte ${this.p}`);
    const e = this.endOfString();
    const s = this.p + 1;
    this.p = e + 1;
    return decodeEscaped(this.b, s, e);
  }

  /**
   * The closing quote's position for the string whose opening quote is at `p` (which stays there,
   * the window moved as needed to hold the whole string), its escapes checked.
   */
  private endOfString(): number {
    let b = this.b;
    let n = b.length;
    let p = this.p + 1;
    for (;;) {
      if (p >= n || (p + 6 > n && b[p] === BACKSLASH && !this.eof)) {
        // The string, or an escape in it, goes on past the window.
        if (this.eof) notCovered('unterminated string');
        p -= this.refill();
        b = this.b;
        n = b.length;
        continue;
      }
      const c = b[p]!;
      if (c === QUOTE) return p;
      if (c < 0x20) notCovered(`a control character in a string at byte ${p}`);
      if (c !== BACKSLASH) {
        p++;
        continue;
      }
      const e = b[p + 1];
      if (e === 0x75 /* u */) {
        for (let k = p + 2; k < p + 6; k++) if (!isHex(b[k])) notCovered(`a bad \\u escape at byte ${p}`);
        p += 6;
      } else if (e !== undefined && SIMPLE_ESCAPES.includes(e)) p += 2;
      else notCovered(`a bad escape at byte ${p}`);
    }
  }

  /** Reads a number value as JSON.parse gives it. */
  number(): number {
    const b = this.b;
    let p = this.p;
    const s = p;
    let c = b[p];
    const neg = c === MINUS;
    if (neg) c = b[++p];
    let v = 0;
    if (c === ZERO) c = b[++p];
    else if (c !== undefined && c > ZERO && c <= NINE) {
      do {
        v = v * 10 + (c - ZERO);
        c = b[++p];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    } else if (c === undefined && !this.eof) return this.numberAcrossWindow();
    else notCovered(`expected a value at byte ${s}`);
    if (c === undefined && !this.eof) return this.numberAcrossWindow();
    // Up to 15 digits an integer is exact as accumulated; longer ones, fractions and exponents
    // are converted from their text, which rounds exactly as JSON.parse does.
    if (c === DOT || c === 0x65 || c === 0x45 || p - s > 15) return this.numberFromText(s);
    this.p = p;
    return neg ? -v : v;
  }

  /** A number at `p` that the window's end cuts: the window moves until the number ends inside it (or the input ends). */
  private numberAcrossWindow(): number {
    for (;;) {
      const b = this.b;
      let p = this.p;
      while (p < b.length && inNumber(b[p]!)) p++;
      if (p < b.length || this.eof) return this.number();
      this.refill();
    }
  }

  private numberFromText(s: number): number {
    const b = this.b;
    let end = s;
    while (end < b.length && inNumber(b[end]!)) end++;
    if (end === b.length && !this.eof) {
      this.p = s;
      return this.numberAcrossWindow();
    }
    let p = s;
    if (b[p] === MINUS) p++;
    p = this.digits(b[p] === ZERO ? p + 1 : p);
    if (b[p] === DOT) {
      const q = this.digits(p + 1);
      if (q === p + 1) notCovered(`a number with no digits after its point at byte ${s}`);
      p = q;
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (b[p] === 0x2b || b[p] === MINUS) p++;
      const q = this.digits(p);
      if (q === p) notCovered(`a number with an empty exponent at byte ${s}`);
      p = q;
    }
    this.p = p;
    return Number(b.toString('latin1', s, p));
  }

  private digits(p: number): number {
    const b = this.b;
    while (p < b.length && b[p]! >= ZERO && b[p]! <= NINE) p++;
    return p;
  }

  /** Whether the next value is a number (else the caller leaves the shape to the ordinary reader). */
  atNumber(): boolean {
    let c = this.b[this.p]!;
    if (c === MINUS || (c >= ZERO && c <= NINE)) return true;
    c = this.ws();
    return c === MINUS || (c >= ZERO && c <= NINE);
  }

  /** Reads a list of numbers, handing each to `push`. */
  numbers(push: (v: number) => void): void {
    if (!this.openList()) return;
    do {
      if (!this.atNumber()) notCovered(`a list entry that is not a number at byte ${this.p}`);
      push(this.number());
    } while (this.more(0x5d));
  }

  /** Skips one value of any kind and depth, checking it is valid JSON. */
  skip(): void {
    const c = this.b[this.p];
    if (c === QUOTE) this.p = this.endOfString() + 1;
    else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) this.number();
    else this.skipNested();
  }

  private skipNested(): void {
    let depth = 0;
    for (;;) {
      // One value.
      const c = this.ws();
      if (c === 0x7b || c === 0x5b) {
        this.p++;
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (this.ws() === close) this.p++;
        else {
          if (depth === this.stack.length) {
            const bigger = new Uint8Array(depth * 2);
            bigger.set(this.stack);
            this.stack = bigger;
          }
          this.stack[depth++] = close;
          if (close === 0x7d) this.memberKey();
          continue;
        }
      } else if (c === QUOTE) this.p = this.endOfString() + 1;
      else if (c === MINUS || (c >= ZERO && c <= NINE)) this.number();
      else if (c === 0x74) this.literal('true');
      else if (c === 0x66) this.literal('false');
      else if (c === 0x6e) this.literal('null');
      else notCovered(`expected a value at byte ${this.p}`);
      // Close what ends here; stop when the value skipped is complete.
      for (;;) {
        if (depth === 0) return;
        const close = this.stack[depth - 1]!;
        if (this.more(close)) {
          if (close === 0x7d) this.memberKey();
          break;
        }
        depth--;
      }
    }
  }

  private memberKey(): void {
    if (this.ws() !== QUOTE) notCovered(`expected a key at byte ${this.p}`);
    this.p = this.endOfString() + 1;
    this.expect(COLON);
  }

  private literal(word: string): void {
    this.need(word.length);
    for (let j = 0; j < word.length; j++)
      if (this.b[this.p + j] !== word.charCodeAt(j)) notCovered(`expected a value at byte ${this.p}`);
    this.p += word.length;
  }

  /** Checks that nothing but whitespace follows the top-level value. */
  end(): void {
    if (this.ws() !== -1) notCovered(`text after the end of the JSON at byte ${this.p}`);
  }
}
