/**
 * PostgreSQL 15 (Debian's package, with contrib's pg_stat_statements and HypoPG) in a throwaway
 * cluster on a free loopback port, holding the demo service's 100k entities. The demo's entities
 * query must be flagged at its line with a sequential scan and a sort, the (workspace_id, degree
 * DESC) index proven by HypoPG, runtime from pg_stat_statements shown, and the database left
 * exactly as it was.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import {
  advisePgStatements,
  connectPg,
  readStatStatements,
  runtimeFromStatStatements,
} from '../../src/core/queries/postgres';
import type { PgSession } from '../../src/core/queries/postgres';
import { scanWorkspace } from '../../src/core/queries/workspace';
import { isHypoWhatIf } from '../../src/core/queries/types';
import type { StatementReport } from '../../src/core/queries/types';
import { PgSchema } from '../../src/core/queries/postgres/schema';
import { LOOPBACK_ONLY } from '../../src/core/util/connect';
import { diagnosticMessage } from '../../src/extension/diagnostics/queryFindingText';
import type { DemoHandle } from '../helpers/demoService';
import { DEMO_SERVICE_DIR, startDemoService } from '../helpers/demoService';
import type { PostgresServer } from '../helpers/postgresServer';
import { startPostgres } from '../helpers/postgresServer';
import { freePort } from './helpers/services';

const APP = path.join(DEMO_SERVICE_DIR, 'src', 'app.ts');

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    env: {},
    cwd: process.cwd(),
    out(t: string) {
      io.stdout += t + '\n';
    },
    err(t: string) {
      io.stderr += t + '\n';
    },
  };
  return io;
}

/** The 1-based line of the demo's entities statement in app.ts. */
function entitiesLine(): number {
  return (
    fs
      .readFileSync(APP, 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('const ENTITIES_SQL')) + 1
  );
}

/** Everything that would show a write: per-table insert/update/delete counters and the relation list. */
async function databaseState(server: PostgresServer): Promise<unknown> {
  const c = await server.connect();
  try {
    await c.query("SET stats_fetch_consistency = 'none'");
    const counters = await c.query(
      'SELECT relname, n_tup_ins::text, n_tup_upd::text, n_tup_del::text FROM pg_stat_user_tables ORDER BY relname',
    );
    const relations = await c.query(
      "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2",
    );
    return { counters: counters.rows, relations: relations.rows };
  } finally {
    await c.end();
  }
}

describe('real services: PostgreSQL 15 with pg_stat_statements and HypoPG', function () {
  this.timeout(240_000);
  let server: PostgresServer | undefined;
  let session: PgSession | undefined;
  let stateBefore: unknown;
  let reports: StatementReport[] = [];
  const CALLS = 7;
  let demo: DemoHandle | undefined;

  before(async () => {
    server = await startPostgres({ seedDemo: true });
    // The service's workload: the demo's entities statement as its PostgreSQL driver sends it.
    const scan = await scanWorkspace(DEMO_SERVICE_DIR);
    const entities = scan.statements.find((s) => s.file === 'src/app.ts' && s.range.start.line + 1 === entitiesLine());
    assert.ok(entities, 'the entities statement is extracted from app.ts');
    // The demo service itself, on PostgreSQL, with its cache off so every request reaches the database.
    demo = await startDemoService({ pgUrl: server.url, cacheSize: 0 });
    for (let w = 1; w <= CALLS; w++) {
      const res = await fetch(`${demo.url}/api/graph/entities?workspace_id=${w}&limit=50`);
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.equal((JSON.parse(body) as { entities: unknown[] }).entities.length, 50);
    }
    await demo.stop();
    demo = undefined;
    stateBefore = await databaseState(server);
    const s = await connectPg(server.url, { policy: LOOPBACK_ONLY });
    assert.ok(s.ok, s.ok ? '' : s.error.message);
    session = s.value;
    const stats = await readStatStatements(session.client);
    assert.ok(stats.ok, stats.ok ? '' : stats.why);
    reports = await advisePgStatements(session, scan.statements, {
      whatIf: true,
      runtime: runtimeFromStatStatements(stats.rows),
    });
  });

  after(async () => {
    await session?.close();
    await demo?.stop();
    await server?.stop();
  });

  const entitiesReport = () => {
    const r = reports.find((x) => x.location?.file === 'src/app.ts' && x.location.line === entitiesLine());
    assert.ok(r, `a report at src/app.ts:${entitiesLine()}: ${JSON.stringify(reports.map((x) => x.location))}`);
    return r;
  };

  it('flags the entities query at its source line with a sequential scan and a sort', () => {
    const r = entitiesReport();
    assert.equal(r.error, undefined);
    assert.ok(
      r.plan.some((p) => p.detail.startsWith('Seq Scan on entities')),
      JSON.stringify(r.plan),
    );
    assert.ok(
      r.plan.some((p) => p.detail.startsWith('Sort')),
      JSON.stringify(r.plan),
    );
    const kinds = r.findings.map((f) => f.kind).sort();
    assert.deepEqual(kinds, ['full-scan', 'sort']);
    const scan = r.findings.find((f) => f.kind === 'full-scan')!;
    assert.match(scan.detail, /reads all 100,000 rows of entities/);
  });

  it('proves the (workspace_id, degree DESC) index with a HypoPG hypothetical index', () => {
    for (const f of entitiesReport().findings) {
      assert.equal(
        f.createIndex,
        'CREATE INDEX idx_entities_workspace_id_degree ON entities (workspace_id, degree DESC)',
      );
      assert.ok(isHypoWhatIf(f.whatIf), JSON.stringify(f));
      const w = f.whatIf;
      assert.match(w.indexUsed, /^<\d+>btree_entities_workspace_id_degree$/);
      assert.ok(w.costAfter < w.costBefore && w.costRatio > 1, JSON.stringify(w));
      assert.ok(
        w.plan.some((p) => p.detail.includes(`Index Scan using ${w.indexUsed} on entities`)),
        JSON.stringify(w.plan),
      );
      assert.ok(!w.plan.some((p) => /^Sort|^Seq Scan/.test(p.detail)), JSON.stringify(w.plan));
    }
  });

  it('shows the calls and mean time from pg_stat_statements in the diagnostic', () => {
    const r = entitiesReport();
    assert.equal(r.runtime?.metric, 'pg_stat_statements');
    assert.equal(r.runtime?.count, CALLS);
    assert.ok(r.runtime!.avgMs > 0 && r.runtime!.totalMs! >= r.runtime!.avgMs);
    const message = diagnosticMessage(r.findings[0]!);
    assert.match(message, new RegExp(`In pg_stat_statements: avg [0-9.]+ m?s over ${CALLS} calls`));
    assert.match(message, /HypoPG: plan cost \d+ → \d+/);
  });

  it('explains and proves through the CLI (--postgres, --what-if, --json), and ranks pg_stat_statements by total time', async () => {
    const io = capture();
    const code = await runCli(
      ['explain', '--postgres', server!.url, '--workspace', DEMO_SERVICE_DIR, '--what-if', '--json'],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as {
      database: { hypopg: { version?: string } };
      statements: {
        location?: { file: string; line: number };
        findings: {
          kind: string;
          whatIf?: { method: string; costBefore: number; costAfter: number; plan: unknown[] };
        }[];
      }[];
    };
    assert.ok(out.database.hypopg.version);
    const st = out.statements.find((s) => s.location?.file === 'src/app.ts' && s.location.line === entitiesLine())!;
    assert.deepEqual(st.findings.map((f) => f.kind).sort(), ['full-scan', 'sort']);
    const w = st.findings[0]!.whatIf!;
    assert.equal(w.method, 'hypopg');
    assert.ok(w.costAfter < w.costBefore && w.plan.length > 0);
    assert.ok(!io.stdout.includes(server!.password), 'the password is never printed');

    const top = capture();
    assert.equal(await runCli(['queries', 'top', '--postgres', server!.url, '--json'], top), 0, top.stderr);
    const rows = (JSON.parse(top.stdout) as { statements: { query: string; calls: number; totalMs: number }[] })
      .statements;
    assert.ok(
      rows.some(
        (x) => /FROM entities WHERE workspace_id = \$1 ORDER BY degree DESC/.test(x.query) && x.calls === CALLS,
      ),
    );
    assert.ok(!rows.some((x) => /^\s*(EXPLAIN|PREPARE)/i.test(x.query)), 'PerfLens’s own statements are not listed');
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.totalMs >= rows[i]!.totalMs);
  });

  it('keeps every session read-only, and refuses with clear messages that never show the password', async () => {
    await assert.rejects(session!.client.query('CREATE TABLE perflens_probe (x int)'), /read-only transaction/);
    const wrong = await connectPg(server!.url.replace(/:[^:@/]+@/, ':not-the-password@'), { policy: LOOPBACK_ONLY });
    assert.ok(!wrong.ok && wrong.error.kind === 'auth', JSON.stringify(!wrong.ok && wrong.error.message));
    assert.ok(!wrong.error.message.includes('not-the-password'));
    const closed = await connectPg(`postgresql://postgres:secret@127.0.0.1:${await freePort()}/postgres`, {
      policy: LOOPBACK_ONLY,
    });
    assert.ok(!closed.ok && closed.error.kind === 'refused' && !closed.error.message.includes('secret'));
    const remote = await connectPg('postgresql://postgres:secret@192.0.2.10:5432/db', { policy: LOOPBACK_ONLY });
    assert.ok(!remote.ok && remote.error.kind === 'remote' && /allowRemoteTargets/.test(remote.error.message));
    const io = capture();
    const code = await runCli(
      ['explain', '--postgres', 'postgresql://postgres:secret@192.0.2.10/db', '--sql', 'SELECT 1'],
      io,
    );
    assert.equal(code, 2);
    assert.match(io.stderr, /--allow-remote/);
    assert.ok(!io.stderr.includes('secret'));
  });

  it('leaves the database unchanged: same insert/update/delete counters and the same relations', async () => {
    await session!.close();
    session = undefined;
    assert.deepEqual(await databaseState(server!), stateBefore);
  });
});

describe('real services: PostgreSQL 15 row estimates after a bulk load', () => {
  let server: PostgresServer | undefined;
  after(async () => {
    await server?.stop();
  });

  it("reads a freshly loaded and analysed table's rows once, though its live tuples counted the load twice", async () => {
    server = await startPostgres();
    const c = await server.connect();
    try {
      // The session's first statement flushes its statistics; the load right after stays pending
      // (a session flushes at most once a second), so it reaches them after ANALYZE set them:
      // the live tuples then read 200,000.
      await c.query('SELECT 1');
      await c.query('CREATE TABLE loaded (id int)');
      await c.query('INSERT INTO loaded SELECT generate_series(1, 100000)');
      await c.query('ANALYZE loaded');
      await c.query('SELECT pg_stat_force_next_flush()');
      await c.query('SELECT 1');
      const schema = new PgSchema(c);
      await schema.load(['loaded']);
      assert.equal(schema.rowCount('loaded'), 100_000);
    } finally {
      await c.end();
    }
  });
});
