/**
 * Decimal values of 16 to 19 significant digits (`1.7963020201005435e+09`,
 * `0.21000000000000002`) are read without Number() (longDecimal, in double-double arithmetic):
 * each must be exactly the double Number() gives, bit for bit, or be left to Number(). Tokens:
 * random doubles printed to 16-19 digits in every style (toPrecision, toExponential, plain
 * fractions, plain integers past 10^17, leading zeros, trailing zeros, a leading dot, E and
 * e+), mantissas at and around 2^53, 10^15-10^17 and 2^64 with powers of ten in ±22 and just
 * outside, and near-halfway tokens: the exact decimal of the midpoint of two adjacent doubles,
 * cut to 16-20 significant digits, one more and one less in the last digit, and followed by zeros. Then whole
 * bodies with such values parse alike with the path on and off.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { longDecimal, setLongDecimalFastPathEnabled } from '../../../../src/core/metrics/parserDecimal';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

const TOKEN = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * What longDecimal reads a plain token as: the mantissa gathered digit by digit in doubles, the
 * end of its digits and the power of ten, as LineCursor.plainDecimal hands them over.
 */
function read(token: string): number {
  const m = TOKEN.exec(token);
  assert.ok(m, token);
  const power = (m[3] === undefined ? 0 : Number(m[3])) - (m[2] === undefined ? 0 : m[2].length);
  let mantissa = 0;
  for (const c of (m[1] ?? '') + (m[2] ?? '')) mantissa = mantissa * 10 + (c.charCodeAt(0) - 48);
  const e = token.search(/[eE]/);
  return longDecimal(mantissa, new Uint8Array(Buffer.from(token, 'latin1')), e < 0 ? token.length : e, power);
}

const bits = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): bigint {
  bits.setFloat64(0, x);
  return bits.getBigUint64(0);
}

/** Counts how many tokens the path read itself (the rest it left to Number()). */
const tally = { read: 0, left: 0 };

/** The path's value must be Number()'s, bit for bit, whenever it gives one. */
function check(token: string): void {
  const got = read(token);
  if (got === -1) {
    tally.left++;
    return;
  }
  tally.read++;
  const want = Number(token);
  assert.ok(Object.is(got, want) && bitsOf(got) === bitsOf(want), `${token}: ${got} instead of ${want}`);
}

/** The exact decimal digits of a positive double and the power of ten they are scaled by. */
function exactDecimal(x: number): { digits: string; power: number } {
  const b = bitsOf(x);
  const biased = Number((b >> 52n) & 0x7ffn);
  const fraction = b & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  if (exponent >= 0) return { digits: (mantissa << BigInt(exponent)).toString(), power: 0 };
  // m / 2^k = m * 5^k / 10^k
  return { digits: (mantissa * 5n ** BigInt(-exponent)).toString(), power: exponent };
}

/** The exact midpoint of x and the next double up, as digits and a power of ten. */
function midpoint(x: number): { digits: string; power: number } {
  const next = bitsOf(x) + 1n;
  bits.setBigUint64(0, next);
  const y = bits.getFloat64(0);
  const a = exactDecimal(x);
  const b = exactDecimal(y);
  // Bring both to the smaller power, add, halve (times 5, one power lower).
  const power = Math.min(a.power, b.power);
  const sum = BigInt(a.digits) * 10n ** BigInt(a.power - power) + BigInt(b.digits) * 10n ** BigInt(b.power - power);
  let digits = (sum * 5n).toString();
  let p = power - 1;
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    p++;
  }
  return { digits, power: p };
}

/** Digits (no leading zero) times 10^power, in one of the plain token styles. */
function style(digits: string, power: number, how: number): string {
  const n = digits.length;
  switch (how % 8) {
    case 0:
      return `${digits}e${power}`;
    case 1: // d.ddd e±xx, as toExponential writes it
      return `${digits[0]}.${digits.slice(1)}e${power + n - 1 >= 0 ? '+' : ''}${power + n - 1}`;
    case 2: // a plain fraction or integer
      if (power >= 0) return digits + '0'.repeat(power);
      return -power >= n
        ? `0.${'0'.repeat(-power - n)}${digits}`
        : `${digits.slice(0, n + power)}.${digits.slice(n + power)}`;
    case 3: // leading zeros
      return `000${digits}E${power}`;
    case 4: // trailing zeros in the fraction
      return `${digits[0]}.${digits.slice(1)}000E${power + n - 1}`;
    case 5: // a leading dot
      return `.${digits}e${power + n}`;
    case 6: // zeros on both sides of the dot
      return `00.000${digits}e${power + n + 3}`;
    default: // a trailing dot
      return `${digits}.e${power}`;
  }
}

/** A positive double from 1e-8 to 1e42: the powers its 16-19 digit forms need lie in ±22 and just outside. */
const double = fc.double({ min: 1e-8, max: 1e42, noNaN: true, noDefaultInfinity: true });

/** Integer mantissas around the edges, as digit strings. */
const EDGES = [2n ** 53n, 10n ** 15n, 10n ** 16n, 10n ** 17n, 10n ** 18n, 10n ** 19n, 2n ** 63n, 2n ** 64n, 2n ** 54n];
const edgeMantissa = fc
  .tuple(fc.constantFrom(...EDGES), fc.bigInt({ min: -2000n, max: 2000n }))
  .map(([edge, d]) => (edge + d).toString());
const anyMantissa = fc.bigInt({ min: 10n ** 15n, max: 10n ** 19n - 1n }).map((m) => m.toString());

/** The double just below a power of two (its midpoint with the power lies where the gap halves). */
function below(power: number): number {
  bits.setBigUint64(0, bitsOf(2 ** power) - 1n);
  return bits.getFloat64(0);
}

/**
 * Doubles whose midpoint with the next one up is often written in at most 19 digits (from
 * 2^40 to 2^66: with a fraction below 2^53, divided by a power of ten; an integer above,
 * multiplied), next to powers of two, and any.
 */
const midpointOf = fc.oneof(
  double,
  fc.double({ min: 2 ** 40, max: 2 ** 53, noNaN: true }),
  fc.double({ min: 2 ** 53, max: 2 ** 66, noNaN: true }),
  fc.integer({ min: 40, max: 66 }).chain((k) => fc.constantFrom(2 ** k, below(k))),
);

describe('parser: long decimal values read without Number()', () => {
  beforeEach(() => {
    tally.read = 0;
    tally.left = 0;
  });

  it('random doubles printed to 16-19 digits in every style read as Number() reads them', () => {
    fc.assert(
      fc.property(double, fc.nat(), (x, how) => {
        for (const token of [x.toPrecision(16), x.toPrecision(17), x.toExponential(15), x.toExponential(16)])
          check(token.replace('e+', how % 2 === 0 ? 'e' : 'e+'));
        for (const d of [16, 17, 18, 19]) {
          const e = exactDecimal(x);
          // Rounded to d digits by toPrecision, then written in each style.
          const written = x.toExponential(d - 1);
          const [mant, exp] = written.split('e');
          const digits = mant!.replace('.', '');
          check(style(digits, Number(exp) - d + 1, how));
          check(style(digits, Number(exp) - d + 1, how + d));
          // And the exact value cut to d digits.
          check(style(e.digits.slice(0, d), e.power + e.digits.length - d, how));
        }
      }),
      { numRuns: 20000 },
    );
    // Most of them are read by the path itself (not all left to Number()).
    assert.ok(tally.read > tally.left, JSON.stringify(tally));
  });

  it('mantissas around 2^53, 10^15-10^19 and 2^64 with powers within ±22 and just outside', () => {
    fc.assert(
      fc.property(fc.oneof(edgeMantissa, anyMantissa), fc.integer({ min: -26, max: 26 }), fc.nat(), (m, p, how) => {
        check(style(m, p, how));
        check(style(m, p, how + 1));
        check(style(m, p, how + 2));
      }),
      { numRuns: 20000 },
    );
    assert.ok(tally.read > tally.left / 4, JSON.stringify(tally));
  });

  it('the exact midpoints of adjacent doubles, cut to 16-20 digits, one off in the last, and with zeros after', () => {
    fc.assert(
      fc.property(midpointOf, fc.nat(), (x, how) => {
        const mid = midpoint(x);
        const full = mid.digits;
        // The tie itself, with zeros after it (read as a larger mantissa, a smaller power).
        for (let z = 0; full.length + z <= 20; z++) check(style(full + '0'.repeat(z), mid.power - z, how + z));
        for (let d = 16; d <= Math.min(20, full.length); d++) {
          const cut = full.slice(0, d);
          const power = mid.power + full.length - d;
          check(style(cut, power, how));
          const up = (BigInt(cut) + 1n).toString();
          check(style(up, power, how + 3));
          const down = (BigInt(cut) - 1n).toString();
          if (down.length === d) check(style(down, power, how + 5));
        }
      }),
      { numRuns: 5000 },
    );
    assert.ok(tally.read > tally.left, JSON.stringify(tally));
  });

  it('exact ties are left to Number()', () => {
    // 2^53 + 1 is halfway between 2^53 and 2^53 + 2; 0.5 past a double at 2^52 is halfway too.
    for (const token of ['9007199254740993', '9007199254740993.0', '4503599627370496.5', '12345678901234567'])
      assert.equal(read(token), -1, token);
    for (const token of ['9007199254740993.001', '9007199254740992.999', '1.7963020201005435e+09'])
      assert.ok(Object.is(read(token), Number(token)), token);
  });
});

/** Longer than the byte copy's minimum: sample values are then read from the bytes. */
const PAD = `# HELP pad ${'p'.repeat(300)}\n`;

const longValue = fc.oneof(
  double.chain((x) =>
    fc.constantFrom(x.toPrecision(16), x.toPrecision(17), x.toExponential(16), x.toPrecision(19), String(x)),
  ),
  fc
    .tuple(fc.oneof(edgeMantissa, anyMantissa), fc.integer({ min: -26, max: 26 }), fc.nat())
    .map(([m, p, how]) => style(m, p, how)),
  fc.constantFrom(
    '1.7963020201005435e+09',
    '0.21000000000000002',
    '9007199254740993',
    '1e999',
    '-1.5',
    '+Inf',
    'NaN',
    '1.5',
    '',
  ),
);

const sampleLine = fc
  .tuple(
    fc.constantFrom('a', 'a_total', 'a_created', 'a_bucket{le="0.5"}', 'b{x="1"}'),
    fc.constantFrom(' ', ' ', ' ', '\t', '  '),
    longValue,
    fc.constantFrom('', '', ' 1700000000', ` 1.7000000000000002e9`, ' 17000000000000000001', ' 1.5', '\r', 'x'),
  )
  .map(([name, gap, value, tail]) => `${name}${gap}${value}${tail}`);

const line = fc.oneof(
  { weight: 6, arbitrary: sampleLine },
  {
    weight: 1,
    arbitrary: fc.constantFrom('# TYPE a counter', '# TYPE a gauge', '# TYPE a_bucket histogram', '', '# x'),
  },
);

const body = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 10 }), fc.boolean(), fc.constantFrom('\n', '\r\n'))
  .map(([lines, eof, eol]) => PAD + lines.join(eol) + eol + (eof ? `# EOF${eol}` : ''));

const OPTIONS: ParseOptions[] = [
  { format: 'prometheus' },
  { format: 'prometheus', strict: true },
  { format: 'openmetrics' },
  { format: 'openmetrics', strict: true },
];

describe('parser: bodies with long decimal values', () => {
  it('parse alike with the long decimal path on and off', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS) {
          const fast = outcome(text, opts);
          const slow = outcomeWith([setLongDecimalFastPathEnabled], false, text, opts);
          assert.deepEqual(fast, slow, text);
          assert.equal(JSON.stringify(fast), JSON.stringify(slow), text);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
