import * as assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/util/clock';
import { SpanStore } from '../../../../src/core/traces/spanStore';
import { analyzeTraces, DEFAULT_TRACE_INSIGHT_SETTINGS } from '../../../../src/core/traces/analyze';
import { extractStatements } from '../../../../src/core/queries/extract';
import { request, span, traceId } from '../../../helpers/spans';
import { statementKey } from '../../../../src/core/traces/statementKey';

const T0 = 1_700_000_000_000;
const ITEM_SQL = 'SELECT id, name FROM items WHERE list_id = ?';
const SOURCE = [
  "import db from './db';",
  '',
  'export function items(listId: number) {',
  "  return db.prepare('SELECT id,  name FROM items WHERE list_id=?').all(listId);",
  '}',
].join('\n');

describe('trace insights', () => {
  let store: SpanStore;
  const window = { from: T0 - 1, to: T0 + 3_600_000 };
  beforeEach(async () => {
    store = await SpanStore.open({ clock: new ManualClock(T0) });
  });
  afterEach(() => store.close());

  it('finds the N+1 on its route with the count per request, the trace and the line in the workspace', async () => {
    for (let i = 0; i < 10; i++)
      store.ingest(request('/api/lists', T0 + i * 1000, 100, [{ sql: ITEM_SQL, ms: 4, times: 12 }]));
    store.ingest(request('/api/one', T0, 20, [{ sql: ITEM_SQL, ms: 4, times: 1 }]));
    await store.idle();
    const workspace = extractStatements(SOURCE, 'typescript', 'src/items.ts');
    const report = analyzeTraces(store, window, DEFAULT_TRACE_INSIGHT_SETTINGS, workspace);
    const n1 = report.findings.filter((f) => f.kind === 'n-plus-one');
    assert.equal(n1.length, 1);
    assert.equal(n1[0]!.route, 'GET /api/lists');
    assert.equal(n1[0]!.count, 12);
    assert.equal(n1[0]!.statement, ITEM_SQL);
    assert.deepEqual(n1[0]!.location, { file: 'src/items.ts', line: 4 });
    assert.match(n1[0]!.traceId, /^[0-9a-f]{32}$/);
    assert.equal(n1[0]!.evidence.numbers.requestsAffected, 10);
    const lists = report.routes.find((r) => r.route === 'GET /api/lists')!;
    assert.equal(lists.count, 10);
    assert.equal(lists.breakdown.dbMs, 48);
    assert.equal(lists.breakdown.codeMs, 52);
  });

  it('takes the N+1 threshold from the settings', async () => {
    store.ingest(request('/api/lists', T0, 100, [{ sql: ITEM_SQL, ms: 4, times: 12 }]));
    await store.idle();
    const report = analyzeTraces(store, window, { ...DEFAULT_TRACE_INSIGHT_SETTINGS, nPlusOneThreshold: 13 });
    assert.equal(report.findings.filter((f) => f.kind === 'n-plus-one').length, 0);
  });

  it('flags slow statements with the slowest trace, and error hot spots with a failed one', async () => {
    for (let i = 0; i < 20; i++) {
      store.ingest(request('/api/report', T0 + i, 400, [{ sql: 'SELECT * FROM big ORDER BY x', ms: 300, times: 1 }]));
      store.ingest(request('/api/flaky', T0 + i, 5, [], { error: i % 4 === 0 }));
    }
    await store.idle();
    const report = analyzeTraces(store, window);
    const slow = report.findings.find((f) => f.kind === 'slow-statement')!;
    assert.equal(slow.statement, 'SELECT * FROM big ORDER BY x');
    assert.equal(slow.count, 20);
    assert.ok(slow.traceId);
    const hot = report.findings.find((f) => f.kind === 'error-hot-spot')!;
    assert.equal(hot.route, 'GET /api/flaky');
    assert.equal(hot.count, 5);
    assert.equal(store.trace(hot.traceId)[0]!.statusCode, 0);
    assert.equal(report.routes.find((r) => r.route === 'GET /api/flaky')!.errorRate, 0.25);
  });

  it('finds repeated outbound calls and counts their time as HTTP, not own code', async () => {
    const t = traceId();
    const root = span(t, { kind: 2, start: T0, ms: 100, attrs: { 'http.method': 'GET', 'http.target': '/api/feed' } });
    const calls = Array.from({ length: 6 }, (_, i) =>
      span(t, {
        kind: 3,
        parent: root,
        start: T0 + 1 + i * 10,
        ms: 10,
        attrs: { 'http.request.method': 'GET', 'url.full': `http://users.local/users/${i + 1}?x=1` },
      }),
    );
    store.ingest([...calls, root]);
    await store.idle();
    const report = analyzeTraces(store, window);
    const rep = report.findings.find((f) => f.kind === 'repeated-call')!;
    assert.equal(rep.count, 6);
    assert.equal(rep.target, 'GET users.local/users/{id}');
    const feed = report.routes[0]!;
    assert.equal(feed.breakdown.httpMs, 60);
    assert.equal(feed.breakdown.codeMs, 40);
  });
});

describe('statement keys', () => {
  it('fold inlined literals, placeholders, whitespace and case, so one statement shape is one key', () => {
    const a = statementKey("SELECT * FROM items WHERE id = 42 AND tag = 'x'");
    assert.equal(a, statementKey('select *  from items where id=-7 and tag=$2'));
    assert.equal(a, statementKey('SELECT * FROM items WHERE id = ? AND tag = ?'));
    assert.notEqual(a, statementKey('SELECT * FROM items WHERE id = ? AND kind = ?'));
  });
});
