/**
 * Decimal values of 16 to 19 significant digits (sums and times as Python and Go write them:
 * `1.7963020201005435e+09`, `0.21000000000000002`) read without Number(), with exactly its
 * result: the double nearest to the written decimal.
 *
 * The digits are too many for one exact double, so the integer they form is kept as two exact
 * parts: M = high * 10^k + low, low its last k digits (3 to 5) and high the others (below
 * 10^14; see longDecimal for how they are found). With a power of ten p within ±22 (10^|p| is
 * then an exact double), M * 10^p is worked out in double-double arithmetic (a pair of
 * doubles whose sum holds about 106 bits): Dekker's exact product with Veltkamp's splitting
 * (no fused multiply-add in JavaScript) and exact sums. The pair s + t comes within
 * |s| * 2^-102 of the exact value, far inside half the gap between doubles (about
 * |s| * 2^-53). So s, the pair's leading part, is the nearest double whenever
 * |t| plus that bound stays below half the gap next to s on t's side; else the value lies
 * within the bound of a tie (halfway between two doubles), and the caller asks Number().
 *
 * Error bound, with u = 2^-53 (the unit roundoff) and all values positive:
 * - M: high * 10^k exactly as a pair (Dekker), its low part plus `low` an exact integer below
 *   2^53, and an exact sum of the two: M = mh + ml exactly, |ml| <= u * mh.
 * - Multiplying by P = 10^p: mh * P exactly as a + b (|b| <= u * a); ml * P rounds once
 *   (error <= u^2 * a); b + that rounds once (error <= 2 u^2 * a): within 3 u^2 * a of M * P.
 * - Dividing by P: y = mh / P rounded; mh - y * P worked out from the exact product y * P (the
 *   first difference is exact, Sterbenz, as y * P is within a factor two of mh), that plus ml and
 *   the quotient by P each round once: the correction z = (mh - y * P + ml) / P comes within
 *   6 u^2 * y of the exact one, as |mh - y * P| / P <= u * y and ml / P <= u * y.
 * - s + t = a + d (or y + z) exactly (the larger first: Fast2Sum), so the pair is within
 *   6 u^2 * s' of M * 10^p, s' the larger part, below 2^-102 * s. The check uses 2^-100 * s:
 *   the margin also covers the rounding of the one addition in the check itself (which can
 *   only make the check stricter: half the gap is a power of two, so a rounded sum below it
 *   means the exact sum is below it too).
 */
import * as lexical from './parserLexical';

// Local bindings, not live imports: see parserCursor.ts.
const { DOT, POW10, ZERO } = lexical;

/** Veltkamp's splitting constant for doubles: 2^27 + 1. */
const SPLITTER = 134217729;

/**
 * The exact powers of ten (lexical's POW10, 10^0 to 10^22: 10^22 = 2^22 * 5^22, and 5^22 < 2^53),
 * each split in two halves of at most 26 bits (for Dekker's exact product).
 */
const POW10_HIGH: number[] = POW10.map((p) => {
  const c = SPLITTER * p;
  return c - (c - p);
});
const POW10_LOW: number[] = POW10.map((p, k) => p - POW10_HIGH[k]!);

/** How far from the exact value the pair may be, relative to its leading part (see above). */
const ERROR_BOUND = 2 ** -100;

/** A double's bits, read in two 32-bit words to find the gap to its neighbours. */
const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);
/** The word holding the sign, exponent and top of the fraction (index 1 on little-endian hosts). */
const TOP = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const BOTTOM = 1 - TOP;

let enabled = true;

/**
 * Turns this path off (false) or back on: off, every such value is read by Number(), the
 * careful path the differential tests compare it with. Not for production use.
 */
export function setLongDecimalFastPathEnabled(on: boolean): void {
  enabled = on;
}

/**
 * The exact product's rounding error: a * b - x, where x is a * b rounded and b is split in
 * halves `bh` + `bl` (Dekker's algorithm; exact while nothing overflows).
 */
function productError(a: number, bh: number, bl: number, x: number): number {
  const c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  return al * bl - (x - ah * bh - al * bh - ah * bl);
}

/**
 * The value of the decimal token whose digits (and at most one dot) end at `end`, read as the
 * integer `mantissa` times 10^power, to the nearest double, as Number() reads it. `mantissa` is
 * the digits gathered one at a time in doubles (m = m * 10 + digit), exact below 2^53 and
 * past it within 10u * M of the exact integer M (u = 2^-53: each step past 2^53 rounds twice,
 * and below 10^20 there are at most five such steps). Its last k digits (low) are read again from
 * the bytes, and high = M div 10^k is (mantissa - low) / 10^k rounded to an integer: k is
 * chosen so that M / 10^k < 10^14, so that the error, with the subtraction's and the
 * division's roundings, stays below 12u * 10^14 < 0.14, well short of the 0.5 that would make
 * the rounding miss. Returns -1 when it cannot tell for sure (within the error bound of a tie)
 * or the token is out of its range (a mantissa below 10^15 or from 10^19, a power beyond
 * ±22, the path off); the caller then asks Number().
 */
export function longDecimal(mantissa: number, bytes: Uint8Array, end: number, power: number): number {
  if (!enabled || power < -22 || power > 22 || !(mantissa >= 1e15 && mantissa < 1e19)) return -1;
  const k = mantissa < 1e17 ? 3 : mantissa < 1e18 ? 4 : 5;
  let low = 0;
  let scale = 1;
  let i = end;
  for (let m = 0; m < k; m++) {
    let c = bytes[--i]!;
    if (c === DOT) c = bytes[--i]!;
    low += (c - ZERO) * scale;
    scale *= 10;
  }
  const high = Math.round((mantissa - low) / POW10[k]!);
  // M = high * 10^k + low as mh + ml, exactly.
  const ph = high * POW10[k]!;
  const q = productError(high, POW10_HIGH[k]!, POW10_LOW[k]!, ph) + low;
  const mh = ph + q;
  const ml = q - (mh - ph);
  let s: number;
  let t: number;
  if (power >= 0) {
    const p = POW10[power]!;
    const a = mh * p;
    const d = productError(mh, POW10_HIGH[power]!, POW10_LOW[power]!, a) + ml * p;
    s = a + d;
    t = d - (s - a);
  } else {
    const p = POW10[-power]!;
    const y = mh / p;
    const e = y * p;
    const z = (mh - e - productError(y, POW10_HIGH[-power]!, POW10_LOW[-power]!, e) + ml) / p;
    s = y + z;
    t = z - (s - y);
  }
  // Half the gap from s to its neighbours: half its last place, and below a power of two
  // (where the doubles are twice as dense) half that again.
  float[0] = s;
  const top = words[TOP]!;
  const bottom = words[BOTTOM]!;
  words[TOP] = ((top >>> 20) - 53) << 20;
  words[BOTTOM] = 0;
  let half = float[0]!;
  if (t < 0) {
    t = -t;
    if ((top & 0xfffff) === 0 && bottom === 0) half *= 0.5;
  }
  return t + s * ERROR_BOUND < half ? s : -1;
}
