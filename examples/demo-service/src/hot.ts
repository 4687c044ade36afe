import { prng } from './random';

export interface GraphNode {
  id: number;
  degree: number;
}

export interface CentralityScore {
  id: number;
  score: number;
}

export interface CentralityResult {
  iterations: number;
  /** L1 change of the score vector in the last iteration; small means converged. */
  delta: number;
  top: CentralityScore[];
}

const DAMPING = 0.85;

/**
 * PageRank-style eigenvector centrality by power iteration. This is the demo's deliberately
 * CPU-hot code path: it rebuilds the adjacency on every call (each entity links to `degree`
 * neighbours picked deterministically from its id) and iterates a fixed number of times instead of
 * stopping at convergence, so a CPU profile of the service under load has one obvious hot frame.
 */
export function computeCentrality(nodes: GraphNode[], iterations: number, topN = 10): CentralityResult {
  const n = nodes.length;
  if (n === 0) return { iterations: 0, delta: 0, top: [] };
  // Adjacency as per-node neighbour lists (both directions), in compressed form.
  const lists: number[][] = nodes.map(() => []);
  for (let i = 0; i < n; i++) {
    const rand = prng(nodes[i]!.id);
    const links = Math.min(nodes[i]!.degree, n - 1);
    for (let k = 0; k < links; k++) {
      const j = Math.floor(rand() * n);
      if (j === i) continue;
      lists[i]!.push(j);
      lists[j]!.push(i);
    }
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const targets = new Int32Array(offsets[n]!);
  for (let i = 0; i < n; i++) targets.set(lists[i]!, offsets[i]!);

  let score = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  let delta = 0;
  for (let it = 0; it < iterations; it++) {
    next.fill((1 - DAMPING) / n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      if (start === end) {
        dangling += score[i]!;
        continue;
      }
      const share = (DAMPING * score[i]!) / (end - start);
      for (let e = start; e < end; e++) next[targets[e]!]! += share;
    }
    // Nodes without links spread their score evenly, so the vector keeps summing to 1.
    const spread = (DAMPING * dangling) / n;
    delta = 0;
    for (let i = 0; i < n; i++) {
      next[i]! += spread;
      delta += Math.abs(next[i]! - score[i]!);
    }
    [score, next] = [next, score];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  return { iterations, delta, top: order.slice(0, topN).map((i) => ({ id: nodes[i]!.id, score: score[i]! })) };
}

/** The cheap answer used when the hot path is switched off: degree centrality, no iteration. */
export function degreeCentrality(nodes: GraphNode[], topN = 10): CentralityResult {
  const total = nodes.reduce((s, x) => s + x.degree, 0) || 1;
  const top = [...nodes]
    .sort((a, b) => b.degree - a.degree)
    .slice(0, topN)
    .map((x) => ({ id: x.id, score: x.degree / total }));
  return { iterations: 0, delta: 0, top };
}
