import * as assert from 'node:assert/strict';
import { roundTimeTicks, tickStep } from '../../../../webview/dashboard/chartAxes';
import { formatValue } from '../../../../src/shared/format';

describe('dashboard chart axes', () => {
  it('picks a round step giving at most six ticks for each range', () => {
    assert.equal(tickStep(15 * 60_000), 5 * 60_000);
    assert.equal(tickStep(3_600_000), 10 * 60_000);
    assert.equal(tickStep(86_400_000), 6 * 3_600_000);
    assert.equal(tickStep(30 * 86_400_000), 5 * 86_400_000);
  });

  it('puts ticks on multiples of the step inside the range, not on its ragged ends', () => {
    const min = Date.UTC(2026, 10, 27, 12, 44, 7);
    const ticks = roundTimeTicks(min, min + 15 * 60_000, 5 * 60_000).map((t) =>
      new Date(t.value).toISOString().slice(11, 19),
    );
    assert.deepEqual(ticks, ['12:45:00', '12:50:00', '12:55:00']);
  });

  it('formats values by unit', () => {
    assert.equal(formatValue('ms', 1234), '1.23 s');
    assert.equal(formatValue('share', 0.05), '5%');
    assert.equal(formatValue('share', 0.004), '0.40%');
    assert.equal(formatValue('bytes', 150 * 1048576), '150 MB');
    assert.equal(formatValue('rps', 12.345), '12.3/s');
  });
});
