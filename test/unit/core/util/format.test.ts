import * as assert from 'node:assert/strict';
import { formatMs, plural } from '../../../../src/core/util/format';

describe('util/format', () => {
  it('writes durations with the precision a reader needs, switching to seconds before "1000 ms"', () => {
    assert.deepEqual([0.034, 0.25, 4.94, 10, 48.4, 999.4, 999.5, 1000, 2424.6].map(formatMs), ['0.03 ms', '0.25 ms', '4.9 ms', '10 ms', '48 ms', '999 ms', '1.00 s', '1.00 s', '2.42 s']);
  });

  it('puts a count and its noun in the right number', () => {
    assert.equal(plural(1, 'request'), '1 request');
    assert.equal(plural(0, 'request'), '0 requests');
    assert.equal(plural(12345, 'entry', 'entries'), '12,345 entries');
  });
});
