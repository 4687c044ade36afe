import * as assert from 'node:assert/strict';
import { formatPlan } from '../../../../../src/core/queries/plan';
import { pgFindingsFor } from '../../../../../src/core/queries/postgres/findings';
import { pgStatementFromText, toPgParams } from '../../../../../src/core/queries/postgres/params';
import type { PgPlanNode } from '../../../../../src/core/queries/postgres/planJson';
import { indexesUsed, pgPlanRows, readExplainJson } from '../../../../../src/core/queries/postgres/planJson';
import type { PgTableInfo } from '../../../../../src/core/queries/postgres/schema';
import { PgSchema } from '../../../../../src/core/queries/postgres/schema';
import { quotePgIdent } from '../../../../../src/core/queries/postgres/sqlText';
import { runtimeFromStatStatements } from '../../../../../src/core/queries/postgres/statStatements';
import { normalisePlaceholders } from '../../../../../src/core/queries/placeholders';
import { parseSql } from '../../../../../src/core/queries/sqlParse';

const entities: PgTableInfo = {
  name: 'entities',
  rows: 100_000,
  columns: ['id', 'workspace_id', 'name', 'type', 'degree', 'description'].map((name) => ({
    name,
    type: name === 'name' || name === 'type' || name === 'description' ? 'text' : 'integer',
    primaryKey: name === 'id',
  })),
  indexes: [
    { name: 'entities_pkey', table: 'entities', columns: [{ name: 'id', desc: false }], unique: true, partial: false },
  ],
  foreignKeys: [
    { name: 'entities_workspace_id_fkey', table: 'entities', columns: ['workspace_id'], references: 'workspaces' },
  ],
};
const workspaces: PgTableInfo = {
  name: 'workspaces',
  rows: 20,
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'name', type: 'text', primaryKey: false },
  ],
  indexes: [],
  foreignKeys: [],
};
const schema = new PgSchema(undefined, [entities, workspaces]);

/** PostgreSQL 15's EXPLAIN (FORMAT JSON) of the demo's entities statement, as the server printed it. */
const ENTITIES_PLAN = [
  {
    Plan: {
      'Node Type': 'Limit',
      'Startup Cost': 3166.19,
      'Total Cost': 3167.44,
      'Plan Rows': 500,
      Plans: [
        {
          'Node Type': 'Sort',
          'Parent Relationship': 'Outer',
          'Startup Cost': 3166.19,
          'Total Cost': 3178.69,
          'Plan Rows': 5000,
          'Sort Key': ['degree DESC'],
          Plans: [
            {
              'Node Type': 'Seq Scan',
              'Relation Name': 'entities',
              Alias: 'entities',
              'Startup Cost': 0,
              'Total Cost': 2859,
              'Plan Rows': 5000,
              Filter: '(workspace_id = $1)',
            },
          ],
        },
      ],
    },
  },
];

const parse = (sql: string) => parseSql(normalisePlaceholders(sql).sql);

describe('postgres: plans, findings and placeholders', () => {
  it('reads EXPLAIN (FORMAT JSON) into plan rows shaped like SQLite’s, parent before child', () => {
    const plan = readExplainJson(JSON.stringify(ENTITIES_PLAN));
    const rows = pgPlanRows(plan.Plan);
    assert.deepEqual(
      rows.map((r) => [r.id, r.parent]),
      [
        [1, 0],
        [2, 1],
        [3, 2],
      ],
    );
    assert.deepEqual(formatPlan(rows), [
      'Limit (cost=3166.19..3167.44 rows=500)',
      '  Sort (cost=3166.19..3178.69 rows=5000); Sort Key: degree DESC',
      '    Seq Scan on entities (cost=0.00..2859.00 rows=5000); Filter: (workspace_id = $1)',
    ]);
    assert.throws(() => readExplainJson('[{}]'), /returned no plan/);
  });

  it('flags the scan and the sort of the entities statement and advises (workspace_id, degree DESC)', () => {
    const sql = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = $1 ORDER BY degree DESC LIMIT $2';
    const f = pgFindingsFor(readExplainJson(ENTITIES_PLAN).Plan, parse(sql), { schema, minRows: 1000 });
    assert.deepEqual(f.map((x) => x.kind).sort(), ['full-scan', 'sort']);
    for (const x of f)
      assert.equal(
        x.createIndex,
        'CREATE INDEX idx_entities_workspace_id_degree ON entities (workspace_id, degree DESC)',
      );
    assert.match(f.find((x) => x.kind === 'full-scan')!.detail, /expects 5,000 of 100,000 rows to pass the filter/);
  });

  it('reads ANALYZE evidence: rows removed by the filter, a sort spilled to disk, lossy bitmap blocks, a 10× estimate error', () => {
    const root: PgPlanNode = {
      'Node Type': 'Sort',
      'Startup Cost': 1,
      'Total Cost': 2,
      'Plan Rows': 90_000,
      'Actual Rows': 90_000,
      'Actual Loops': 1,
      'Sort Key': ['name'],
      'Sort Method': 'external merge',
      'Sort Space Used': 4120,
      'Sort Space Type': 'Disk',
      Plans: [
        {
          'Node Type': 'Bitmap Heap Scan',
          'Relation Name': 'entities',
          'Startup Cost': 0,
          'Total Cost': 1,
          'Plan Rows': 200,
          'Actual Rows': 90_000,
          'Actual Loops': 1,
          'Recheck Cond': '(degree > 1)',
          'Exact Heap Blocks': 10,
          'Lossy Heap Blocks': 1500,
        },
      ],
    };
    const f = pgFindingsFor(root, parse('SELECT name FROM entities WHERE degree > 1 ORDER BY name'), {
      schema,
      minRows: 1000,
    });
    const kinds = f.map((x) => x.kind);
    assert.ok(kinds.includes('disk-spill'), kinds.join());
    assert.ok(kinds.includes('lossy-bitmap'), kinds.join());
    assert.ok(kinds.includes('estimate-error'), kinds.join());
    assert.match(f.find((x) => x.kind === 'disk-spill')!.detail, /4120 kB to disk/);
    assert.match(
      f.find((x) => x.kind === 'estimate-error')!.detail,
      /planned 200 rows, got 90,000 per loop \(450× off\)/,
    );

    const scan: PgPlanNode = {
      'Node Type': 'Seq Scan',
      'Relation Name': 'entities',
      'Startup Cost': 0,
      'Total Cost': 2859,
      'Plan Rows': 5000,
      'Actual Rows': 4963,
      'Actual Loops': 1,
      Filter: '(workspace_id = 3)',
      'Rows Removed by Filter': 95_037,
    };
    const s = pgFindingsFor(scan, parse('SELECT id FROM entities WHERE workspace_id = 3'), { schema, minRows: 1000 });
    assert.match(s[0]!.detail, /95,037 rows removed by the filter to keep 4,963/);
  });

  it('flags a nested loop that scans its inner table per outer row, and a join on an unindexed foreign key', () => {
    const root: PgPlanNode = {
      'Node Type': 'Nested Loop',
      'Startup Cost': 0,
      'Total Cost': 1e6,
      'Plan Rows': 5000,
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'workspaces',
          'Startup Cost': 0,
          'Total Cost': 1,
          'Plan Rows': 2000,
        },
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'entities',
          'Startup Cost': 0,
          'Total Cost': 2859,
          'Plan Rows': 5,
          Filter: '(workspace_id = workspaces.id)',
        },
      ],
    };
    const sql = 'SELECT e.id FROM workspaces w JOIN entities e ON e.workspace_id = w.id';
    const f = pgFindingsFor(root, parse(sql), { schema, minRows: 1000 });
    const loop = f.find((x) => x.kind === 'nested-loop')!;
    assert.match(loop.detail, /runs 2,000 times \(estimated\)/);
    const fk = f.find((x) => x.kind === 'unindexed-fk')!;
    assert.equal(fk.createIndex, 'CREATE INDEX idx_entities_workspace_id ON entities (workspace_id)');
    assert.match(fk.detail, /foreign key entities_workspace_id_fkey/);
  });

  it('writes every driver’s placeholders as $n: psycopg %s and %(name)s, $1, SQLAlchemy :name, one number per name', () => {
    assert.deepEqual(pgStatementFromText('SELECT * FROM t WHERE a = %s AND b = %s'), {
      sql: 'SELECT * FROM t WHERE a = $1 AND b = $2',
      count: 2,
    });
    assert.deepEqual(pgStatementFromText('SELECT * FROM t WHERE a = %(x)s AND b = %(y)s OR c = %(x)s'), {
      sql: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1',
      count: 2,
    });
    assert.deepEqual(pgStatementFromText('SELECT * FROM t WHERE a = $2::int AND b = $1'), {
      sql: 'SELECT * FROM t WHERE a = $2::int AND b = $1',
      count: 2,
    });
    assert.deepEqual(pgStatementFromText("SELECT * FROM t WHERE a = :id AND s = 'x :y ?'"), {
      sql: "SELECT * FROM t WHERE a = $1 AND s = 'x :y ?'",
      count: 1,
    });
    assert.deepEqual(toPgParams('SELECT ? , ?', ['?', '?']), { sql: 'SELECT $1 , $2', count: 2 });
  });

  it('joins pg_stat_statements rows to source text whatever the placeholder style, summing duplicates', () => {
    const index = runtimeFromStatStatements([
      { query: 'SELECT id FROM entities WHERE workspace_id = $1 LIMIT $2', calls: 3, totalMs: 30, meanMs: 10, rows: 9 },
      { query: 'select id from entities where workspace_id=$1 limit $2', calls: 1, totalMs: 10, meanMs: 10, rows: 3 },
    ]);
    const r = index.lookup('SELECT id\n  FROM entities WHERE workspace_id = %s LIMIT %s');
    assert.deepEqual(r, { metric: 'pg_stat_statements', count: 4, avgMs: 10, totalMs: 40, rows: 12, labels: {} });
  });

  it('lists the indexes a plan reads (a hypothetical one by its HypoPG name)', () => {
    const root: PgPlanNode = {
      'Node Type': 'Limit',
      'Startup Cost': 0,
      'Total Cost': 662,
      'Plan Rows': 500,
      Plans: [
        {
          'Node Type': 'Index Scan',
          'Index Name': '<13556>btree_entities_workspace_id_degree',
          'Relation Name': 'entities',
          'Startup Cost': 0,
          'Total Cost': 6622,
          'Plan Rows': 5000,
        },
      ],
    };
    assert.deepEqual(indexesUsed(root), ['<13556>btree_entities_workspace_id_degree']);
  });
});

describe('postgres: identifiers in written SQL', () => {
  it('quotes identifiers PostgreSQL would not read bare: reserved words, capitals, odd characters', () => {
    assert.equal(quotePgIdent('workspace_id'), 'workspace_id');
    assert.equal(quotePgIdent('order'), '"order"');
    assert.equal(quotePgIdent('user'), '"user"');
    assert.equal(quotePgIdent('CamelCase'), '"CamelCase"');
    assert.equal(quotePgIdent('we"ird'), '"we""ird"');
  });
});
