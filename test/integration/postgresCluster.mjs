// For the integration suite's PostgreSQL test: a throwaway PostgreSQL 15 cluster (the tests' own
// helper: temporary folder, 127.0.0.1, pg_stat_statements preloaded, hypopg created) holding the
// demo's 100k entities, with the demo's entities query run a few times so pg_stat_statements has
// runtime for it. Started once per run, handed to the trusted pass through the environment.
import { tsImport } from 'tsx/esm/api';

const ENTITIES = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = $1 ORDER BY degree DESC LIMIT $2';

export async function startPostgresCluster() {
  const { startPostgres } = await tsImport('../helpers/postgresServer.ts', import.meta.url);
  const server = await startPostgres({ seedDemo: true });
  try {
    const c = await server.connect();
    try {
      for (let w = 1; w <= 3; w++) await c.query(ENTITIES, [w, 20]);
    } finally {
      await c.end();
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url: `postgresql://${server.user}@127.0.0.1:${server.port}/${server.database}`,
    env: {
      PERFLENS_IT_PG_URL: `postgresql://${server.user}@127.0.0.1:${server.port}/${server.database}`,
      PERFLENS_IT_PG_PASSWORD: server.password,
    },
    stop: () => server.stop(),
  };
}
