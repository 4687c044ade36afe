import * as assert from 'node:assert/strict';
import { routeLenses } from '../../../../src/extension/codeLens/traceRouteLensText';
import type { RouteReport } from '../../../../src/core/traces/analyze';

const report = (route: string, breakdown: RouteReport['breakdown'], errorRate = 0): RouteReport => ({
  route,
  count: 38,
  p50Ms: 100,
  p95Ms: 240,
  p99Ms: 300,
  errorRate,
  breakdown,
});

describe('trace route lenses', () => {
  it('puts the lens on the route table entry with p95, requests and the DB share', () => {
    const text = [
      'const routes = new Map([',
      "  ['GET /api/workspaces', list],",
      "  ['GET /api/graph/top-entities', top],",
      ']);',
      "app.get('/users/:id', user);",
    ].join('\n');
    const lenses = routeLenses(text, [
      report('GET /api/graph/top-entities', { codeMs: 59, dbMs: 41, httpMs: 0, otherMs: 0 }),
      report('GET /api/workspaces', { codeMs: 10, dbMs: 0, httpMs: 0, otherMs: 0 }, 0.05),
      report('GET /not/here', { codeMs: 1, dbMs: 0, httpMs: 0, otherMs: 0 }),
    ]);
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title]),
      [
        [1, 'p95 240 ms · 38 req · 0 % in DB · 5.0 % errors'],
        [2, 'p95 240 ms · 38 req · 41 % in DB'],
      ],
    );
  });
});
