/**
 * The body being parsed, with a byte copy for comparing its text in place. The scanner checks
 * each line against where a name or label value was last written (a family's lines repeat the
 * same name, label names and many values): one check per token, reading both places. On the
 * string each read is a charCodeAt; on a byte copy of an ASCII body four characters are read
 * at once (DataView.getInt32), several times faster. Making the copy is one native pass over the
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
  private readonly view: DataView | undefined;
  /**
   * The same bytes one at a time (a typed-array read is cheaper than DataView.getUint8, and
   * than charCodeAt): empty when the body is not mirrored.
   */
  readonly bytes: Uint8Array;

  constructor(readonly text: string) {
    const bytes = mirrorsEnabled ? asciiBytes(text) : undefined;
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
    let k = n - 4;
    for (; k >= 0; k -= 4) if (view.getInt32(a + k, true) !== view.getInt32(b + k, true)) return false;
    const bytes = this.bytes;
    for (k += 3; k >= 0; k--) if (bytes[a + k] !== bytes[b + k]) return false;
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
    let k = n - 8;
    for (; k >= 0; k -= 8) if (view.getFloat64(a + k, true) !== otherView.getFloat64(b + k, true)) return false;
    k += 4;
    if (k >= 0) {
      if (view.getInt32(a + k, true) !== otherView.getInt32(b + k, true)) return false;
      k -= 4;
    }
    const bytes = this.bytes;
    const otherBytes = other.bytes;
    for (k += 3; k >= 0; k--) if (bytes[a + k] !== otherBytes[b + k]) return false;
    return true;
  }
}

const NO_BYTES = new Uint8Array(0);

function asciiBytes(text: string): Uint8Array | undefined {
  // Every character past U+007F takes two or more bytes in UTF-8: equal lengths mean ASCII.
  if (text.length < MIN_MIRRORED_LENGTH || Buffer.byteLength(text, 'utf8') !== text.length) return undefined;
  return Buffer.from(text, 'latin1');
}
