import * as assert from 'node:assert/strict';
import { ManualClock } from '../../../../src/core/util/clock';
import { SpanStore } from '../../../../src/core/traces/spanStore';
import { analyzeTraces, DEFAULT_TRACE_INSIGHT_SETTINGS } from '../../../../src/core/traces/analyze';
import { extractStatements } from '../../../../src/core/queries/extract';
import { traceDiagnostics } from '../../../../src/extension/diagnostics/traceFindingText';
import { request } from '../../../helpers/spans';

const T0 = 1_700_000_000_000;

describe('trace diagnostics', () => {
  it('puts the N+1 at the line of its statement in the workspace, with the count and the trace', async () => {
    const store = await SpanStore.open({ clock: new ManualClock(T0) });
    try {
      for (let i = 0; i < 3; i++)
        store.ingest(request('/api/top', T0 + i, 50, [{ sql: 'SELECT * FROM e WHERE id = ?', ms: 2, times: 8 }]));
      await store.idle();
      const source = "const a = 1;\nconst b = 2;\ndb.prepare('SELECT * FROM e WHERE id = ?').get(id);\n";
      const report = analyzeTraces(
        store,
        { from: T0 - 1, to: T0 + 60_000 },
        DEFAULT_TRACE_INSIGHT_SETTINGS,
        extractStatements(source, 'javascript', 'src/top.js'),
      );
      const [d, ...rest] = traceDiagnostics(report.findings);
      assert.equal(rest.length, 0);
      assert.equal(d!.file, 'src/top.js');
      assert.equal(d!.line, 2);
      assert.equal(d!.code, 'n-plus-one');
      assert.match(d!.message, /runs 8 times per request to GET \/api\/top .*Trace [0-9a-f]{32}/);
    } finally {
      store.close();
    }
  });
});
