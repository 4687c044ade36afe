import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { StackTreeBuilder, mergeProfiles, remapProfile } from '../../../../src/core/profiler/builder';
import { callEdges, findFunctions, topFunctions, treeChildren } from '../../../../src/core/profiler/model';
import { foldedProfile, sampledProfile } from '../../../helpers/builders';
import { fn, importFixture } from './fixtures';

describe('profile model', () => {
  it('never double-counts total time through recursion (direct and mutual)', () => {
    const p = foldedProfile('f;f;f;f 10\nf;g;f;g 5\nh 5');
    assert.equal(fn(p, 'f').totalSamples, 15);
    assert.equal(fn(p, 'f').selfSamples, 10);
    assert.equal(fn(p, 'g').totalSamples, 5);
    assert.equal(fn(p, 'g').selfSamples, 5);
    for (const f of p.functions) assert.ok(f.totalSamples! <= p.sampleCount);
  });

  it('keeps time and samples apart: a 1-sample 10 ms stack outweighs three 1 ms samples by time', () => {
    const slow = { name: 'slow', file: 'x.js', line: 1, column: 1 };
    const frequent = { name: 'frequent', file: 'x.js', line: 5, column: 1 };
    const p = sampledProfile(
      [
        { frames: [slow], samples: 1, timeMs: 10 },
        ...[0, 1, 2].map(() => ({ frames: [frequent], samples: 1, timeMs: 1 })),
      ],
      { name: 't' },
    );
    assert.equal(topFunctions(p, 1, 'self')[0]!.name, 'slow');
    assert.equal(p.sampleCount, 4);
    assert.equal(p.totalMs, 13);
  });

  it('ranks by self or total (ties broken by the other), leaves out functions with no weight, and finds functions by name', () => {
    const p = importFixture('cpuprofile/chrome65-simple.cpuprofile').profiles[0]!;
    assert.deepEqual(
      topFunctions(p, 3, 'self').map((f) => f.name),
      ['d', '(anonymous)', 'a'],
    );
    assert.equal(topFunctions(p, 50, 'self').length, 5);
    assert.deepEqual(
      topFunctions(p, 3, 'total').map((f) => f.name),
      ['(anonymous)', 'd', 'a'],
    );
    assert.equal(findFunctions(p, 'b').length, 1);
  });

  it('builds caller→callee edges weighted by the callee subtree', () => {
    const p = foldedProfile('main;a;x 3\nmain;b;x 2\nmain 1');
    const idx = (n: string) => fn(p, n).frame;
    const edge = (from: string, to: string) =>
      callEdges(p).find((e) => e.caller === idx(from) && e.callee === idx(to))?.samples;
    assert.equal(edge('main', 'a'), 3);
    assert.equal(edge('b', 'x'), 2);
    assert.equal(edge('main', 'x'), undefined);
  });

  it('exposes the call tree: children lists cover every node once, parents before children', () => {
    const p = importFixture('folded/recursion.txt').profiles[0]!;
    const t = p.tree!;
    const { offsets, list } = treeChildren(t);
    const seen = new Set<number>();
    for (let n = 0; n < t.parent.length; n++) {
      for (let k = offsets[n]!; k < offsets[n + 1]!; k++) {
        const c = list[k]!;
        assert.equal(t.parent[c], n);
        assert.ok(c > n);
        seen.add(c);
      }
    }
    assert.equal(seen.size, t.parent.length - 1);
  });

  it('merges profiles and re-keys frames, merging nodes that become identical', () => {
    const one = foldedProfile('a;b 2\na;c 1');
    const two = foldedProfile('a;b 3');
    const merged = mergeProfiles([one, two], 'both');
    assert.equal(merged.sampleCount, 6);
    assert.equal(fn(merged, 'b').selfSamples, 5);
    // Map b and c onto one function: their nodes under a become one node.
    const remapped = remapProfile(merged, (f) => (f.name === 'c' ? { ...f, name: 'b' } : f));
    assert.equal(fn(remapped, 'b').selfSamples, 6);
    assert.equal(remapped.tree!.parent.length, 3);
  });

  it('property: remapping frames that stay distinct gives the profile built from the mapped stacks', () => {
    const frames = [0, 1, 2, 3, 4].map((i) => ({ name: `f${i}`, file: `gen${i}.js`, line: i + 1, column: 1 }));
    const moved = (f: (typeof frames)[number]) => ({ ...f, file: `src/${f.file}`, line: f.line * 10 });
    const stack = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(stack, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (stacks) => {
          const spec = (map: (f: (typeof frames)[number]) => (typeof frames)[number]) =>
            stacks.map(([s, w, line]) => ({ frames: s.map((i) => map(frames[i]!)), samples: w, timeMs: w * 2, line }));
          const before = sampledProfile(spec((f) => f));
          // Lines 1 and 2 become one line, so line weights merge while frames stay apart.
          const remapped = remapProfile(before, moved, (_f, line) => (line === 2 ? 1 : line) * 10);
          const direct = sampledProfile(spec(moved).map((s) => ({ ...s, line: (s.line === 2 ? 1 : s.line) * 10 })));
          assert.deepEqual(remapped.functions, direct.functions);
          assert.deepEqual(
            [...remapped.lines].sort((a, b) => a.frame - b.frame || a.line - b.line),
            [...direct.lines].sort((a, b) => a.frame - b.frame || a.line - b.line),
          );
          assert.equal(remapped.sampleCount, direct.sampleCount);
          assert.equal(remapped.totalMs, direct.totalMs);
        },
      ),
    );
  });

  it('property: sum of self equals the sample count; totals sit between self and the profile total', () => {
    const stack = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(stack, fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 40 }),
        (stacks) => {
          const b = new StackTreeBuilder(true);
          const ids = [0, 1, 2, 3, 4, 5].map((i) => b.frameId({ name: `f${i}`, file: '', line: 0, column: 0 }));
          let total = 0;
          for (const [s, w] of stacks) {
            b.addStack(
              s.map((i) => ids[i]!),
              w,
              w * 2,
            );
            total += w;
          }
          const p = b.finish('p', true, null);
          assert.equal(p.sampleCount, total);
          assert.equal(p.totalMs, total * 2);
          let selfSum = 0;
          for (const f of p.functions) {
            selfSum += f.selfSamples!;
            assert.ok(f.totalSamples! >= f.selfSamples! && f.totalSamples! <= total);
            // Total = samples whose stack contains the function at least once.
            const expected = stacks.filter(([s]) => s.includes(f.frame)).reduce((a, [, w]) => a + w, 0);
            assert.equal(f.totalSamples, expected);
          }
          assert.equal(selfSum, total);
        },
      ),
      { numRuns: 150 },
    );
  });
});
