import * as assert from 'node:assert/strict';
import { layoutWaterfall } from '../../../../src/core/traces/waterfall';
import type { SpanRecord } from '../../../../src/core/traces/types';
import { request, span, traceId } from '../../../helpers/spans';

const T0 = 1_700_000_000_000;

describe('trace waterfall layout', () => {
  it('puts each span under its parent, siblings by start, with bars as shares of the trace', () => {
    const spans = request('/orders', T0, 100, [{ sql: 'SELECT * FROM o WHERE id = ?', ms: 10, times: 6 }]);
    const id = spans[0]!.traceId;
    // Arrival order says nothing: shuffle it.
    const w = layoutWaterfall(id, [...spans].reverse());
    assert.equal(w.rows.length, 7);
    assert.equal(w.durationMs, 100);
    const [root, ...queries] = w.rows;
    assert.equal(root!.depth, 0);
    assert.equal(root!.kind, 'server');
    assert.deepEqual([root!.left, root!.width], [0, 1]);
    assert.deepEqual(
      queries.map((q) => q.depth),
      [1, 1, 1, 1, 1, 1],
    );
    const lefts = queries.map((q) => q.left);
    assert.deepEqual(
      lefts,
      [...lefts].sort((a, b) => a - b),
    );
    assert.equal(queries[0]!.offsetMs, 1);
    assert.equal(queries[0]!.left, 0.01);
    assert.equal(queries[0]!.width, 0.1);
    assert.ok(queries.every((q) => q.parentSpanId === root!.spanId));
    // Same-named spans are told apart by their statement; the request by its path.
    assert.equal(queries[0]!.detail, 'SELECT * FROM o WHERE id = ?');
    assert.equal(root!.detail, '/orders');
    assert.ok(queries[0]!.attributes.some(([k, v]) => k === 'db.query.text' && v === 'SELECT * FROM o WHERE id = ?'));
  });

  it('nests grandchildren right after their parent and shows attributes and status as text', () => {
    const t = traceId();
    const root = span(t, { name: 'GET /a', kind: 2, start: T0, ms: 50 });
    const mid = span(t, { name: 'handler', parent: root, start: T0 + 5, ms: 30 });
    const late = span(t, { name: 'late', parent: root, start: T0 + 40, ms: 5 });
    const leaf = span(t, {
      name: '<b>SELECT</b>',
      kind: 3,
      parent: mid,
      start: T0 + 10,
      ms: 10,
      attrs: { 'z.n': 3, 'a.html': '<script>x</script>', ok: true },
      error: true,
    });
    const w = layoutWaterfall(t, [late, leaf, root, mid]);
    assert.deepEqual(
      w.rows.map((r) => [r.name, r.depth]),
      [
        ['GET /a', 0],
        ['handler', 1],
        ['<b>SELECT</b>', 2],
        ['late', 1],
      ],
    );
    const l = w.rows[2]!;
    assert.equal(l.kind, 'client');
    assert.equal(l.status, 'error');
    assert.deepEqual(l.attributes, [
      ['a.html', '<script>x</script>'],
      ['ok', 'true'],
      ['z.n', '3'],
    ]);
  });

  it('shows spans whose parent never arrived, and spans in a parent loop, at the top level', () => {
    const t = traceId();
    const orphan = { ...span(t, { name: 'orphan', start: T0 + 2, ms: 1 }), parentSpanId: 'ffffffffffffffff' };
    const a = span(t, { name: 'a', start: T0, ms: 4 });
    const b = span(t, { name: 'b', start: T0 + 1, ms: 1 });
    const loopA: SpanRecord = { ...a, parentSpanId: b.spanId };
    const loopB: SpanRecord = { ...b, parentSpanId: a.spanId };
    const self: SpanRecord = { ...span(t, { name: 'self', start: T0 + 3, ms: 1 }) };
    self.parentSpanId = self.spanId;
    const w = layoutWaterfall(t, [orphan, loopA, loopB, self]);
    assert.deepEqual(w.rows.map((r) => r.name).sort(), ['a', 'b', 'orphan', 'self']);
    assert.equal(w.rows.find((r) => r.name === 'orphan')!.depth, 0);
    assert.equal(w.rows.find((r) => r.name === 'self')!.depth, 0);
  });

  it('lays out a chain of 20,000 nested spans without overflowing the stack', () => {
    const t = traceId();
    const spans: SpanRecord[] = [span(t, { start: T0, ms: 20_000 })];
    for (let i = 1; i < 20_000; i++) spans.push(span(t, { parent: spans[i - 1], start: T0 + i, ms: 1 }));
    const w = layoutWaterfall(t, spans);
    assert.equal(w.rows.length, 20_000);
    assert.equal(w.rows[19_999]!.depth, 19_999);
  });

  it('gives an empty trace no rows', () => {
    assert.deepEqual(layoutWaterfall('0'.repeat(32), []).rows, []);
  });
});
