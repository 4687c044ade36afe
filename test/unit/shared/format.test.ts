import * as assert from 'node:assert/strict';
import {
  MISSING,
  formatAge,
  formatBytes,
  formatMs,
  formatPercent,
  formatRate,
  formatShare,
  formatSpan,
  plural,
} from '../../../src/shared/format';

const NOT_NUMBERS = [undefined, NaN, Infinity, -Infinity];

describe('shared/format', () => {
  it('writes durations with the precision a reader needs, switching to seconds before "1000 ms"', () => {
    assert.deepEqual([0.034, 0.25, 4.94, 10, 48.4, 999.4, 999.5, 1000, 2424.6].map(formatMs), [
      '0.03 ms',
      '0.25 ms',
      '4.9 ms',
      '10 ms',
      '48 ms',
      '999 ms',
      '1.00 s',
      '1.00 s',
      '2.42 s',
    ]);
  });

  it('picks the duration tier after rounding, so no value prints as the next tier’s first number', () => {
    assert.equal(formatMs(999.7), '1.00 s');
    assert.equal(formatMs(999.95), '1.00 s');
    assert.equal(formatMs(0.999), '1.0 ms');
    assert.equal(formatMs(9.96), '10 ms');
    assert.equal(formatMs(9999), '10.0 s');
    assert.equal(formatMs(123_456), '123.5 s');
  });

  it('writes zero, negative and non-numbers the same way for every quantity', () => {
    assert.deepEqual(
      [formatMs(0), formatBytes(0), formatRate(0), formatPercent(0), formatShare(0), formatSpan(0)],
      ['0.00 ms', '0 bytes', '0.00/s', '0.0%', '0.0%', '0 s'],
    );
    assert.deepEqual(
      [
        formatMs(-48.4),
        formatBytes(-1536),
        formatRate(-12.34),
        formatPercent(-5),
        formatShare(-0.5),
        formatSpan(-90_000),
      ],
      ['-48 ms', '-1.5 KB', '-12.3/s', '-5.0%', '-50.0%', '-1.5 min'],
    );
    assert.equal(formatMs(-0.001), '0.00 ms', 'a value that rounds to zero has no sign');
    for (const f of [formatMs, formatBytes, formatRate, formatPercent, formatShare, formatSpan]) {
      assert.deepEqual(
        NOT_NUMBERS.map((v) => f(v)),
        NOT_NUMBERS.map(() => MISSING),
        f.name,
      );
    }
  });

  it('writes sizes in binary units, one decimal below 100 (none when it is zero), rolling over at 1024 after rounding', () => {
    assert.deepEqual([512, 1536, 300 * 1024, 16 * 1048576, 256 * 1048576, 1.5 * 1024 ** 3].map(formatBytes), [
      '512 bytes',
      '1.5 KB',
      '300 KB',
      '16 MB',
      '256 MB',
      '1.5 GB',
    ]);
    assert.equal(formatBytes(1023.9 * 1024), '1 MB');
    assert.equal(formatBytes(16.3 * 1048576), '16.3 MB');
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023.4 * 1024), '1,023 KB');
    assert.equal(formatBytes(1023), '1,023 bytes');
    assert.equal(formatBytes(99.96 * 1024), '100 KB');
  });

  it('writes rates per second', () => {
    assert.deepEqual(
      [0.25, 12.34, 99.96, 1234.4].map((v) => formatRate(v)),
      ['0.25/s', '12.3/s', '100/s', '1,234/s'],
    );
    assert.equal(formatRate(12.34, 'req'), '12.3 req/s');
  });

  it('writes percentages from either scale alike', () => {
    assert.equal(formatPercent(42.25), formatShare(0.4225));
    assert.equal(formatShare(0.004, 2), '0.40%');
  });

  it('writes spans, range labels and ages in one wording', () => {
    assert.deepEqual([45_000, 15 * 60_000, 90 * 60_000, 3_600_000, 86_400_000, 30 * 86_400_000].map(formatSpan), [
      '45 s',
      '15 min',
      '1.5 h',
      '1 h',
      '24 h',
      '30 days',
    ]);
    assert.equal(formatSpan(500), '500 ms', 'below a second a span is a duration');
    assert.equal(formatAge(1_000, 181_000), '3 min ago');
    assert.equal(formatAge(5_000, 1_000), '0 s ago');
  });

  it('puts a count and its noun in the right number', () => {
    assert.equal(plural(1, 'request'), '1 request');
    assert.equal(plural(0, 'request'), '0 requests');
    assert.equal(plural(12345, 'entry', 'entries'), '12,345 entries');
  });
});
