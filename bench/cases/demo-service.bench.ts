// The demo service's own numbers: what the missing index costs the entities query, and how
// long one call of the deliberately hot centrality computation takes.
import Database from 'better-sqlite3';
import { writeSeed, WORKSPACE_COUNT } from '../../examples/demo-service/src/db';
import type { GraphNode } from '../../examples/demo-service/src/hot';
import { computeCentrality } from '../../examples/demo-service/src/hot';

const ENTITIES_SQL = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';

let seeded: Database.Database | undefined;
/** One in-memory copy of the demo data (same generator as the service's file), shared by the cases. */
function demoDb(): Database.Database {
  if (!seeded) {
    seeded = new Database(':memory:');
    writeSeed(seeded);
  }
  return seeded;
}

function entitiesQuery(db: Database.Database) {
  const stmt = db.prepare(ENTITIES_SQL);
  let workspace = 0;
  // Cycle through workspaces so no case benefits from asking the same thing twice.
  return () => stmt.all((workspace++ % WORKSPACE_COUNT) + 1, 50);
}

export const cases = [
  {
    name: 'entities query, full scan (as shipped)',
    setup: () => entitiesQuery(demoDb()),
    run: (query: () => unknown) => query(),
  },
  {
    name: 'entities query, index on (workspace_id, degree)',
    anchor: 'entities query, full scan (as shipped)',
    setup: () => {
      const db = new Database(':memory:');
      writeSeed(db);
      db.exec('CREATE INDEX idx_entities_workspace_degree ON entities (workspace_id, degree DESC)');
      return entitiesQuery(db);
    },
    run: (query: () => unknown) => query(),
  },
  {
    name: 'computeCentrality, one workspace, 400 iterations',
    setup: () => demoDb().prepare('SELECT id, degree FROM entities WHERE workspace_id = ?').all(1) as GraphNode[],
    run: (nodes: GraphNode[]) => computeCentrality(nodes, 400),
    iterations: 60,
  },
];
