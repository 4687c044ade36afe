import * as assert from 'node:assert/strict';
import { QueryWorker } from '../../../../src/core/queries/queryWorkerClient';
import { FLASK_BLOG_INDEX, RUNAWAY_SQL, removeDir, writeFlaskBlogDb } from './helpers';

describe('query worker: sql.js work on the user database runs off the caller thread, with a hard deadline', function () {
  this.timeout(180_000);
  let dir: string | undefined;
  let file: string;
  before(async () => {
    ({ dir, file } = await writeFlaskBlogDb(2000));
  });
  after(() => removeDir(dir));

  it('a runaway what-if is ended at its deadline with a message naming the budget and how to raise it; the caller keeps ticking; later statements still run', async () => {
    const worker = new QueryWorker(file, { timeoutMs: 1500, raiseWith: '--statement-timeout SECONDS' });
    let pending = true;
    let ticks = 0;
    const interval = setInterval(() => {
      if (pending) ticks++;
    }, 5);
    try {
      const opened = await worker.open();
      assert.ok(opened.ok, opened.ok ? '' : opened.error.message);
      assert.equal(opened.value.tables, 2);
      const run = worker.advise([RUNAWAY_SQL, FLASK_BLOG_INDEX], { whatIf: true }).finally(() => {
        pending = false;
      });
      const r = await run;
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const [runaway, next] = r.value;
      // What was known before the what-if (its plan and findings) is kept, with the deadline's note.
      assert.equal(runaway!.plan[0]!.detail, 'SCAN p');
      assert.ok(runaway!.findings.some((f) => f.kind === 'full-scan'));
      const note = (runaway!.notes ?? []).join('\n');
      assert.match(note, /did not finish within the 1\.5 s budget per statement/);
      assert.match(note, /Raise the budget with --statement-timeout SECONDS/);
      // A fresh worker took the next statement.
      assert.ok(next!.plan.length > 0 && !next!.error, JSON.stringify(next));
      assert.ok(ticks > 0, 'the caller’s own timer fired while the what-if ran');
    } finally {
      clearInterval(interval);
      worker.close();
    }
  });

  it('a file that is not SQLite is a failure value from open, not a crash', async () => {
    const worker = new QueryWorker(__filename);
    const r = await worker.open();
    worker.close();
    assert.ok(!r.ok && r.error.kind === 'not-sqlite', JSON.stringify(r));
  });
});
