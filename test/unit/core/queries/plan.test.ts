import * as assert from 'node:assert/strict';
import type { LoadedDatabase } from '../../../../src/core/queries/database';
import { adviseStatements } from '../../../../src/core/queries/advisor';
import { buildPlanTree, constraintColumns, formatPlan, parsePlanDetail } from '../../../../src/core/queries/plan';
import type { Finding, StatementReport } from '../../../../src/core/queries/types';
import { loadGraphDb, removeDir } from './helpers';

describe('plan interpretation on real SQLite databases', () => {
  let dir: string | undefined;
  let loaded: LoadedDatabase;
  let indexedDir: string | undefined;
  let indexed: LoadedDatabase;
  before(async () => {
    ({ dir, loaded } = await loadGraphDb());
    ({ dir: indexedDir, loaded: indexed } = await loadGraphDb({
      extra: [
        'CREATE INDEX idx_entities_ws_degree ON entities(workspace_id, degree DESC)',
        'CREATE INDEX idx_rel_source ON relationships(source_id)',
      ],
    }));
  });
  after(() => {
    loaded?.close();
    indexed?.close();
    removeDir(dir);
    removeDir(indexedDir);
  });

  const explain = (sql: string, db = loaded, minRows?: number): StatementReport =>
    adviseStatements(db, [sql], { minRows })[0]!;
  const kinds = (r: StatementReport) => r.findings.map((f) => `${f.kind}${f.table ? ':' + f.table : ''}`).sort();
  const find = (r: StatementReport, kind: string, table?: string): Finding => {
    const f = r.findings.find((x) => x.kind === kind && (table === undefined || x.table === table));
    assert.ok(f, `${kind} ${table ?? ''} in ${JSON.stringify(r.findings)}`);
    return f;
  };

  it('the seed entities query: full scan and a temp b-tree, one index (equality, then ORDER BY with its direction)', () => {
    const r = explain(
      'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?',
    );
    assert.deepEqual(
      r.plan.map((p) => p.detail),
      ['SCAN entities', 'USE TEMP B-TREE FOR ORDER BY'],
    );
    assert.deepEqual(kinds(r), ['full-scan:entities', 'temp-btree:entities']);
    const expected = 'CREATE INDEX idx_entities_workspace_id_degree ON entities(workspace_id, degree DESC)';
    assert.equal(find(r, 'full-scan').createIndex, expected);
    assert.equal(find(r, 'temp-btree').createIndex, expected);
    assert.match(find(r, 'full-scan').detail, /5,000 rows/);
    assert.ok(find(r, 'full-scan').suggestion!.includes(expected));
  });

  it('the same query with the index: a SEARCH, no findings; a covering index is no finding either', () => {
    const r = explain(
      'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?',
      indexed,
    );
    assert.match(r.plan[0]!.detail, /^SEARCH entities USING INDEX idx_entities_ws_degree \(workspace_id=\?\)$/);
    assert.deepEqual(r.findings, []);
    const cov = explain('SELECT workspace_id, degree FROM entities WHERE workspace_id = ?', indexed);
    assert.match(cov.plan[0]!.detail, /COVERING INDEX/);
    assert.deepEqual(cov.findings, []);
  });

  it('an index that exists but is not used is named instead of suggesting a duplicate', () => {
    const r = explain('SELECT id FROM entities NOT INDEXED WHERE workspace_id = ? ORDER BY degree DESC', indexed);
    const f = find(r, 'full-scan', 'entities');
    assert.equal(f.createIndex, undefined);
    assert.match(f.suggestion!, /idx_entities_ws_degree already has these columns.*ANALYZE/);
  });

  it('joins: the scanned table is found through its alias; value equality before the join column', () => {
    const r = explain('SELECT e.name FROM entities e JOIN relationships r ON r.target_id = e.id WHERE r.source_id = ?');
    assert.deepEqual(
      r.plan.map((p) => p.detail),
      ['SCAN r', 'SEARCH e USING INTEGER PRIMARY KEY (rowid=?)'],
    );
    assert.deepEqual(kinds(r), ['full-scan:relationships']);
    assert.equal(
      find(r, 'full-scan').createIndex,
      'CREATE INDEX idx_relationships_source_id_target_id ON relationships(source_id, target_id)',
    );
    assert.deepEqual(
      explain('SELECT e.name FROM entities e JOIN relationships r ON r.target_id = e.id WHERE r.source_id = ?', indexed)
        .findings,
      [],
    );
  });

  it('automatic indexes: SQLite building a transient index is a missing index, named from the plan constraint', () => {
    const r = explain(
      'SELECT e.name, r.weight FROM entities e JOIN relationships r ON r.workspace_id = e.workspace_id',
    );
    const auto = find(r, 'automatic-index', 'relationships');
    assert.match(auto.detail, /AUTOMATIC (PARTIAL )?COVERING INDEX \(workspace_id=\?\)/);
    assert.equal(auto.createIndex, 'CREATE INDEX idx_relationships_workspace_id ON relationships(workspace_id)');
    assert.ok(r.findings.some((f) => f.kind === 'full-scan' && f.table === 'entities'));
  });

  it('correlated subqueries: flagged, with the inner table and the index for its correlated column', () => {
    const r = explain(
      'SELECT e.name, (SELECT count(*) FROM relationships r WHERE r.source_id = e.id) AS fanout FROM entities e WHERE e.workspace_id = ?',
    );
    const f = find(r, 'correlated-subquery', 'relationships');
    assert.match(f.detail, /^CORRELATED SCALAR SUBQUERY \d+/);
    assert.equal(f.createIndex, 'CREATE INDEX idx_relationships_source_id ON relationships(source_id)');
    assert.match(f.suggestion!, /JOIN/);
    assert.ok(r.findings.some((x) => x.kind === 'full-scan' && x.table === 'relationships'));
  });

  it('CTEs: the scan inside the CTE counts, the scan of the CTE itself does not', () => {
    const r = explain(
      'WITH c AS (SELECT workspace_id, count(*) AS n FROM entities GROUP BY workspace_id) SELECT workspace_id FROM c WHERE n > 3',
    );
    assert.ok(r.plan.some((p) => p.detail === 'SCAN c'));
    assert.deepEqual(kinds(r), ['full-scan:entities', 'temp-btree:entities']);
    assert.equal(find(r, 'temp-btree').createIndex, 'CREATE INDEX idx_entities_workspace_id ON entities(workspace_id)');
  });

  it('subqueries in FROM: the scan of the derived table is not a table scan', () => {
    const r = explain(
      'SELECT t.name FROM (SELECT name, degree FROM entities ORDER BY degree DESC LIMIT 10) t ORDER BY t.name',
    );
    assert.ok(r.plan.some((p) => /^SCAN t$/.test(p.detail)));
    assert.ok(!r.findings.some((f) => f.table === 't'));
    assert.ok(r.findings.some((f) => f.kind === 'full-scan' && f.table === 'entities'));
  });

  it('compound selects: each arm is judged and advised on its own table', () => {
    const r = explain(
      "SELECT id FROM entities WHERE type = 't1' UNION SELECT source_id FROM relationships WHERE workspace_id = 'ws-1'",
    );
    assert.ok(r.plan.some((p) => /UNION/.test(p.detail)));
    assert.equal(find(r, 'full-scan', 'entities').createIndex, 'CREATE INDEX idx_entities_type ON entities(type)');
    assert.equal(
      find(r, 'full-scan', 'relationships').createIndex,
      'CREATE INDEX idx_relationships_workspace_id ON relationships(workspace_id)',
    );
  });

  it('IN (subquery) and a list subquery: the inner scan is flagged', () => {
    const r = explain(
      'SELECT name FROM entities WHERE id IN (SELECT target_id FROM relationships WHERE source_id = ?)',
    );
    assert.ok(r.plan.some((p) => /LIST SUBQUERY/.test(p.detail)));
    assert.equal(
      find(r, 'full-scan', 'relationships').createIndex,
      'CREATE INDEX idx_relationships_source_id ON relationships(source_id)',
    );
  });

  it('tables too small to matter are not flagged, by COUNT(*) or sqlite_stat1, and the threshold is an option', () => {
    assert.deepEqual(explain("SELECT label FROM kinds WHERE label = 'x'").findings, []);
    assert.deepEqual(kinds(explain("SELECT label FROM kinds WHERE label = 'x'", loaded, 3)), ['full-scan:kinds']);
    assert.deepEqual(explain('SELECT 1').findings, []);
    assert.deepEqual(
      explain('SELECT 1').plan.map((p) => p.detail),
      ['SCAN CONSTANT ROW'],
    );
  });

  it('equality then range; ORDER BY terms that are output aliases are not index columns', () => {
    const r = explain('SELECT id FROM entities WHERE workspace_id = ? AND created_at >= ?');
    assert.equal(
      find(r, 'full-scan').createIndex,
      'CREATE INDEX idx_entities_workspace_id_created_at ON entities(workspace_id, created_at)',
    );
    const g = explain('SELECT type, count(*) AS n FROM entities WHERE workspace_id = ? GROUP BY type ORDER BY n DESC');
    assert.equal(
      find(g, 'full-scan').createIndex,
      'CREATE INDEX idx_entities_workspace_id_type ON entities(workspace_id, type)',
    );
  });

  it('writes are explained, not run: UPDATE and DELETE scans are flagged', () => {
    const u = explain('UPDATE entities SET degree = degree + 1 WHERE workspace_id = ?');
    assert.equal(find(u, 'full-scan').createIndex, 'CREATE INDEX idx_entities_workspace_id ON entities(workspace_id)');
    const d = explain('DELETE FROM relationships WHERE target_id = ?');
    assert.equal(
      find(d, 'full-scan').createIndex,
      'CREATE INDEX idx_relationships_target_id ON relationships(target_id)',
    );
    assert.equal(Number(loaded.db.exec('SELECT max(degree) FROM entities')[0]!.values[0]![0]), 999);
  });

  it('leading-wildcard LIKE, SELECT * and DISTINCT sorted in a temp b-tree', () => {
    const like = explain("SELECT id FROM entities WHERE name LIKE '%42'");
    assert.equal(find(like, 'leading-wildcard-like', 'entities').kind, 'leading-wildcard-like');
    assert.match(find(like, 'leading-wildcard-like').suggestion!, /FTS5/);
    assert.ok(
      !explain("SELECT id FROM entities WHERE name LIKE 'entity 4%'").findings.some(
        (f) => f.kind === 'leading-wildcard-like',
      ),
    );
    const star = explain('SELECT * FROM entities WHERE id = ?');
    assert.deepEqual(kinds(star), ['select-star']);
    assert.deepEqual(explain('SELECT count(*) FROM entities WHERE id = ?').findings, []);
    assert.deepEqual(
      explain('SELECT id FROM entities e WHERE EXISTS (SELECT * FROM kinds k WHERE k.code = e.type) AND e.id = ?')
        .findings,
      [],
    );
    const distinct = explain('SELECT DISTINCT type FROM entities');
    assert.ok(
      distinct.findings.some((f) => f.kind === 'temp-btree' && f.detail.startsWith('USE TEMP B-TREE FOR DISTINCT')),
    );
  });

  it('partial index use, LEFT JOIN, window functions and views', async () => {
    const { dir: d, loaded: db } = await loadGraphDb({
      entities: 2000,
      extra: [
        'CREATE INDEX ix_ws ON entities(workspace_id)',
        'CREATE VIEW heavy AS SELECT id, name, degree, workspace_id FROM entities WHERE degree > 500',
      ],
    });
    try {
      // The index finds the rows but not their order: only the sort is a finding, and the advice extends the index.
      const partial = explain('SELECT id FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT 10', db);
      assert.deepEqual(
        partial.plan.map((p) => p.detail),
        ['SEARCH entities USING INDEX ix_ws (workspace_id=?)', 'USE TEMP B-TREE FOR ORDER BY'],
      );
      assert.deepEqual(kinds(partial), ['temp-btree:entities']);
      assert.equal(
        find(partial, 'temp-btree').createIndex,
        'CREATE INDEX idx_entities_workspace_id_degree ON entities(workspace_id, degree DESC)',
      );

      const left = explain(
        'SELECT e.id, r.weight FROM entities e LEFT JOIN relationships r ON r.source_id = e.id WHERE e.workspace_id = ?',
        db,
      );
      assert.ok(left.plan.some((p) => /^SCAN r\b/.test(p.detail)));
      assert.equal(
        find(left, 'full-scan', 'relationships').createIndex,
        'CREATE INDEX idx_relationships_source_id ON relationships(source_id)',
      );

      // A window sorts by PARTITION BY, then its ORDER BY.
      const win = explain(
        'SELECT id, rank() OVER (PARTITION BY type ORDER BY degree DESC) FROM entities WHERE workspace_id = ?',
        db,
      );
      assert.equal(
        find(win, 'temp-btree', 'entities').createIndex,
        'CREATE INDEX idx_entities_workspace_id_type_degree ON entities(workspace_id, type, degree DESC)',
      );
      assert.ok(!win.findings.some((f) => f.kind === 'full-scan'), 'SCAN of the window subquery is not a table scan');

      // A view is expanded by SQLite: its base table is what gets searched.
      const view = explain('SELECT name FROM heavy WHERE workspace_id = ?', db);
      assert.deepEqual(
        view.plan.map((p) => p.detail),
        ['SEARCH entities USING INDEX ix_ws (workspace_id=?)'],
      );
      assert.deepEqual(view.findings, []);
    } finally {
      db.close();
      removeDir(d);
    }
  });

  it('errors are findings: statements that do not prepare carry the error; other dialects are skipped with a note', () => {
    const [missingTable, missingColumn, syntax, pg] = adviseStatements(loaded, [
      'SELECT * FROM nope WHERE id = ?',
      'SELECT nope FROM entities',
      'SELECT id FROM entities WHERE',
      'SELECT id FROM entities WHERE workspace_id = $1::text',
    ]);
    assert.equal(missingTable!.error, 'no such table: nope');
    assert.equal(missingColumn!.error, 'no such column: nope');
    assert.match(syntax!.error!, /syntax error|incomplete input/);
    assert.equal(pg!.error, undefined);
    assert.match(pg!.skipped!, /PostgreSQL/);
    assert.deepEqual(pg!.plan, []);
  });

  it('says when a string holds several statements and only the first was explained', () => {
    const [two, one, trigger] = adviseStatements(loaded, [
      "SELECT id FROM entities WHERE id = 1; DELETE FROM entities WHERE name = 'x'",
      'SELECT id FROM entities WHERE id = 1;',
      'CREATE TRIGGER t AFTER INSERT ON entities BEGIN UPDATE entities SET degree = 0 WHERE id = new.id; END',
    ]);
    assert.deepEqual(two!.notes, [
      'Only the first statement was explained: SQLite plans one statement at a time, and 1 more follows it. Explain each on its own.',
    ]);
    assert.equal(one!.notes, undefined);
    assert.equal(trigger!.notes, undefined);
  });

  it('schema set-up found in source (CREATE of an object the database has) is skipped, not an error', () => {
    const [table, index, fresh, broken] = adviseStatements(loaded, [
      'CREATE TABLE entities (id INTEGER PRIMARY KEY, name TEXT)',
      'CREATE TABLE IF NOT EXISTS entities (id INTEGER PRIMARY KEY)',
      'CREATE TABLE brand_new (id INTEGER PRIMARY KEY)',
      'CREATE TABLE broken (id INTEGER PRIMARY KEY',
    ]);
    assert.equal(table!.error, undefined);
    assert.equal(
      table!.skipped,
      'Not explained: it creates table entities, which the database already has (schema set-up).',
    );
    assert.equal(index!.error, undefined);
    assert.equal(index!.skipped, undefined);
    assert.equal(fresh!.error, undefined);
    assert.equal(fresh!.skipped, undefined);
    assert.match(broken!.error!, /syntax error|incomplete input/);
  });
});

describe('plan rows', () => {
  it('reads SQLite 3.49 detail texts', () => {
    assert.deepEqual(parsePlanDetail('SCAN entities'), {
      op: 'scan',
      name: 'entities',
      covering: false,
      virtual: false,
    });
    assert.deepEqual(parsePlanDetail('SCAN e USING COVERING INDEX ix'), {
      op: 'scan',
      name: 'e',
      index: 'ix',
      covering: true,
      virtual: false,
    });
    assert.deepEqual(parsePlanDetail('SEARCH r USING AUTOMATIC COVERING INDEX (workspace_id=?)'), {
      op: 'search',
      name: 'r',
      automatic: true,
      covering: true,
      primaryKey: false,
      constraint: 'workspace_id=?',
    });
    assert.deepEqual(parsePlanDetail('SEARCH e USING INTEGER PRIMARY KEY (rowid=?)'), {
      op: 'search',
      name: 'e',
      automatic: false,
      covering: false,
      primaryKey: true,
      constraint: 'rowid=?',
    });
    assert.deepEqual(parsePlanDetail('SEARCH entities USING INDEX ix (workspace_id=? AND degree>?)'), {
      op: 'search',
      name: 'entities',
      index: 'ix',
      automatic: false,
      covering: false,
      primaryKey: false,
      constraint: 'workspace_id=? AND degree>?',
    });
    assert.deepEqual(parsePlanDetail('USE TEMP B-TREE FOR RIGHT PART OF ORDER BY'), {
      op: 'temp-btree',
      purpose: 'RIGHT PART OF ORDER BY',
    });
    assert.deepEqual(parsePlanDetail('CORRELATED SCALAR SUBQUERY 3'), {
      op: 'subquery',
      correlated: true,
      kind: 'SCALAR',
    });
    assert.deepEqual(parsePlanDetail('LIST SUBQUERY 1'), { op: 'subquery', correlated: false, kind: 'LIST' });
    assert.deepEqual(parsePlanDetail('CO-ROUTINE t'), { op: 'coroutine', name: 't' });
    assert.deepEqual(parsePlanDetail('MATERIALIZE c'), { op: 'materialize', name: 'c' });
    assert.deepEqual(parsePlanDetail('SCAN CONSTANT ROW'), { op: 'scan-constant' });
    assert.deepEqual(parsePlanDetail('SCAN (subquery-1)'), {
      op: 'scan',
      name: '(subquery-1)',
      covering: false,
      virtual: false,
    });
    assert.deepEqual(parsePlanDetail('MERGE (UNION)'), { op: 'other' });
    assert.deepEqual(constraintColumns('workspace_id=? AND degree>? AND rowid<?'), [
      { column: 'workspace_id', op: '=' },
      { column: 'degree', op: '>' },
    ]);
  });

  it('builds the tree from parent ids and prints it indented', () => {
    const rows = [
      { id: 2, parent: 0, detail: 'MERGE (UNION)' },
      { id: 4, parent: 2, detail: 'LEFT' },
      { id: 7, parent: 4, detail: 'SCAN entities' },
      { id: 14, parent: 2, detail: 'RIGHT' },
      { id: 17, parent: 14, detail: 'SCAN rel' },
      { id: 23, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY' },
    ];
    const tree = buildPlanTree(rows);
    assert.equal(tree.length, 2);
    assert.deepEqual(
      tree[0]!.children.map((c) => c.detail),
      ['LEFT', 'RIGHT'],
    );
    assert.equal(tree[0]!.children[1]!.children[0]!.detail, 'SCAN rel');
    assert.deepEqual(formatPlan(rows), [
      'MERGE (UNION)',
      '  LEFT',
      '    SCAN entities',
      '  RIGHT',
      '    SCAN rel',
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
  });
});
