import { prng } from './random';

/**
 * The demo's data, the same rows whichever database holds them (SQLite by default, PostgreSQL
 * with --pg-url): 20 workspaces and 100k entities whose degrees follow a heavy tail.
 */
export const WORKSPACE_COUNT = 20;
export const ENTITY_COUNT = 100_000;

const ENTITY_TYPES = ['person', 'organization', 'location', 'event', 'concept', 'document'];
const NAME_PARTS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'sigma',
  'omega',
  'nova',
  'terra',
  'luna',
  'sol',
  'vega',
  'orion',
];

export interface EntityRow {
  id: number;
  workspaceId: number;
  name: string;
  type: string;
  degree: number;
  description: string;
}

/** The workspaces' creation dates, one a day from 2025-01-01. */
export function workspaceRows(workspaceCount = WORKSPACE_COUNT): { id: number; name: string; createdAt: string }[] {
  const rows = [];
  for (let w = 1; w <= workspaceCount; w++)
    rows.push({ id: w, name: `workspace-${w}`, createdAt: new Date(Date.UTC(2025, 0, w)).toISOString() });
  return rows;
}

/** The entities, generated from a fixed seed so every run (and every database) holds the same rows. */
export function* entityRows(entityCount = ENTITY_COUNT, workspaceCount = WORKSPACE_COUNT): Generator<EntityRow> {
  const rand = prng(42);
  for (let id = 1; id <= entityCount; id++) {
    // Rows of one workspace are spread over the whole table, as inserts from many users would be.
    const workspaceId = 1 + Math.floor(rand() * workspaceCount);
    const name = `${NAME_PARTS[Math.floor(rand() * NAME_PARTS.length)]}-${NAME_PARTS[Math.floor(rand() * NAME_PARTS.length)]}-${id}`;
    const type = ENTITY_TYPES[Math.floor(rand() * ENTITY_TYPES.length)]!;
    // Pareto-like: most entities have a few links, a few hubs have hundreds.
    const degree = Math.min(500, Math.floor(1 / Math.pow(1 - rand(), 0.7)));
    yield {
      id,
      workspaceId,
      name,
      type,
      degree,
      description: `The ${type} ${name}, mentioned in ${degree} relationships.`,
    };
  }
}
