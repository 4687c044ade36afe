// Quantiles are worked out from buckets sorted and checked once for several q, without sorting
// buckets that are already in order; whatever the input, they must answer what the general
// computation (Prometheus's bucketQuantile, step by step) answers.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { Bucket } from '../../../../src/core/metrics/quantile';
import { histogramQuantile, histogramQuantiles } from '../../../../src/core/metrics/quantile';

function quantileGeneral(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = [...input].filter((b) => !Number.isNaN(b.le)).sort((a, b) => a.le - b.le);
  if (buckets.length < 2 || buckets[buckets.length - 1]!.le !== Infinity) return NaN;
  let max = -Infinity;
  const counts = buckets.map((b) => (max = Math.max(max, b.count)));
  const observations = counts[counts.length - 1]!;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = counts.findIndex((c) => c >= rank);
  if (b < 0) b = counts.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  const start = b > 0 ? buckets[b - 1]!.le : 0;
  const below = b > 0 ? counts[b - 1]! : 0;
  if (b > 0) rank -= below;
  return start + (buckets[b]!.le - start) * (rank / (counts[b]! - below));
}

const le = fc.oneof(
  fc.constantFrom(Infinity, -Infinity, NaN, 0, 0.005, 0.1, 1, 10),
  fc.double({ min: -5, max: 50, noNaN: true }),
);
const buckets = fc.array(fc.record({ le, count: fc.oneof(fc.nat({ max: 100 }), fc.constant(NaN)) }), {
  maxLength: 8,
});
/** Mostly what exposition gives: ascending bounds ending in +Inf, cumulative counts. */
const exposed = fc.uniqueArray(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 7 }).chain((les) =>
  fc.array(fc.nat({ max: 20 }), { minLength: les.length + 1, maxLength: les.length + 1 }).map((steps) => {
    let c = 0;
    return [...les.sort((a, b) => a - b), Infinity].map((l, i) => ({ le: l, count: (c += steps[i]!) }));
  }),
);
const q = fc.oneof(fc.constantFrom(0, 0.5, 0.95, 0.99, 1, NaN, -0.1, 1.1), fc.double({ min: 0, max: 1, noNaN: true }));

describe('quantile shortcuts answer what the general computation answers', () => {
  it('histogramQuantile and histogramQuantiles, on sorted, unsorted and degenerate buckets', () => {
    fc.assert(
      fc.property(fc.oneof(exposed, buckets), fc.array(q, { maxLength: 4 }), (bs, qs) => {
        const expected = qs.map((x) => quantileGeneral(x, bs));
        assert.deepStrictEqual(histogramQuantiles(qs, bs), expected);
        assert.deepStrictEqual(
          qs.map((x) => histogramQuantile(x, bs)),
          expected,
        );
      }),
      { numRuns: 2000 },
    );
  });
});
