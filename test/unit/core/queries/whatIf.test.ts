import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { adviseStatements } from '../../../../src/core/queries/advisor';
import { parseSql } from '../../../../src/core/queries/sqlParse';
import { representativeParams, whatIf } from '../../../../src/core/queries/whatIf';
import { loadGraphDb, removeDir } from './helpers';
import { timedWhatIf } from '../../../../src/core/queries/types';

describe('whatIf', () => {
  let dir: string | undefined;
  let file: string;
  let loaded: LoadedDatabase;
  before(async () => {
    ({ dir, file, loaded } = await loadGraphDb({ entities: 8000 }));
  });
  after(() => {
    loaded?.close();
    removeDir(dir);
  });

  const ENTITIES = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';

  it('binds representative values drawn from the data: the commonest equality value, the median of a range, a LIMIT page', () => {
    const common = String(
      loaded.db.exec('SELECT workspace_id FROM entities GROUP BY workspace_id ORDER BY count(*) DESC LIMIT 1')[0]!
        .values[0]![0],
    );
    assert.deepEqual(representativeParams(loaded.db, loaded, parseSql(ENTITIES)), [common, 50]);
    const [median] = representativeParams(loaded.db, loaded, parseSql('SELECT id FROM entities WHERE created_at > ?'));
    assert.equal(median, 1_700_000_000 + 4000);
    assert.deepEqual(
      representativeParams(
        loaded.db,
        loaded,
        parseSql('SELECT id FROM entities WHERE name LIKE ? LIMIT ? OFFSET ?'),
      ).slice(1),
      [50, 0],
    );
    assert.deepEqual(
      representativeParams(loaded.db, loaded, parseSql('SELECT id FROM entities WHERE upper(name) = ?')),
      [null],
    );
  });

  it('creates the index on a copy, re-plans and times both sides; the file is never touched', () => {
    const bytes = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;
    let t = 0;
    // A clock that advances 25 ms per reading, so the test checks the bookkeeping, not real speed.
    const r = whatIf(loaded, ENTITIES, parseSql(ENTITIES), 'CREATE INDEX ix ON entities(workspace_id, degree DESC)', {
      runs: 3,
      now: () => (t += 25),
    });
    assert.ok(r.ok);
    assert.equal(r.value.index, 'CREATE INDEX ix ON entities(workspace_id, degree DESC)');
    assert.deepEqual(
      r.value.planAfter.map((p) => p.detail),
      ['SEARCH entities USING INDEX ix (workspace_id=?)'],
    );
    assert.equal(r.value.runs, 3);
    assert.equal(r.value.beforeMs, 25);
    assert.equal(r.value.afterMs, 25);
    assert.equal(r.value.speedup, 1);
    // Neither the loaded copy nor the file saw the index.
    assert.equal(loaded.db.exec("SELECT count(*) FROM sqlite_schema WHERE name = 'ix'")[0]!.values[0]![0], 0);
    assert.ok(fs.readFileSync(file).equals(bytes));
    assert.equal(fs.statSync(file).mtimeMs, mtime);
  });

  it('writes are rolled back after each timed run', () => {
    const sql = 'DELETE FROM entities WHERE workspace_id = ?';
    const r = whatIf(loaded, sql, parseSql(sql), 'CREATE INDEX ix_ws ON entities(workspace_id)', { runs: 2 });
    assert.ok(r.ok);
    assert.match(r.value.planAfter[0]!.detail, /SEARCH entities USING (COVERING )?INDEX ix_ws/);
    assert.equal(Number(loaded.db.exec('SELECT count(*) FROM entities')[0]!.values[0]![0]), 8000);
    const cte =
      'WITH doomed AS (SELECT id FROM entities WHERE type = ?) DELETE FROM entities WHERE id IN (SELECT id FROM doomed)';
    assert.ok(whatIf(loaded, cte, parseSql(cte), 'CREATE INDEX ix_type ON entities(type)', { runs: 1 }).ok);
    assert.equal(Number(loaded.db.exec('SELECT count(*) FROM entities')[0]!.values[0]![0]), 8000);
  });

  it('reports an index that cannot be created as a failure value', () => {
    const r = whatIf(loaded, ENTITIES, parseSql(ENTITIES), 'CREATE INDEX bad ON entities(no_such_column)');
    assert.ok(!r.ok && r.error.kind === 'index');
  });

  it('the advisor attaches one what-if per suggested index to every finding that carries it', () => {
    const [report] = adviseStatements(loaded, [ENTITIES], { whatIf: { runs: 2 } });
    const withProof = report!.findings.filter((f) => f.whatIf);
    assert.deepEqual(withProof.map((f) => f.kind).sort(), ['full-scan', 'temp-btree']);
    assert.equal(withProof[0]!.whatIf, withProof[1]!.whatIf);
    const w = timedWhatIf(withProof[0]!.whatIf)!;
    assert.ok(Number.isFinite(w.beforeMs) && w.beforeMs > 0 && Number.isFinite(w.afterMs) && w.afterMs > 0);
    assert.ok(!w.planAfter.some((p) => /TEMP B-TREE|^SCAN/.test(p.detail)), JSON.stringify(w.planAfter));
  });
});
