// The bucket arithmetic takes shortcuts when bounds line up and a series' buckets are written one
// after another; whatever the input, it must answer what the general computation answers.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { histogramSeries, seriesKey } from '../../../../src/core/metrics/derivedSeries';
import type { MetricMapping, SampleIndex } from '../../../../src/core/metrics/presets';
import type { Bucket } from '../../../../src/core/metrics/quantile';
import { histogramIncrease, mergeBuckets } from '../../../../src/core/metrics/quantile';
import type { Sample } from '../../../../src/core/metrics/types';

/** The general merge: every set contributes, at each bound of the union, its count at its largest bound not above it. */
function mergeGeneral(sets: readonly (readonly Bucket[])[]): Bucket[] {
  const bounds = [...new Set(sets.flatMap((s) => s.map((b) => b.le)))].sort((a, b) => a - b);
  return bounds.map((le) => {
    let count = 0;
    for (const set of sets) {
      const below = [...set].sort((a, b) => a.le - b.le).filter((b) => b.le <= le);
      if (below.length) count += below[below.length - 1]!.count;
    }
    return { le, count };
  });
}

/** The general increase: bucket by bound, a bucket that went down counted from zero. */
function increaseGeneral(prev: readonly Bucket[], cur: readonly Bucket[]): Bucket[] {
  const total = (bs: readonly Bucket[]) => bs.reduce((m, b) => (b.le === Infinity ? b.count : m), NaN);
  if (prev.length === 0 || total(cur) < total(prev)) return cur.map((b) => ({ ...b }));
  const byLe = new Map(prev.map((b) => [b.le, b.count]));
  return cur.map((b) => {
    const p = byLe.get(b.le);
    return { le: b.le, count: p === undefined || b.count < p ? b.count : b.count - p };
  });
}

const LES = [0.005, 0.01, 0.1, 1, 10, Infinity];
const layout = fc.subarray(LES, { minLength: 1 });
const bucketsOn = (les: number[]) =>
  fc.array(fc.nat({ max: 50 }), { minLength: les.length, maxLength: les.length }).map((counts) => {
    let c = 0;
    return les.map((le, i) => ({ le, count: (c += counts[i]!) }));
  });
/** Mostly one layout shared by every set (the shortcut), sometimes each its own (the general path). */
const bucketSets = fc.oneof(
  layout.chain((les) => fc.array(bucketsOn(les), { minLength: 1, maxLength: 5 })),
  fc.array(layout.chain(bucketsOn), { minLength: 1, maxLength: 5 }),
);

describe('bucket arithmetic shortcuts answer what the general computation answers', () => {
  it('mergeBuckets, on shared and on differing bucket layouts', () => {
    fc.assert(fc.property(bucketSets, (sets) => assert.deepEqual(mergeBuckets(sets), mergeGeneral(sets))));
  });

  it('histogramIncrease, on the same and on changed layouts, with restarts', () => {
    fc.assert(
      fc.property(bucketSets, bucketSets, (a, b) => {
        for (const prev of a)
          for (const cur of b) assert.deepEqual(histogramIncrease(prev, cur), increaseGeneral(prev, cur));
      }),
    );
  });

  it('histogramSeries groups buckets by series whether they are written together or interleaved', () => {
    const series = fc.uniqueArray(fc.constantFrom('/a', '/b', '/c', '/d'), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(series, fc.boolean(), fc.integer(), (routes, interleave, salt) => {
        const samples: Sample[] = [];
        const each = (fn: (route: string, le: number, i: number) => void) =>
          interleave
            ? LES.forEach((le, i) => routes.forEach((r) => fn(r, le, i)))
            : routes.forEach((r) => LES.forEach((le, i) => fn(r, le, i)));
        each((route, le, i) =>
          samples.push({
            name: 'd_bucket',
            labels: { route, le: le === Infinity ? '+Inf' : String(le) },
            value: i + (salt % 7),
          }),
        );
        const index: SampleIndex = new Map([['d_bucket', samples]]);
        const m: MetricMapping = { metric: 'd', shape: 'histogram' };
        const out = histogramSeries(index, m);
        assert.deepEqual([...out.keys()].sort(), routes.map((r) => seriesKey({ route: r })).sort());
        for (const route of routes) {
          const hs = out.get(seriesKey({ route }))!;
          assert.deepEqual(hs.labels, { route });
          assert.deepEqual(
            hs.buckets.map((b) => b.le),
            LES,
          );
        }
      }),
    );
  });

  it('seriesKey ignores label order and cannot be spelled by another series', () => {
    assert.equal(seriesKey({ a: '1', b: '2' }), seriesKey({ b: '2', a: '1' }));
    assert.notEqual(seriesKey({ a: '1,b=1:2' }), seriesKey({ a: '1', b: '2' }));
    assert.notEqual(seriesKey({ a: 'x', le: '1' }, ['le']), seriesKey({ a: 'x', le: '1' }));
  });
});
