/** Object keys matched on their bytes, for the byte-level JSON lexer (jsonBytes.ts). */

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

/** The index in `keys` of the key whose bytes are `b[s..e)`, or -1. */
export function matchKey(keys: KeySet, b: Buffer, s: number, e: number): number {
  const len = e - s;
  const all = keys.bytes;
  next: for (let k = 0; k < all.length; k++) {
    const w = all[k]!;
    if (w.length !== len) continue;
    for (let j = 0; j < len; j++) if (b[s + j] !== w[j]) continue next;
    return k;
  }
  return -1;
}
