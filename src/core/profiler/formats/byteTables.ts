/**
 * Tables the byte-level JSON readers keep their findings in: growable typed arrays, byte ranges
 * mapped to numbers by their exact bytes, and strings interned by their bytes.
 */

/** The lexer met something it does not read (bad JSON, or a shape the caller does not cover). */
export class NotCovered extends Error {}

export function notCovered(why: string): never {
  throw new NotCovered(why);
}

/** A growable Float64Array. */
export class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

/** A growable Int32Array. */
export class I32 {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Int32Array {
    return this.a.subarray(0, this.n);
  }
}

/** The bytes a reader is at: a whole Buffer or a window over a file (see ByteWindow). */
interface Bytes {
  readonly b: Buffer;
  readonly view: DataView;
}

/**
 * A map from byte ranges of a reader's bytes to numbers, by their exact bytes. A copy of each
 * distinct content is kept side by side, since comparing against its first place in a large buffer
 * would miss the cache on every lookup (and a window has moved on by then). Hashing and comparing
 * read four bytes at a time.
 */
export class ByteRangeMap {
  private slots = new Int32Array(1 << 10).fill(-1);
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);
  private hashes = new Int32Array(512);
  private values = new Int32Array(512);
  private count = 0;
  private arena = new DataView(new ArrayBuffer(1 << 16));
  private arenaUsed = 0;
  // The range the last `get` did not find, its hash and free slot, for the `set` that follows.
  private lastStart = 0;
  private lastEnd = 0;
  private lastHash = 0;
  private freeSlot = -1;

  constructor(private readonly bytes: Bytes) {}

  /** The number stored for the bytes `b[s..e)`, or -1. */
  get(s: number, e: number): number {
    const view = this.bytes.view;
    const h = hashRange(view, s, e);
    const mask = this.slots.length - 1;
    const len = e - s;
    let slot = h & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry < 0) break;
      if (
        this.hashes[entry] === h &&
        this.lengths[entry] === len &&
        sameRange(this.arena, this.starts[entry]!, view, s, len)
      )
        return this.values[entry]!;
      slot = (slot + 1) & mask;
    }
    this.lastStart = s;
    this.lastEnd = e;
    this.lastHash = h;
    this.freeSlot = slot;
    return -1;
  }

  /** Stores `v` for the bytes the last `get` did not find (the window has not moved since). */
  set(v: number): void {
    const entry = this.count++;
    if (entry === this.starts.length) this.grow();
    const len = this.lastEnd - this.lastStart;
    if (this.arenaUsed + len > this.arena.byteLength) {
      const bigger = new Uint8Array(Math.max(this.arena.byteLength * 2, this.arenaUsed + len));
      bigger.set(new Uint8Array(this.arena.buffer, 0, this.arenaUsed));
      this.arena = new DataView(bigger.buffer);
    }
    new Uint8Array(this.arena.buffer).set(this.bytes.b.subarray(this.lastStart, this.lastEnd), this.arenaUsed);
    this.starts[entry] = this.arenaUsed;
    this.arenaUsed += len;
    this.lengths[entry] = len;
    this.hashes[entry] = this.lastHash;
    this.values[entry] = v;
    this.slots[this.freeSlot] = entry;
    if (this.count * 2 > this.slots.length - 1) this.rehash();
  }

  private grow(): void {
    const cap = this.starts.length * 2;
    for (const k of ['starts', 'lengths', 'hashes', 'values'] as const) {
      const a = new Int32Array(cap);
      a.set(this[k]);
      this[k] = a;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}

function hashRange(v: DataView, s: number, e: number): number {
  let h = e - s;
  let p = s;
  for (; p + 4 <= e; p += 4) h = Math.imul(((h << 5) | (h >>> 27)) ^ v.getInt32(p, true), 0x9e3779b1);
  for (; p < e; p++) h = Math.imul(((h << 5) | (h >>> 27)) ^ v.getUint8(p), 0x9e3779b1);
  return h ^ (h >>> 16);
}

function sameRange(a: DataView, x: number, b: DataView, y: number, len: number): boolean {
  let j = 0;
  for (; j + 4 <= len; j += 4) if (a.getInt32(x + j, true) !== b.getInt32(y + j, true)) return false;
  for (; j < len; j++) if (a.getUint8(x + j) !== b.getUint8(y + j)) return false;
  return true;
}

/** Strings interned by their bytes: each distinct value is decoded once and numbered. */
export class StringTable {
  readonly values: string[] = [];
  private readonly byValue = new Map<string, number>();
  private readonly byBytes: ByteRangeMap;

  constructor(private readonly bytes: Bytes) {
    this.byBytes = new ByteRangeMap(bytes);
  }

  /** The number of the string whose raw bytes are `b[s..e)` (`escaped` when they hold a backslash), decoded when new. */
  intern(s: number, e: number, escaped: boolean): number {
    let id = this.byBytes.get(s, e);
    if (id >= 0) return id;
    // Escaped and plain spellings of one string share its number.
    const b = this.bytes.b;
    const value = escaped ? decodeEscaped(b, s, e) : b.toString('utf8', s, e);
    const known = this.byValue.get(value);
    if (known === undefined) {
      this.byValue.set(value, (id = this.values.length));
      this.values.push(value);
    } else id = known;
    this.byBytes.set(id);
    return id;
  }
}

/** JSON.parse decodes the escapes, so \uXXXX, surrogate pairs and lone surrogates come out as it gives them. */
export function decodeEscaped(b: Buffer, s: number, e: number): string {
  try {
    return JSON.parse(b.toString('utf8', s - 1, e + 1)) as string;
  } catch {
    return notCovered(`a bad escape in the string at byte ${s - 1}`);
  }
}
