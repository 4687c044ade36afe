import * as assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/util/clock';
import { SpanStore } from '../../../../src/core/traces/spanStore';
import { runtimeFromStatementRollups } from '../../../../src/core/traces/statementRuntime';
import { request } from '../../../helpers/spans';

const T0 = 1_700_000_000_000;

describe('statement runtime from spans', () => {
  it('gives a workspace statement the count, mean and p95 of its runs, matched through the values sent inline', async () => {
    const store = await SpanStore.open({ clock: new ManualClock(T0) });
    try {
      // Ten requests, each running the statement with its value inlined, 2 ms … 20 ms.
      for (let i = 1; i <= 10; i++)
        store.ingest(
          request('/orders', T0 + i, 100, [{ sql: `SELECT * FROM orders WHERE id = ${i}`, ms: 2 * i, times: 1 }]),
        );
      store.ingest(request('/other', T0, 10, [{ sql: 'SELECT 1', ms: 1, times: 3 }]));
      await store.idle();
      const index = runtimeFromStatementRollups(store.rollups('statement', T0, T0 + 60_000));
      assert.equal(index.size, 2);
      const r = index.lookup('select *\n  FROM orders WHERE id = ?');
      assert.ok(r, 'the statement as written in source finds its runs');
      assert.equal(r.metric, 'spans');
      assert.equal(r.count, 10);
      assert.equal(r.avgMs, 11);
      assert.ok(r.p95Ms! >= 18 && r.p95Ms! <= 20.5, `p95 ${r.p95Ms}`);
      assert.equal(r.labels['db.system'], 'sqlite');
      assert.equal(index.lookup('SELECT * FROM customers WHERE id = ?'), undefined);
    } finally {
      store.close();
    }
  });
});
