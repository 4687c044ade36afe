/**
 * A reader for the subset of Python's marshal format that pstats files use (versions 2–4):
 * dicts, tuples, lists, sets, ints, longs, floats, strings, None/bools and back-references.
 * Code objects never appear in pstats output and are rejected.
 */

export type MarshalValue =
  null | boolean | number | bigint | string | Uint8Array | MarshalValue[] | MarshalDict | MarshalSet;

/** A Python dict; keys are kept as values (tuples are arrays), so entries are a list of pairs. */
export class MarshalDict {
  readonly entries: [MarshalValue, MarshalValue][] = [];
}

export class MarshalSet {
  readonly items: MarshalValue[] = [];
}

export class MarshalError extends Error {}

const FLAG_REF = 0x80;
/** pstats nests four deep; deeper input is refused before it can exhaust the stack. */
const MAX_DEPTH = 200;
const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

export function readMarshal(bytes: Uint8Array): MarshalValue {
  const r = new Reader(bytes);
  const v = r.value();
  return v;
}

class Reader {
  private pos = 0;
  private depth = 0;
  private refs: MarshalValue[] = [];
  private view: DataView;
  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length)
      throw new MarshalError(`unexpected end of data at byte ${this.pos} (needed ${n} more).`);
  }
  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private take(n: number): Uint8Array {
    if (n < 0) throw new MarshalError(`negative length ${n} at byte ${this.pos}.`);
    this.need(n);
    const s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  value(): MarshalValue {
    if (this.depth >= MAX_DEPTH)
      throw new MarshalError(
        `values are nested deeper than ${MAX_DEPTH} levels at byte ${this.pos}; a pstats file nests four.`,
      );
    this.depth++;
    try {
      return this.one();
    } finally {
      this.depth--;
    }
  }

  private one(): MarshalValue {
    const at = this.pos;
    const code = this.u8();
    const flag = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    // Containers reserve their reference slot before their items, as CPython does.
    const slot = flag ? this.refs.push(null) - 1 : -1;
    const keep = <T extends MarshalValue>(v: T): T => {
      if (slot >= 0) this.refs[slot] = v;
      return v;
    };
    switch (type) {
      case 'N':
        return keep(null);
      case 'F':
        return keep(false);
      case 'T':
        return keep(true);
      case 'i':
        return keep(this.i32());
      case 'l':
        return keep(this.long());
      case 'g': {
        this.need(8);
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return keep(v);
      }
      case 'f': {
        const n = this.u8();
        return keep(Number(latin1.decode(this.take(n))));
      }
      case 's':
        return keep(this.take(this.i32()).slice());
      case 'u':
      case 't':
        return keep(utf8.decode(this.take(this.i32())));
      case 'a':
      case 'A':
        return keep(latin1.decode(this.take(this.i32())));
      case 'z':
      case 'Z':
        return keep(latin1.decode(this.take(this.u8())));
      case '(':
      case '[':
        return this.sequence(this.i32(), keep);
      case ')':
        return this.sequence(this.u8(), keep);
      case '{': {
        const d = keep(new MarshalDict());
        for (;;) {
          if (this.bytes[this.pos] === 0x30 /* '0' */) {
            this.pos++;
            return d;
          }
          const k = this.value();
          const v = this.value();
          d.entries.push([k, v]);
        }
      }
      case '<':
      case '>': {
        const s = keep(new MarshalSet());
        const n = this.i32();
        for (let i = 0; i < n; i++) s.items.push(this.value());
        return s;
      }
      case 'r': {
        const i = this.i32();
        if (i < 0 || i >= this.refs.length)
          throw new MarshalError(
            `reference ${i} at byte ${at} points past the ${this.refs.length} objects read so far.`,
          );
        return this.refs[i]!;
      }
      default:
        throw new MarshalError(
          `unsupported marshal type ${JSON.stringify(type)} (0x${code.toString(16)}) at byte ${at}.`,
        );
    }
  }

  private sequence(n: number, keep: <T extends MarshalValue>(v: T) => T): MarshalValue[] {
    if (n < 0) throw new MarshalError(`negative length ${n} at byte ${this.pos}.`);
    const out = keep<MarshalValue[]>([]);
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }

  /** Python long: signed digit count, then 15-bit digits, least significant first. */
  private long(): number | bigint {
    const n = this.i32();
    const count = Math.abs(n);
    let v = 0n;
    for (let i = 0; i < count; i++) {
      this.need(2);
      const d = this.view.getUint16(this.pos, true);
      this.pos += 2;
      v |= BigInt(d) << BigInt(15 * i);
    }
    if (n < 0) v = -v;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
}
