import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseExposition } from '../../../../src/core/metrics/parser';
import { adviseStatements } from '../../../../src/core/queries/advisor';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { loadDatabaseFile } from '../../../../src/core/queries/database';
import { runtimeFromFamilies } from '../../../../src/core/queries/runtime';
import { scanWorkspace } from '../../../../src/core/queries/workspace';
import { httpRequest } from '../../../../src/core/util/http';
import type { DemoHandle } from '../../../helpers/demoService';
import { DEMO_SERVICE_DIR, startDemoService } from '../../../helpers/demoService';
import { demoDbCopy, removeDir } from './helpers';
import { timedWhatIf } from '../../../../src/core/queries/types';

const ENTITIES_SQL = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';

describe('slow-query advisor on the demo service (done-when)', function () {
  this.timeout(120_000);
  let demo: DemoHandle | undefined;
  let dir: string | undefined;
  let dbPath: string;
  let loaded: LoadedDatabase | undefined;

  before(async () => {
    ({ dir, dbPath } = demoDbCopy());
    demo = await startDemoService({ port: 0, dbPath });
    // Distinct workspaces miss the service's cache, so each request runs the statement.
    for (let ws = 1; ws <= 8; ws++) {
      const r = await httpRequest(`${demo.url}/api/graph/entities?workspace_id=${ws}&limit=20`, { timeoutMs: 10_000 });
      assert.ok(r.ok && r.value.status === 200, r.ok ? `HTTP ${r.value.status}` : r.error.message);
    }
  });
  after(async () => {
    loaded?.close();
    await demo?.stop();
    removeDir(dir);
  });

  it('finds the seed query in the demo source, flags full-scan and temp-btree, proves (workspace_id, degree DESC), and carries the measured time', async () => {
    const scan = await scanWorkspace(DEMO_SERVICE_DIR);
    const statement = scan.statements.find((s) => s.sql === ENTITIES_SQL);
    assert.ok(statement, `the entities query among ${scan.statements.map((s) => s.sql).join(' | ')}`);
    assert.equal(statement.file, 'src/app.ts');
    assert.ok(!scan.statements.some((s) => s.file?.startsWith('dist/')), 'build output is not scanned');

    const scrape = await httpRequest(`${demo!.url}/metrics`, { timeoutMs: 10_000 });
    assert.ok(scrape.ok);
    const runtime = runtimeFromFamilies(
      parseExposition(scrape.value.body, { contentType: scrape.value.headers['content-type'] }).families,
    );

    // The service holds the file open while we read it.
    const bytesBefore = fs.readFileSync(dbPath);
    const r = await loadDatabaseFile(dbPath);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    loaded = r.value;
    assert.equal(loaded.rowCount('entities'), 100_000);

    const [report] = adviseStatements(loaded, [statement], { whatIf: { runs: 3 }, runtime });
    assert.ok(report);
    assert.deepEqual(report.location, {
      file: 'src/app.ts',
      line: statement.range.start.line + 1,
      column: statement.range.start.column + 1,
    });
    assert.deepEqual(
      report.plan.map((p) => p.detail),
      ['SCAN entities', 'USE TEMP B-TREE FOR ORDER BY'],
    );
    const fullScan = report.findings.find((f) => f.kind === 'full-scan')!;
    const tempBtree = report.findings.find((f) => f.kind === 'temp-btree')!;
    assert.ok(fullScan && tempBtree, JSON.stringify(report.findings));
    for (const f of [fullScan, tempBtree]) {
      assert.equal(f.table, 'entities');
      assert.match(f.createIndex!, /^CREATE INDEX \w+ ON entities\(workspace_id, degree DESC\)$/);
      const w = timedWhatIf(f.whatIf)!;
      assert.ok(w, 'what-if ran');
      // The proof is in the plan: the index answers the filter and the order, no scan, no sort.
      assert.deepEqual(
        w.planAfter.map((p) => p.detail),
        [`SEARCH entities USING INDEX ${/CREATE INDEX (\w+)/.exec(f.createIndex!)![1]} (workspace_id=?)`],
      );
      assert.ok(w.beforeMs > 0 && w.afterMs > 0 && w.speedup > 0);
      assert.equal(typeof w.params[0], 'number', 'a real workspace id from the data');
      assert.equal(w.params[1], 50);
      // The running service's own timing of this statement, from its /metrics.
      assert.equal(f.runtime?.metric, 'db_query_duration_seconds');
      assert.ok((f.runtime!.count ?? 0) >= 8, `count ${f.runtime!.count}`);
      assert.ok(f.runtime!.avgMs > 0);
      assert.ok(f.runtime!.p95Ms! > 0);
    }
    assert.ok(fs.readFileSync(dbPath).equals(bytesBefore), 'the database file is unchanged');
  });
});
