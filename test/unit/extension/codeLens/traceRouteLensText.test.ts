import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { routeLenses } from '../../../../src/extension/codeLens/traceRouteLensText';
import type { RouteReport } from '../../../../src/core/traces/analyze';

const report = (
  route: string,
  breakdown: RouteReport['breakdown'],
  errorRate = 0,
  location?: RouteReport['location'],
): RouteReport => ({
  route,
  count: 38,
  p50Ms: 100,
  p95Ms: 240,
  p99Ms: 300,
  errorRate,
  breakdown,
  ...(location ? { location } : {}),
});
const WS = path.resolve('/work/shop');
const doc = (rel: string, text: string) => ({ fsPath: path.join(WS, rel), text });
const NO_TIME = { codeMs: 10, dbMs: 0, httpMs: 0, otherMs: 0 };

describe('trace route lenses', () => {
  it('puts the lens on the route table entry with p95, requests and the DB share', () => {
    const text = [
      'const routes = new Map([',
      "  ['GET /api/workspaces', list],",
      "  ['GET /api/graph/top-entities', top],",
      ']);',
      "app.get('/users/:id', user);",
    ].join('\n');
    const lenses = routeLenses(
      doc('src/app.ts', text),
      [
        report('GET /api/graph/top-entities', { codeMs: 59, dbMs: 41, httpMs: 0, otherMs: 0 }),
        report('GET /api/workspaces', { codeMs: 10, dbMs: 0, httpMs: 0, otherMs: 0 }, 0.05),
        report('GET /not/here', { codeMs: 1, dbMs: 0, httpMs: 0, otherMs: 0 }),
      ],
      [WS],
    );
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title]),
      [
        [1, 'p95 240 ms · 38 req · 0 % in DB · 5.0 % errors'],
        [2, 'p95 240 ms · 38 req · 41 % in DB'],
      ],
    );
  });

  it("puts the lens at the handler's file and line from the spans, in any language, before any route-table match", () => {
    const views = ['from flask import Flask', '', "@app.get('/cart')", 'def cart():', '    return rows()'].join('\n');
    const cart = report('GET /cart', NO_TIME, 0, { file: 'app/views.py', line: 4, function: 'cart' });
    const absolute = report('GET /orders', NO_TIME, 0, { file: path.join(WS, 'app', 'views.py'), line: 5 });
    assert.deepEqual(
      routeLenses(doc('app/views.py', views), [cart, absolute], [path.resolve('/elsewhere'), WS]).map((l) => [
        l.line,
        l.route,
      ]),
      [
        [3, 'GET /cart'],
        [4, 'GET /orders'],
      ],
    );
    // The route's literal in another file gets no lens once the spans place the handler.
    assert.deepEqual(routeLenses(doc('app/routes.py', "urls = ['/cart']"), [cart], [WS]), []);
  });

  it('places no lens for a location outside the workspace, and no route-table lens for that route either', () => {
    const text = "app.get('/cart', cart);\napp.get('/list', list);";
    const outside = [
      report('GET /cart', NO_TIME, 0, { file: path.resolve('/srv/other/app/views.py'), line: 1 }),
      report('GET /list', NO_TIME, 0, { file: path.join('..', 'shop-copy', 'app.ts'), line: 2 }),
    ];
    const lenses = routeLenses(doc('app.ts', text), outside, [WS]);
    assert.deepEqual(lenses, []);
    assert.deepEqual(
      routeLenses({ fsPath: path.resolve('/srv/other/app/views.py'), text }, outside, [WS]),
      [],
      'a file open from outside the workspace gets no lens either',
    );
  });

  it('keeps the lens inside the document when the line is past its end or missing', () => {
    const text = 'def a():\n    pass';
    const lenses = routeLenses(
      doc('a.py', text),
      [report('GET /a', NO_TIME, 0, { file: 'a.py', line: 99 }), report('GET /b', NO_TIME, 0, { file: 'a.py' })],
      [WS],
    );
    assert.deepEqual(
      lenses.map((l) => [l.line, l.route]),
      [
        [0, 'GET /b'],
        [1, 'GET /a'],
      ],
    );
  });
});
