/**
 * OpenMetrics: each label group (a label set less its le, quantile or state label) is one
 * contiguous block. Finished groups are found by an order-free hash and compared exactly on a
 * hit: a group that comes back is reported whatever order its labels are written in, and groups
 * whose hashes collide are still told apart.
 */
import * as assert from 'node:assert/strict';
import { parseExposition } from '../../../../src/core/metrics/parser';
import { ClosedGroups, groupHash } from '../../../../src/core/metrics/parserGroups';
import { labelsKey } from '../../../../src/core/metrics/parserLexical';
import { prng } from '../../../../examples/demo-service/src/random';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

function problems(lines: string[]): string[] {
  const r = parseExposition([...lines, '# EOF', ''].join('\n'), { contentType: OPENMETRICS });
  return r.problems.map((p) => `${p.line}: ${p.reason}`);
}

describe('parser: OpenMetrics label groups stay contiguous', () => {
  it('reports a group that comes back with its labels in another order', () => {
    const lines = ['# TYPE g gauge', 'g{x="1",y="2"} 1', 'g{x="2",y="2"} 1', 'g{y="2",x="1"} 1'];
    assert.deepEqual(problems(lines), ['4: samples of "g{x="1",y="2"}" are not contiguous']);
  });

  it('reports a histogram group whose _sum comes after another group, less its le label', () => {
    const lines = [
      '# TYPE h histogram',
      'h_bucket{a="1",le="+Inf"} 1',
      'h_count{a="1"} 1',
      'h_bucket{a="2",le="+Inf"} 1',
      'h_count{a="2"} 1',
      'h_sum{a="2"} 1',
      'h_sum{a="1"} 1',
    ];
    assert.ok(problems(lines).includes('7: samples of "h{a="1"}" are not contiguous'), problems(lines).join('\n'));
  });

  it('tells apart finished groups whose hashes collide, and matches a group less its left-out label', () => {
    const closed = new ClosedGroups();
    closed.add(7, { a: '1' }, undefined);
    closed.add(7, { a: '2', le: '1' }, 'le');
    closed.add(7, { a: '3', b: '4' }, undefined);
    assert.equal(closed.has(7, { a: '1' }, undefined), true);
    assert.equal(closed.has(7, { a: '2' }, undefined), true);
    assert.equal(closed.has(7, { le: '9', a: '2' }, 'le'), true);
    assert.equal(closed.has(7, { b: '4', a: '3' }, undefined), true);
    assert.equal(closed.has(7, { a: '3' }, undefined), false);
    assert.equal(closed.has(7, { a: '4' }, undefined), false);
    assert.equal(closed.has(8, { a: '1' }, undefined), false);
  });

  it('hashes a label set the same whatever its order, and differently when a value moves to another name', () => {
    assert.equal(groupHash({ a: 'x', b: 'y' }, undefined), groupHash({ b: 'y', a: 'x' }, undefined));
    assert.equal(groupHash({ a: 'x', le: '1' }, 'le'), groupHash({ a: 'x' }, undefined));
    assert.notEqual(groupHash({ a: 'x', b: 'y' }, undefined), groupHash({ a: 'y', b: 'x' }, undefined));
  });

  it('hashes a label set the same whatever sets were hashed before it (label-name hashes are remembered by name length)', () => {
    // Names that share a slot of the remembered name hashes: the same length, or lengths 16 apart.
    const names = ['ab', 'cd', 'ef', 'x', 'y', 'q'.repeat(17), 'handler', 'methods', 'le'];
    for (let seed = 1; seed <= 200; seed++) {
      const next = prng(seed);
      const sets = Array.from({ length: 6 }, () => {
        const set: Record<string, string> = {};
        for (const name of names) if (next() < 0.4) set[name] = String(Math.floor(next() * 3));
        return set;
      });
      const first = sets.map((set) => groupHash(set, undefined));
      for (let round = 0; round < 3; round++)
        for (let k = sets.length - 1; k >= 0; k--)
          assert.equal(groupHash(sets[k]!, undefined), first[k], `seed ${seed}`);
    }
  });

  it('finds the same returning groups as a key per sorted label set, on 300 random bodies', () => {
    let reported = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const next = prng(seed);
      const names = ['a', 'b', 'c'];
      const lines = ['# TYPE g gauge'];
      const expected: string[] = [];
      const closed = new Set<string>();
      let current: string | undefined;
      let previous: Record<string, string> | undefined;
      for (let i = 0; i < 40; i++) {
        // Mostly the previous set again (a group of several lines), else another one.
        const labels: Record<string, string> =
          previous !== undefined && next() < 0.3 ? previous : { a: String(Math.floor(next() * 3)) };
        if (labels !== previous)
          for (const n of names.slice(1)) if (next() < 0.5) labels[n] = String(Math.floor(next() * 2));
        const order = Object.keys(labels).sort(() => next() - 0.5);
        const key = labelsKey(labels);
        if (key !== current) {
          if (current !== undefined) closed.add(current);
          if (closed.has(key)) expected.push(`${lines.length + 1}: samples of "g{${key}}" are not contiguous`);
          current = key;
        }
        lines.push(`g{${order.map((n) => `${n}="${labels[n]}"`).join(',')}} 1 ${i}`);
        previous = labels;
      }
      const found = problems(lines).filter((p) => p.includes('not contiguous'));
      assert.deepEqual(found, expected, `seed ${seed}:\n${lines.join('\n')}`);
      reported += expected.length;
    }
    assert.ok(reported > 300, `only ${reported} returning groups in all`);
  });
});
