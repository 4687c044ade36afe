/**
 * OpenMetrics: a series may appear more than once in its group only with timestamps that do not
 * go back. Groups are searched in a short list up to 40 series and by maps beyond: both must
 * find the same repeats, in small groups and in big ones, for buckets, quantiles and plain series.
 */
import * as assert from 'node:assert/strict';
import { parseExposition } from '../../../../src/core/metrics/parser';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

function problems(lines: string[]): string[] {
  const r = parseExposition([...lines, '# EOF', ''].join('\n'), { contentType: OPENMETRICS });
  return r.problems.map((p) => `${p.line}: ${p.reason}`);
}

/** A histogram point with `n` finite buckets, optionally a timestamp on every line. */
function histogram(n: number, ts?: number): string[] {
  const at = ts === undefined ? '' : ` ${ts}`;
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) lines.push(`h_bucket{a="x",le="${i}"} ${i}${at}`);
  lines.push(`h_bucket{a="x",le="+Inf"} ${n}${at}`, `h_count{a="x"} ${n}${at}`, `h_sum{a="x"} 1${at}`);
  return lines;
}

describe('parser: series repeated within an OpenMetrics group', () => {
  for (const buckets of [3, 15, 16, 36, 37, 40, 80]) {
    it(`${buckets} buckets: a repeated bucket without timestamps is reported, growing timestamps are not`, () => {
      const head = ['# TYPE h histogram'];
      assert.deepEqual(problems([...head, ...histogram(buckets)]), []);
      const repeated = [...head, ...histogram(buckets)];
      repeated.splice(buckets + 1, 0, `h_bucket{a="x",le="${buckets}"} ${buckets}`);
      assert.ok(
        problems(repeated).some((p) =>
          p.endsWith(
            `series h_bucket{a="x",le="${buckets}"} appears more than once without timestamps on every sample`,
          ),
        ),
        problems(repeated).join('\n'),
      );
      assert.deepEqual(problems([...head, ...histogram(buckets, 10), ...histogram(buckets, 11)]), []);
      const back = problems([...head, ...histogram(buckets, 11), ...histogram(buckets, 10)]);
      assert.ok(
        back.some((p) => p.endsWith(`timestamps of series h_bucket{a="x",le="1"} go backwards`)),
        back.join('\n'),
      );
    });
  }

  for (const quantiles of [4, 30]) {
    it(`${quantiles} quantiles: a repeated quantile or _count is reported at its line`, () => {
      const lines = ['# TYPE s summary'];
      for (let i = 0; i < quantiles; i++) lines.push(`s{quantile="${(i / quantiles).toFixed(3)}"} 1`);
      lines.push('s_count 3', 's_sum 2');
      assert.deepEqual(problems(lines), []);
      const q = `s{quantile="${(1 / quantiles).toFixed(3)}"} 1`;
      assert.deepEqual(problems([...lines, q]), [
        `${lines.length + 1}: series s{quantile="${(1 / quantiles).toFixed(3)}"} appears more than once without timestamps on every sample`,
      ]);
      assert.deepEqual(problems([...lines, 's_count 3']), [
        `${lines.length + 1}: series s_count{} appears more than once without timestamps on every sample`,
      ]);
    });
  }

  it('a new group forgets the series of the last one', () => {
    const lines = ['# TYPE c counter'];
    for (let i = 0; i < 40; i++) lines.push(`c_total{g="${i}"} 1`, `c_created{g="${i}"} 1`);
    assert.deepEqual(problems(lines), []);
  });
});
