/**
 * The body being parsed, with a byte copy for comparing its text in place. The scanner checks
 * each line against where a name or label value was last written (a family's lines repeat the
 * same name, label names and many values): one check per token, reading both places. On the
 * string each read is a charCodeAt; on a byte copy of an ASCII body eight characters are read
 * at once (DataView.getFloat64), several times faster. Making the copy is one native pass over the
 * body, a small fraction of parsing it. Bodies with any non-ASCII character (where one char is
 * not one byte) are compared on the string, character by character.
 */

/** Below this many characters, making the copy costs more than it saves. */
const MIN_MIRRORED_LENGTH = 256;

let mirrorsEnabled = true;

/**
 * Turns the byte copy off (false) or back on: the differential tests parse each input both
 * ways and compare the results. Not for production use.
 */
export function setByteMirrorEnabled(enabled: boolean): void {
  mirrorsEnabled = enabled;
}

export class BodyText {
  /** The body's bytes, one per character, when it is ASCII and long enough to pay; else undefined. */
  readonly view: DataView | undefined;
  /**
   * The same bytes one at a time (a typed-array read is cheaper than DataView.getUint8, and
   * than charCodeAt): empty when the body is not mirrored.
   */
  readonly bytes: Uint8Array;

  /**
   * With `buffers`, the copy is written into one of them that does not back `inUse` (a body a
   * series cache still reads), when the body fits one; else it gets a buffer of its own.
   */
  constructor(
    readonly text: string,
    buffers?: CopyBuffers,
    inUse?: BodyText,
  ) {
    const bytes = mirrorsEnabled ? asciiBytes(text, buffers, inUse) : undefined;
    this.bytes = bytes ?? NO_BYTES;
    this.view = bytes === undefined ? undefined : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Whether text[a, a + n) and text[b, b + n) hold the same characters. */
  same(a: number, b: number, n: number): boolean {
    const view = this.view;
    if (view === undefined) {
      const t = this.text;
      for (let k = n - 1; k >= 0; k--) if (t.charCodeAt(a + k) !== t.charCodeAt(b + k)) return false;
      return true;
    }
    // From the end: names of one family differ mostly in their last characters (x_sum, x_count).
    // Eight bytes at a time as a float64, as in sameAs.
    if (n >= 8) {
      for (let k = n - 8; k > 0; k -= 8)
        if (view.getFloat64(a + k, true) !== view.getFloat64(b + k, true)) return false;
      return view.getFloat64(a, true) === view.getFloat64(b, true); // the first eight (overlapping the last step)
    }
    if (n >= 4)
      return (
        view.getInt32(a, true) === view.getInt32(b, true) &&
        view.getInt32(a + n - 4, true) === view.getInt32(b + n - 4, true)
      );
    const bytes = this.bytes;
    for (let k = n - 1; k >= 0; k--) if (bytes[a + k] !== bytes[b + k]) return false;
    return true;
  }

  /** Whether this body's text[a, a + n) and `other`'s text[b, b + n) hold the same characters. */
  sameAs(other: BodyText, a: number, b: number, n: number): boolean {
    const view = this.view;
    const otherView = other.view;
    if (view === undefined || otherView === undefined) {
      const t = this.text;
      const o = other.text;
      for (let k = n - 1; k >= 0; k--) if (t.charCodeAt(a + k) !== o.charCodeAt(b + k)) return false;
      return true;
    }
    // From the end: a family's series differ mostly in their last label values. Eight bytes at a
    // time as a float64: two runs of ASCII bytes are equal exactly when their doubles are (no
    // ASCII byte sets the sign bit, so neither -0 nor a NaN can occur).
    if (n >= 8) {
      for (let k = n - 8; k > 0; k -= 8)
        if (view.getFloat64(a + k, true) !== otherView.getFloat64(b + k, true)) return false;
      // The first eight (overlapping the last step): no byte-by-byte tail.
      return view.getFloat64(a, true) === otherView.getFloat64(b, true);
    }
    if (n >= 4)
      return (
        view.getInt32(a, true) === otherView.getInt32(b, true) &&
        view.getInt32(a + n - 4, true) === otherView.getInt32(b + n - 4, true)
      );
    const bytes = this.bytes;
    const otherBytes = other.bytes;
    for (let k = n - 1; k >= 0; k--) if (bytes[a + k] !== otherBytes[b + k]) return false;
    return true;
  }
}

const NO_BYTES = new Uint8Array(0);

/** Copies up to this many bytes are written into kept buffers; larger ones get a buffer of their own. */
const MAX_KEPT_COPY = 1 << 20;

/**
 * Buffers the byte copies are written into, kept from one parse to the next: writing a copy
 * into a buffer already there costs a fraction of making a new one of a scrape's size.
 */
export class CopyBuffers {
  private readonly buffers: (Buffer | undefined)[];

  constructor(count: number) {
    this.buffers = new Array<Buffer | undefined>(count).fill(undefined);
  }

  /** A buffer of at least `length` bytes that does not back `inUse`; undefined past MAX_KEPT_COPY. */
  take(length: number, inUse: BodyText | undefined): Buffer | undefined {
    if (length > MAX_KEPT_COPY) return undefined;
    const busy = inUse?.bytes.buffer;
    for (let i = 0; i < this.buffers.length; i++) {
      const buffer = this.buffers[i];
      if (buffer !== undefined && buffer.buffer === busy) continue;
      if (buffer !== undefined && buffer.length >= length) return buffer;
      const made = Buffer.allocUnsafeSlow(Math.min(MAX_KEPT_COPY, Math.max(length * 2, 4096)));
      this.buffers[i] = made;
      return made;
    }
    return undefined;
  }
}

/**
 * For parses without a series cache: a parse reads one body, synchronously, and no body outlives
 * its parse (the scanner holding it is the parse's own), so one buffer serves them all.
 */
export const PARSE_BUFFERS = new CopyBuffers(1);

function asciiBytes(
  text: string,
  buffers: CopyBuffers | undefined,
  inUse: BodyText | undefined,
): Uint8Array | undefined {
  // Every character past U+007F takes two or more bytes in UTF-8: equal lengths mean ASCII.
  const length = text.length;
  if (length < MIN_MIRRORED_LENGTH || Buffer.byteLength(text, 'utf8') !== length) return undefined;
  const kept = buffers?.take(length, inUse);
  if (kept === undefined) return Buffer.from(text, 'latin1');
  kept.write(text, 0, length, 'latin1');
  return kept.subarray(0, length);
}
