/**
 * The bytes a byte-level reader sees: either a whole Buffer, or a window that slides over a
 * `ByteSource` (a file read a few MB at a time), so a large file is never resident at once.
 *
 * `b` always holds exactly the bytes available (reading past its end gives undefined, as it does
 * at the end of a whole Buffer), and `p` is the reader's position in it. When a reader reaches the
 * end of `b` before the end of the input it calls `refill()`, which moves the window so that it
 * starts at `p` (every position the reader holds moves down by the returned shift) and reads more
 * after it; a token longer than the window grows the window, so tokens of any length read whole.
 */

/** Where a window's bytes come from: `read` fills `into[at, at + length)` and says how many it put there (0 at the end). */
export interface ByteSource {
  read(into: Buffer, at: number, length: number): number;
}

/** How large a window starts: big enough that moving it costs nothing next to reading it. */
export const DEFAULT_WINDOW_BYTES = 2 * 1024 * 1024;

export class ByteWindow {
  /** The bytes available, from the window's start. */
  b: Buffer;
  /** A view of the window's memory at the same offsets as `b` (for reading four bytes at once). */
  view: DataView;
  /** The reader's position in `b`. */
  p = 0;
  /** Whether `b` reaches the end of the input. */
  eof: boolean;
  /** How often the window moved: positions held across a call that moved it are stale. */
  moves = 0;
  private buf: Buffer;
  private readonly source: ByteSource | undefined;
  private fills = 0;
  /** How many bytes `ahead()` keeps after `p`: half the first window. */
  private readonly lookahead: number;

  constructor(input: Buffer | ByteSource, windowBytes = DEFAULT_WINDOW_BYTES) {
    this.lookahead = Math.min(64 * 1024, Math.floor(windowBytes / 2));
    if (Buffer.isBuffer(input)) {
      this.buf = this.b = input;
      this.eof = true;
    } else {
      this.source = input;
      this.buf = Buffer.allocUnsafeSlow(Math.max(1, windowBytes));
      this.b = this.buf.subarray(0, 0);
      this.eof = false;
    }
    this.view = viewOf(this.buf);
  }

  /**
   * Moves the window to start at `p` and reads more after its end: how far positions moved (the
   * caller subtracts it from those it holds). At the end of the input nothing changes but `eof`.
   */
  refill(): number {
    const source = this.source;
    if (this.eof || !source) {
      this.eof = true;
      return 0;
    }
    const keep = this.p;
    const kept = this.b.length - keep;
    let buf = this.buf;
    if (kept * 2 > buf.length) {
      // One token fills most of the window: double it, so long tokens cost linear time.
      const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
      buf.copy(bigger, 0, keep, keep + kept);
      this.buf = buf = bigger;
      this.view = viewOf(buf);
    } else if (keep > 0) buf.copyWithin(0, keep, keep + kept);
    // The first reads are short, so the readers meet the window's end while they are still
    // being profiled, before they are optimised (else each would be deoptimised when it does).
    const free = buf.length - kept;
    const short = this.fills < 8 && this.lookahead > 0;
    const got = source.read(buf, kept, short ? Math.min(free, 2 * this.lookahead) : free);
    this.fills++;
    if (got === 0) this.eof = true;
    this.b = buf.subarray(0, kept + got);
    this.p = 0;
    if (keep > 0) this.moves++;
    return keep;
  }

  /**
   * Keeps a stretch of bytes after `p` in the window (all that remain near the end), called
   * between values: tokens of ordinary length then never meet the window's end, so the paths that
   * carry a token across it stay cold and the optimised readers are never deoptimised by a read
   * past the end of the window.
   */
  ahead(): void {
    if (!this.eof && this.b.length - this.p < this.lookahead) this.need(this.lookahead);
  }

  /** Makes at least `k` bytes from `p` available, or all that remain. */
  need(k: number): void {
    while (this.b.length - this.p < k && !this.eof) this.refill();
  }

  /** The position of the next byte `c` at or after `p` (the window moved as needed to hold it), or -1 when the input ends first. */
  find(c: number): number {
    let from = this.p;
    for (;;) {
      const at = this.b.indexOf(c, from);
      if (at >= 0 || this.eof) return at;
      const searched = this.b.length - this.p;
      this.refill();
      from = this.p + searched;
    }
  }
}

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
