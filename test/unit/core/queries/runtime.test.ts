import * as assert from 'node:assert/strict';
import { parseExposition } from '../../../../src/core/metrics/parser';
import type { RuntimeIndex } from '../../../../src/core/queries/runtime';
import { runtimeFromFamilies, runtimeFromQueryStats } from '../../../../src/core/queries/runtime';

const SCRAPE = `# HELP db_query_duration_seconds Time spent in SQL statements
# TYPE db_query_duration_seconds histogram
db_query_duration_seconds_bucket{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?",le="0.005"} 0
db_query_duration_seconds_bucket{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?",le="0.01"} 2
db_query_duration_seconds_bucket{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?",le="0.025"} 8
db_query_duration_seconds_bucket{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?",le="0.05"} 10
db_query_duration_seconds_bucket{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?",le="+Inf"} 10
db_query_duration_seconds_sum{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?"} 0.2
db_query_duration_seconds_count{statement="entities_by_workspace",sql="SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?"} 10
db_query_duration_seconds_bucket{statement="entity_by_id",sql="SELECT * FROM entities WHERE id = ?",le="0.005"} 4
db_query_duration_seconds_bucket{statement="entity_by_id",sql="SELECT * FROM entities WHERE id = ?",le="+Inf"} 4
db_query_duration_seconds_sum{statement="entity_by_id",sql="SELECT * FROM entities WHERE id = ?"} 0.002
db_query_duration_seconds_count{statement="entity_by_id",sql="SELECT * FROM entities WHERE id = ?"} 4
db_query_duration_seconds_bucket{statement="entity_by_id_replica",sql="SELECT * FROM entities WHERE id = ?",le="0.005"} 1
db_query_duration_seconds_bucket{statement="entity_by_id_replica",sql="SELECT * FROM entities WHERE id = ?",le="+Inf"} 2
db_query_duration_seconds_sum{statement="entity_by_id_replica",sql="SELECT * FROM entities WHERE id = ?"} 0.02
db_query_duration_seconds_count{statement="entity_by_id_replica",sql="SELECT * FROM entities WHERE id = ?"} 2
# TYPE http_requests_total counter
http_requests_total{route="/api"} 3
`;

describe('runtimeFromFamilies', () => {
  let index: RuntimeIndex;
  before(() => {
    index = runtimeFromFamilies(parseExposition(SCRAPE).families);
  });

  it('joins per-statement histograms to statements written differently in source', () => {
    assert.equal(index.size, 2);
    const source = `
      SELECT id, name, type, degree
      FROM entities
      WHERE workspace_id = $1
      ORDER BY degree DESC
      LIMIT $2;`;
    const r = index.lookup(source)!;
    assert.equal(r.metric, 'db_query_duration_seconds');
    assert.equal(r.count, 10);
    assert.equal(r.avgMs, 20);
    // histogram_quantile(0.95): rank 9.5 falls in (0.025, 0.05] holding 2 → 0.025 + 0.025 * 1.5/2
    assert.equal(r.p95Ms, 43.75);
    assert.deepEqual(r.labels, { statement: 'entities_by_workspace' });
  });

  it('adds up the series of one statement and keeps the busiest one’s labels', () => {
    const r = index.lookup('select * from entities where id = ?')!;
    assert.equal(r.count, 6);
    assert.equal(r.avgMs, 3.667);
    assert.deepEqual(r.labels, { statement: 'entity_by_id' });
    assert.equal(index.lookup('SELECT * FROM relationships WHERE id = ?'), undefined);
  });

  it('returns nothing from a scrape without query timings', () => {
    assert.equal(runtimeFromFamilies(parseExposition('# TYPE up gauge\nup 1\n').families).size, 0);
  });
});

describe('runtimeFromQueryStats', () => {
  it('joins a live snapshot’s per-statement rate and latency, keeping the busiest series', () => {
    const index = runtimeFromQueryStats([
      { query: 'SELECT id FROM entities WHERE workspace_id = ?', statement: 'by_ws', rate: 4, avgMs: 12.5, p95Ms: 30 },
      { query: 'SELECT id FROM entities WHERE workspace_id = ?', statement: 'by_ws_admin', rate: 1, avgMs: 50 },
      { query: 'SELECT 1 FROM t', rate: 2 },
    ]);
    assert.equal(index.size, 1);
    assert.deepEqual(index.lookup('select id from entities where workspace_id = $1'), {
      metric: 'session',
      ratePerSec: 4,
      avgMs: 12.5,
      p95Ms: 30,
      labels: { statement: 'by_ws' },
    });
  });
});
