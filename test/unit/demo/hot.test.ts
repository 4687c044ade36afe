import * as assert from 'node:assert/strict';
import type { GraphNode } from '../../../examples/demo-service/src/hot';
import { computeCentrality, degreeCentrality } from '../../../examples/demo-service/src/hot';

function nodes(n: number): GraphNode[] {
  // Every 50th node is a hub with many links; the rest have two.
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, degree: i % 50 === 0 ? 80 : 2 }));
}

describe('demo computeCentrality', () => {
  it('converges to a probability vector whose top entries are the hubs', () => {
    const graph = nodes(1000);
    const r = computeCentrality(graph, 100, 1000);
    const sum = r.top.reduce((s, x) => s + x.score, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `scores sum to ${sum}`);
    assert.ok(r.delta < 1e-6, `delta ${r.delta}`);
    const hubs = new Set(graph.filter((g) => g.degree === 80).map((g) => g.id));
    const top20 = r.top.slice(0, 20).map((x) => x.id);
    assert.deepEqual(
      top20.filter((id) => hubs.has(id)).sort((a, b) => a - b),
      [...hubs].sort((a, b) => a - b),
    );
  });

  it('is deterministic and handles empty and isolated graphs', () => {
    assert.deepEqual(computeCentrality(nodes(300), 20), computeCentrality(nodes(300), 20));
    assert.deepEqual(computeCentrality([], 10), { iterations: 0, delta: 0, top: [] });
    const lonely = computeCentrality(
      [
        { id: 7, degree: 0 },
        { id: 8, degree: 0 },
      ],
      5,
    );
    assert.deepEqual(
      lonely.top.map((x) => x.score),
      [0.5, 0.5],
    );
  });

  it('has a cheap degree-based answer for when the hot path is off', () => {
    const r = degreeCentrality(
      [
        { id: 1, degree: 1 },
        { id: 2, degree: 3 },
      ],
      1,
    );
    assert.deepEqual(r, { iterations: 0, delta: 0, top: [{ id: 2, score: 0.75 }] });
  });
});
