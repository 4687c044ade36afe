import * as assert from 'node:assert/strict';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { loadDatabaseFile } from '../../../../src/core/queries/database';
import { adviseStatements } from '../../../../src/core/queries/advisor';
import { FLASK_BLOG_INDEX, removeDir, writeFlaskBlogDb } from './helpers';
import { timedWhatIf } from '../../../../src/core/queries/types';

describe('index advice is proven by its what-if or not given', () => {
  let dir: string | undefined;
  let loaded: LoadedDatabase;
  before(async () => {
    const written = await writeFlaskBlogDb(6000);
    dir = written.dir;
    const r = await loadDatabaseFile(written.file);
    if (!r.ok) throw new Error(r.error.message);
    loaded = r.value;
  });
  after(() => {
    loaded?.close();
    removeDir(dir);
  });

  it('the Flask blog index: tries the sort column alone, and recommends only an index whose plan and timing both improve', () => {
    const [report] = adviseStatements(loaded, [FLASK_BLOG_INDEX], { whatIf: { runs: 5 } });
    const kinds = report!.findings.map((f) => f.kind).sort();
    assert.deepEqual(kinds, ['full-scan', 'temp-btree']);
    for (const f of report!.findings) {
      // The candidates tried are shown, each with its plan and verdict.
      assert.ok(f.tried && f.tried.length >= 3, `${f.kind}: ${JSON.stringify(f.tried)}`);
      const sortAlone = f.tried.find((t) => /ON post\(created( DESC)?\)$/.test(t.index));
      assert.ok(sortAlone, `post(created) was tried: ${f.tried.map((t) => t.index).join('; ')}`);
      assert.ok(!sortAlone.planAfter.some((p) => /TEMP B-TREE/.test(p.detail)), 'post(created) removes the sort');
      const composite = f.tried.find((t) => /ON post\(author_id, created DESC\)$/.test(t.index));
      assert.ok(composite && !composite.proven && /TEMP B-TREE/.test(composite.reason), JSON.stringify(composite));
      if (f.createIndex) {
        // Recommended: proven on both counts.
        const w = timedWhatIf(f.whatIf)!;
        assert.equal(w.index, f.createIndex);
        assert.ok(w.speedup >= 1.25, `speedup ${w.speedup}`);
        assert.ok(f.tried.find((t) => t.index === f.createIndex)!.proven);
        if (f.kind === 'temp-btree')
          assert.ok(!w.planAfter.some((p) => /TEMP B-TREE/.test(p.detail)), JSON.stringify(w.planAfter));
      } else {
        assert.equal(f.whatIf, undefined);
        assert.match(f.suggestion!, /^No index helps/);
      }
    }
    // Every post is read by this statement (no WHERE, no LIMIT): no index can turn the scan into a search.
    const scan = report!.findings.find((f) => f.kind === 'full-scan')!;
    assert.equal(scan.createIndex, undefined);
    assert.match(scan.suggestion!, /No index helps.*every row/);
  });

  it('a filter that an index serves is still recommended, with its proof', () => {
    const sql = 'SELECT id, title, created FROM post WHERE author_id = ? ORDER BY created DESC LIMIT 10';
    const [report] = adviseStatements(loaded, [sql], { whatIf: { runs: 5 } });
    const scan = report!.findings.find((f) => f.kind === 'full-scan')!;
    const tried = scan.tried!.find((t) => /ON post\(author_id, created DESC\)$/.test(t.index));
    assert.ok(tried, scan.tried!.map((t) => t.index).join('; '));
    assert.deepEqual(
      tried.planAfter.map((p) => p.detail),
      [`SEARCH post USING INDEX ${/INDEX "?(\w+)"? ON/.exec(tried.index)![1]} (author_id=?)`],
    );
    if (scan.createIndex)
      assert.ok(
        timedWhatIf(scan.whatIf)!.speedup >= 1.25 &&
          !timedWhatIf(scan.whatIf)!.planAfter.some((p) => /^SCAN/.test(p.detail)),
      );
  });
});
