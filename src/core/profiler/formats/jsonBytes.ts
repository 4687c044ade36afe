/**
 * A strict JSON lexer over bytes, for readers that pull a few fields out of a large JSON file
 * without building its object tree or decoding it into one string. It accepts exactly what
 * JSON.parse accepts (whitespace, escapes, number forms, any nesting depth, since skipping keeps its
 * own stack), and values come out as JSON.parse would give them. Anything else throws
 * `NotCovered`: the caller then reads the file the ordinary way, which words the error.
 */

import { decodeEscaped, notCovered } from './byteTables';
import type { StringTable } from './byteTables';

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

/** Known keys of one object kind, matched on their bytes so keys are never decoded. */
export class KeySet {
  readonly bytes: Uint8Array[];
  constructor(readonly names: readonly string[]) {
    this.bytes = names.map((n) => Buffer.from(n, 'utf8'));
  }
}

/**
 * The order keys came in last time, per object kind: files write every object of a kind with its
 * keys in one order, so the key expected next is tried first and usually matches.
 */
export class KeyOrder {
  private readonly after: Int8Array;
  private last = -1;
  constructor(readonly keys: KeySet) {
    this.after = new Int8Array(keys.names.length + 2).fill(-1);
  }
  /** Starts an object: the key that came first last time. */
  start(): number {
    this.last = -1;
    return this.after[0]!;
  }
  /** Records key `k` (-1: another key) as read; the key that followed it last time. */
  saw(k: number): number {
    const at = k < 0 ? this.keys.names.length : k;
    this.after[this.last + 1] = k;
    this.last = at;
    return this.after[at + 1]!;
  }
}

export class JsonBytes {
  p = 0;
  private stack = new Uint8Array(64);

  constructor(readonly b: Buffer) {
    // A UTF-8 byte-order mark is skipped (as the text decoder drops it); UTF-16 is not read here.
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.p = 3;
  }

  /** Skips whitespace; the next byte, or -1 at the end. */
  ws(): number {
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
    return -1;
  }

  expect(c: number): void {
    if (this.ws() !== c) notCovered(`expected ${String.fromCharCode(c)} at byte ${this.p}`);
    this.p++;
  }

  /** After a member or element: true when another follows (a comma was read), false at `close`. */
  more(close: number): boolean {
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
    this.expect(0x5b);
    if (this.ws() !== 0x5d) return true;
    this.p++;
    return false;
  }

  /** Reads `{`; true when the object is not empty. */
  openObject(): boolean {
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
    const b = this.b;
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
    const n = b.length;
    const s = this.p + 1;
    let p = s;
    for (;;) {
      if (p >= n) notCovered('unterminated key');
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20) return this.escapedKey(keys);
      p++;
    }
    this.p = p + 1;
    if (b[this.p] === COLON) this.p++;
    else this.expect(COLON);
    const len = p - s;
    const all = keys.bytes;
    next: for (let k = 0; k < all.length; k++) {
      const w = all[k]!;
      if (w.length !== len) continue;
      for (let j = 0; j < len; j++) if (b[s + j] !== w[j]) continue next;
      return k;
    }
    return -1;
  }

  private escapedKey(keys: KeySet): number {
    const name = this.string();
    this.expect(COLON);
    return keys.names.indexOf(name);
  }

  /** Reads a string value: its number in `table`. */
  internString(table: StringTable): number {
    if (this.b[this.p] !== QUOTE && this.ws() !== QUOTE) notCovered(`expected a string at byte ${this.p}`);
    const b = this.b;
    const n = b.length;
    const s = this.p + 1;
    let p = s;
    for (;;) {
      if (p >= n) notCovered('unterminated string');
      const c = b[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20) {
        const e = this.endOfString(s);
        this.p = e + 1;
        return table.intern(s, e, true);
      }
      p++;
    }
    this.p = p + 1;
    return table.intern(s, p, false);
  }

  /** Reads a string value, decoded. */
  string(): string {
    if (this.ws() !== QUOTE) notCovered(`expected a string at byte ${this.p}`);
    const s = this.p + 1;
    const e = this.endOfString(s);
    this.p = e + 1;
    return decodeEscaped(this.b, s, e);
  }

  /** The closing quote's position for a string whose content starts at `s`, its escapes checked. */
  private endOfString(s: number): number {
    const b = this.b;
    const n = b.length;
    let p = s;
    for (;;) {
      if (p >= n) notCovered('unterminated string');
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
    } else notCovered(`expected a value at byte ${s}`);
    // Up to 15 digits an integer is exact as accumulated; longer ones, fractions and exponents
    // are converted from their text, which rounds exactly as JSON.parse does.
    if (c === DOT || c === 0x65 || c === 0x45 || p - s > 15) return this.numberFromText(s);
    this.p = p;
    return neg ? -v : v;
  }

  private numberFromText(s: number): number {
    const b = this.b;
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
    if (c === QUOTE) this.p = this.endOfString(this.p + 1) + 1;
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
      } else if (c === QUOTE) this.p = this.endOfString(this.p + 1) + 1;
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
    this.p = this.endOfString(this.p + 1) + 1;
    this.expect(COLON);
  }

  private literal(word: string): void {
    for (let j = 0; j < word.length; j++)
      if (this.b[this.p + j] !== word.charCodeAt(j)) notCovered(`expected a value at byte ${this.p}`);
    this.p += word.length;
  }

  /** Checks that nothing but whitespace follows the top-level value. */
  end(): void {
    if (this.ws() !== -1) notCovered(`text after the end of the JSON at byte ${this.p}`);
  }
}
