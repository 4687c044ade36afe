import * as assert from 'node:assert/strict';
import { tableRowEstimate } from '../../../../../src/core/queries/postgres/schema';

describe('PostgreSQL table row estimate', () => {
  it('takes reltuples once the table was analysed, even when the live tuples counted a bulk load twice', () => {
    // ANALYZE set 100,000; the loading session's 100,000 inserts reached the statistics afterwards.
    assert.equal(tableRowEstimate(100_000, 200_000), 100_000);
    assert.equal(tableRowEstimate(99_999.6, undefined), 100_000);
  });

  it('takes the live tuples of a table never analysed (-1 on PostgreSQL 14+, 0 before), and 0 without either', () => {
    assert.equal(tableRowEstimate(-1, 5_000), 5_000);
    assert.equal(tableRowEstimate(0, 5_000), 5_000);
    assert.equal(tableRowEstimate(-1, undefined), 0);
  });
});
