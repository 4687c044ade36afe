/**
 * A first read of a Prometheus text body (no series cache) takes a name past every family name
 * seen so far for a new family without looking it up (FamilyIndex, parserFamilyIndex.ts): the
 * index must answer as a plain Map would for any order of names, sorted or not, and a body read
 * that way must come out as it does through a series cache, where every name is looked up. The
 * bodies' samples are mostly of the family before them, sometimes of another.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeriesCache } from '../../../../src/core/metrics/parser';
import type { ParseOptions } from '../../../../src/core/metrics/parser';
import { FamilyIndex } from '../../../../src/core/metrics/parserFamilyIndex';
import type { FamilyState } from '../../../../src/core/metrics/parserFamilyIndex';
import { outcome } from '../../../helpers/expositionArbitraries';

const NAMES = [
  'a',
  'a_bucket',
  'a_count',
  'a_sum',
  'a_total',
  'ab',
  'b',
  'b_created',
  'b_sum',
  'rpc',
  'rpc_total',
  'z',
];
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Names, mostly in sorted runs (as Go exporters write them), sometimes not. */
const names = fc
  .tuple(fc.array(fc.constantFrom(...NAMES), { maxLength: 24 }), fc.boolean())
  .map(([list, sort]) => (sort ? [...list].sort() : list));

describe('parser: families of a first read found by the order of their names', () => {
  it('the index answers as a Map does, sorted or not', () => {
    fc.assert(
      fc.property(names, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (list, finds) => {
        const index = new FamilyIndex();
        index.begin(true);
        const reference = new Map<string, FamilyState>();
        list.forEach((name, i) => {
          if (finds[i]) {
            assert.equal(index.find(name), reference.get(name), name);
            return;
          }
          const state = index.named(name);
          const known = reference.get(name);
          if (known !== undefined) assert.equal(state, known, name);
          else {
            assert.equal(state.family.name, name);
            assert.equal(state.family.samples.length, 0);
            reference.set(name, state);
          }
        });
        assert.deepEqual(
          index.families,
          [...reference.values()].map((s) => s.family),
        );
      }),
      { numRuns: 1000 },
    );
  });

  const family = fc.tuple(
    fc.constantFrom(...NAMES),
    fc.constantFrom(...TYPES),
    fc.array(
      fc.tuple(
        fc.constantFrom('', '_bucket{le="1"}', '_sum', '_count', '_total', '{quantile="0.5"}'),
        fc.option(fc.constantFrom(...NAMES)),
      ),
      { maxLength: 3 },
    ),
    fc.boolean(),
  );
  const body = fc.tuple(fc.array(family, { minLength: 1, maxLength: 10 }), fc.boolean()).map(([families, sort]) => {
    const list = sort ? [...families].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)) : families;
    let text = `# ${'padding '.repeat(40)}\n`;
    for (const [name, type, samples, meta] of list) {
      if (meta) text += `# HELP ${name} about ${name}\n# TYPE ${name} ${type}\n`;
      for (const [suffix, other] of samples) text += `${other ?? name}${suffix} 1\n`;
    }
    return text;
  });
  const OPTIONS: ParseOptions[] = [{ format: 'prometheus' }, { format: 'prometheus', strict: true }];

  it('a body read without a series cache comes out as one read through a series cache', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const opts of OPTIONS)
          assert.deepEqual(outcome(text, opts), outcome(text, { ...opts, seriesCache: new SeriesCache() }), text);
      }),
      { numRuns: 1000 },
    );
  });
});
