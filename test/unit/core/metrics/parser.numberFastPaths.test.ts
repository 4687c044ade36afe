/**
 * Number tokens of 16 significant digits whose mantissa is below 2^53 are read by one exact
 * operation (parseNumberToken), and the usual "le" and "quantile" label values without the
 * general reader (numericLabel): each must give what the careful path gives — Number() on the
 * token, parseNumberToken on the label value — or the same error, on tokens drawn around the
 * edges (15 to 17 digits, mantissas next to 2^53, powers of ten next to ±22, signs, leading and
 * trailing zeros, dots, exponents, Inf/NaN, stray characters).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  NUMBER_VALUE,
  isPlainNumberText,
  parseNumberToken,
  setPlainNumberTextEnabled,
  setSixteenDigitNumbersEnabled,
} from '../../../../src/core/metrics/parserLexical';
import { numericLabel, setGroupFastPathsEnabled } from '../../../../src/core/metrics/parserOpenMetricsFamily';
import { LineSyntaxError } from '../../../../src/core/metrics/parserProblems';
import { parseExposition } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { OPTIONS, body, outcome, outcomeWith } from '../../../helpers/expositionArbitraries';

/** The outcome of a first read with the 16-digit path on or off. */
const sixteen = (on: boolean, text: string, opts: ParseOptions) =>
  outcomeWith([setSixteenDigitNumbersEnabled], on, text, opts);

/** Longer than the byte copy's minimum: sample values are then read from the bytes (plainDecimal). */
const PAD = `# HELP pad ${'p'.repeat(300)}\n`;

/** Digit strings around 2^53 = 9007199254740992 and of 15 to 17 digits. */
const DIGITS = fc.oneof(
  fc.constantFrom('9007199254740991', '9007199254740992', '9007199254740993', '9007199254740999', '9999999999999999'),
  fc.constantFrom('1000000000000000', '8999999999999999', '1234567890123456', '12345678901234567', '123456789012345'),
  fc.stringMatching(/^[1-9][0-9]{13,17}$/),
  fc.stringMatching(/^[0-9]{1,6}$/),
);

/** A decimal token: the digits with a dot somewhere (or none), zeros around, an exponent. */
const token = fc
  .record({
    sign: fc.constantFrom('', '', '-', '+'),
    lead: fc.constantFrom('', '', '0', '0.0000'),
    digits: DIGITS,
    dot: fc.option(fc.nat({ max: 18 }), { nil: undefined }),
    trail: fc.constantFrom('', '', '0', '000'),
    exponent: fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined }),
    e: fc.constantFrom('e', 'E'),
  })
  .map((t) => {
    let digits = t.digits + t.trail;
    if (t.dot !== undefined && t.lead !== '0.0000') {
      const at = Math.min(t.dot, digits.length);
      digits = `${digits.slice(0, at) || '0'}.${digits.slice(at)}`;
    }
    const lead = t.lead === '0.0000' ? '0.0000' : t.dot === undefined ? '' : t.lead;
    const exponent =
      t.exponent === undefined ? '' : `${t.e}${t.exponent >= 0 && t.sign === '+' ? '+' : ''}${t.exponent}`;
    return `${t.sign}${lead}${digits}${exponent}`;
  });

function read(s: string): unknown {
  try {
    return parseNumberToken(s, 0, s.length, NUMBER_VALUE, 'value');
  } catch (e) {
    if (!(e instanceof LineSyntaxError)) throw e;
    return e.reason;
  }
}

function label(v: string | undefined, fast: boolean): unknown {
  setGroupFastPathsEnabled(fast);
  try {
    return numericLabel(v === undefined ? { a: '1' } : { a: '1', le: v }, 'le', 'histogram bucket');
  } catch (e) {
    if (!(e instanceof LineSyntaxError)) throw e;
    return e.reason;
  } finally {
    setGroupFastPathsEnabled(true);
  }
}

const LABEL_VALUES = [
  '0.005',
  '1',
  '1.0',
  '10',
  '+Inf',
  '-Inf',
  'Inf',
  '+inf',
  'NaN',
  '',
  '.5',
  '1.',
  '.',
  '1..2',
  '1.2.3',
  '-1',
  '+1',
  '1e3',
  '0x10',
  ' 1',
  '1 ',
  '00.10',
  '0.0000000000000000000000001',
  '123456789012345',
  '1234567890123456',
  '0.1234567890123456789',
  '1_0',
  '١',
];

describe('parser: number fast paths against the careful path', () => {
  it('decimal tokens of up to 17 digits read as Number() reads them, fast path on and off', () => {
    fc.assert(
      fc.property(token, (s) => {
        const expected = Number(s);
        assert.ok(Object.is(read(s), expected), `${s}: ${String(read(s))} ≠ ${expected}`);
        setSixteenDigitNumbersEnabled(false);
        try {
          assert.ok(Object.is(read(s), expected), s);
        } finally {
          setSixteenDigitNumbersEnabled(true);
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('label numbers read as the general reader reads them, or fail the same', () => {
    const value = fc.oneof(fc.constantFrom(...LABEL_VALUES), token, fc.stringMatching(/^[0-9.+\-eEinfINFaA]{0,8}$/));
    fc.assert(
      fc.property(fc.option(value, { nil: undefined }), (v) => {
        assert.deepEqual(label(v, true), label(v, false), v);
      }),
      { numRuns: 20000 },
    );
  });

  it('sample values read from the byte copy as Number() reads them, fast path on and off', () => {
    const tail = fc.constantFrom('', '', ' 1700000000', ' 1.5', '\t', ' # {a="1"} 1');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(token, tail), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...OPTIONS),
        (pairs, opts) => {
          const text = PAD + pairs.map(([v, t], k) => `m{k="${k}"} ${v}${t}\n`).join('');
          assert.deepEqual(sixteen(true, text, opts), sixteen(false, text, opts), text);
        },
      ),
      { numRuns: 3000 },
    );
    // Unsigned tokens alone on their lines: every one read by the byte path, each as Number() reads it.
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), (tokens) => {
        const plain = tokens.filter((v) => /^[0-9]/.test(v));
        const text = PAD + plain.map((v, k) => `m{k="${k}"} ${v}\n`).join('');
        const samples = parseExposition(text, { format: 'prometheus' }).families.flatMap((f) => f.samples);
        assert.equal(samples.length, plain.length, text);
        samples.forEach((sample, k) =>
          assert.ok(Object.is(sample.value, Number(plain[k])), `${plain[k]}: ${sample.value}`),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('label values taken as plain numbers are ones parseNumberToken reads without an error', () => {
    const value = fc.oneof(
      fc.constantFrom(...LABEL_VALUES, '+Inf ', '+INF', '+inf', 'Inf', '+Infinity', '1.0.', '0..', '.0', '0.', '00'),
      token,
      fc.stringMatching(/^[0-9.+\-eEinfINFaA ]{0,8}$/),
    );
    fc.assert(
      fc.property(value, (v) => {
        if (isPlainNumberText(v)) assert.equal(typeof read(v), 'number', v);
      }),
      { numRuns: 20000 },
    );
  });

  it('Prometheus-text histograms and summaries parse the same with and without the plain label-number check', () => {
    const bound = fc.oneof(
      fc.constantFrom(...LABEL_VALUES, '+INF', '+inf', '.0', '0.', '1e400', '00'),
      token,
      fc.stringMatching(/^[0-9.+\-eEinfINFaA]{0,6}$/),
    );
    const family = fc
      .record({
        type: fc.constantFrom('histogram', 'summary', 'counter', 'gauge'),
        bounds: fc.array(fc.option(bound, { nil: undefined }), { minLength: 1, maxLength: 5 }),
        label: fc.constantFrom('le', 'quantile'),
      })
      .map(({ type, bounds, label }) => {
        const suffix = type === 'histogram' ? '_bucket' : '';
        const lines = bounds.map((b, k) =>
          b === undefined ? `h${suffix}{k="${k}"} 1` : `h${suffix}{k="${k}",${label}="${b}"} ${k}`,
        );
        return `# TYPE h ${type}\n${lines.join('\n')}\nh_count 3\nh_sum 1.5\n`;
      });
    fc.assert(
      fc.property(family, fc.boolean(), (text, strict) => {
        const opts = { format: 'prometheus' as const, strict };
        assert.deepEqual(
          outcome(PAD + text, opts),
          outcomeWith([setPlainNumberTextEnabled], false, PAD + text, opts),
          text,
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('generated bodies parse the same with and without the 16-digit path', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(...OPTIONS), (text, opts) => {
        assert.deepEqual(sixteen(true, text, opts), sixteen(false, text, opts), text);
      }),
      { numRuns: 1000 },
    );
  });
});
