/**
 * `perflens mcp --postgres URL` as an MCP client sees it, on a throwaway PostgreSQL 15 cluster with
 * the demo's 100k entities, pg_stat_statements and HypoPG: the slow-queries tool answers with the
 * demo's entities statement (its sequential scan, the (workspace_id, degree DESC) index proven by
 * HypoPG, runtime from pg_stat_statements), exactly as `perflens explain --postgres … --what-if
 * --json` reports it, and the password (given through PGPASSWORD) is never shown. The editor's
 * tools answer the same through the workspace's connection (its URL setting, its password in the
 * secret storage).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli } from '../../src/cli/main';
import { DATA_NOTICE } from '../../src/core/insights/envelope';
import { pgTextOf } from '../../src/core/queries/postgres';
import { scanWorkspace } from '../../src/core/queries/workspace';
import { readSettings } from '../../src/extension/config';
import { slowQueriesOnPostgres } from '../../src/extension/ai/postgresAnswers';
import { PostgresQueries } from '../../src/extension/postgres/postgresQueries';
import type { PostgresQueriesServices } from '../../src/extension/postgres/postgresQueries';
import { postgresSecretKey } from '../../src/extension/postgres/postgresSettings';
import { explainJson } from '../../src/core/insights/json';
import { slowQueriesData } from '../../src/core/insights/answers';
import { blankReport } from '../../src/core/queries/advisor';
import { DEMO_SERVICE_DIR } from '../helpers/demoService';
import { capture } from '../unit/cli/liveHelpers';
import type { PostgresServer } from '../helpers/postgresServer';
import { startPostgres } from '../helpers/postgresServer';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CALLS = 5;

interface Statement {
  sql: string;
  location?: { file: string; line: number };
  plan: { detail: string }[];
  findings: {
    kind: string;
    createIndex?: string;
    whatIf?: { method: string; costBefore: number; costAfter: number };
  }[];
  runtime?: { metric: string; count: number };
  skipped?: string;
}

describe('real services: the AI tools answer slow queries on PostgreSQL 15 (perflens mcp --postgres, the editor)', function () {
  this.timeout(240_000);
  let server: PostgresServer | undefined;
  let client: Client | undefined;
  let stderr = '';
  let urlWithoutPassword = '';
  let cliJson: { database: Record<string, unknown>; statements: Statement[] } | undefined;

  /** `perflens explain --postgres URL --workspace demo --what-if --json`, the password from PGPASSWORD. */
  async function explainCli(): Promise<{ database: Record<string, unknown>; statements: Statement[] }> {
    if (cliJson) return cliJson;
    const io = capture();
    const previous = process.env.PGPASSWORD;
    process.env.PGPASSWORD = server!.password;
    let code: number;
    try {
      code = await runCli(
        ['explain', '--postgres', urlWithoutPassword, '--workspace', DEMO_SERVICE_DIR, '--what-if', '--json'],
        io,
      );
    } finally {
      if (previous === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = previous;
    }
    assert.equal(code, 0, io.stderr);
    return (cliJson = JSON.parse(io.stdout) as { database: Record<string, unknown>; statements: Statement[] });
  }

  before(async () => {
    const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    server = await startPostgres({ seedDemo: true });
    // The service's workload: the demo's entities statement as its PostgreSQL driver sends it.
    const scan = await scanWorkspace(DEMO_SERVICE_DIR);
    const entities = scan.statements.find((s) => /FROM entities WHERE workspace_id = \? ORDER BY degree/.test(s.sql));
    assert.ok(entities, 'the entities statement is extracted from the demo');
    const { sql, count } = pgTextOf(entities);
    assert.equal(count, 2, sql);
    const c = await server.connect();
    try {
      for (let w = 1; w <= CALLS; w++) await c.query(sql, [w, 50]);
    } finally {
      await c.end();
    }
    urlWithoutPassword = server.url.replace(/:[^:@/]+@/, '@');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', '--postgres', urlWithoutPassword, '--workspace', DEMO_SERVICE_DIR],
      env: { ...(process.env as Record<string, string>), PGPASSWORD: server.password },
      stderr: 'pipe',
      cwd: ROOT,
    });
    transport.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    client = new Client({ name: 'perflens-test', version: '0' });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    await server?.stop();
  });

  it('answers perflens_slow_queries with the entities statement, its seq scan and the HypoPG-proven index, as explain --postgres --json does', async () => {
    const r = (await client!.callTool({
      name: 'perflens_slow_queries',
      arguments: { top: 200, maxChars: 200_000 },
    })) as { content: { text: string }[]; isError?: boolean };
    const text = r.content[0]!.text;
    assert.notEqual(r.isError, true, text);
    const [notice, json] = text.split('\n');
    assert.equal(notice, DATA_NOTICE);
    const answer = JSON.parse(json!) as {
      serviceData: { database: Record<string, unknown>; statements: Statement[]; statementsTotal: number };
      truncated?: unknown;
    };
    assert.equal(answer.truncated, undefined);
    const data = answer.serviceData;
    const st = data.statements.find((s) => /FROM entities WHERE workspace_id = \$1 ORDER BY degree DESC/.test(s.sql));
    assert.ok(st, JSON.stringify(data.statements.map((s) => s.sql)));
    assert.equal(st.location?.file, 'src/app.ts');
    assert.ok(
      st.plan.some((p) => p.detail.startsWith('Seq Scan on entities')),
      JSON.stringify(st.plan),
    );
    const scan = st.findings.find((f) => f.kind === 'full-scan');
    assert.ok(scan, JSON.stringify(st.findings));
    assert.equal(
      scan.createIndex,
      'CREATE INDEX idx_entities_workspace_id_degree ON entities (workspace_id, degree DESC)',
    );
    assert.equal(scan.whatIf?.method, 'hypopg');
    assert.ok(scan.whatIf.costAfter < scan.whatIf.costBefore, JSON.stringify(scan.whatIf));
    assert.equal(st.runtime?.metric, 'pg_stat_statements');
    assert.equal(st.runtime?.count, CALLS);

    // The same objects the CLI prints for the same question.
    const cli = await explainCli();
    assert.deepEqual(data.database, cli.database);
    assert.equal(data.statementsTotal, cli.statements.length);
    assert.deepEqual(
      st,
      cli.statements.find((s) => s.location?.line === st.location?.line && s.location?.file === 'src/app.ts'),
    );
    for (const t of [text, stderr]) assert.ok(!t.includes(server!.password), 'the password is never shown');
    assert.match(stderr, /SQL explained on postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
  });

  it("the editor's tool answers from the workspace's connection (URL setting, password in the secret storage) as the CLI does", async () => {
    const settings = readSettings({
      get: <T>(k: string) => (k === 'queries.postgresUrl' ? urlWithoutPassword : undefined) as T | undefined,
      inspect: () => undefined,
    });
    const key = postgresSecretKey(urlWithoutPassword);
    assert.ok(key.ok);
    const logged: string[] = [];
    const services = {
      settings: () => settings,
      secrets: { get: (k: string) => Promise.resolve(k === key.value ? server!.password : undefined) },
      log: { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) },
    } as unknown as PostgresQueriesServices;
    // What the diagnostics hold after Analyze Queries: the statements, explained without a what-if.
    const scan = await scanWorkspace(DEMO_SERVICE_DIR);
    const facts = await slowQueriesOnPostgres(new PostgresQueries(services), {
      statements: scan.statements,
      reports: scan.statements.map((s) => blankReport(s)),
    });
    assert.ok(!('error' in facts), JSON.stringify(facts));
    const data = slowQueriesData(facts, 200) as { database: unknown; statements: Statement[] };
    const cli = await explainCli();
    assert.deepEqual(data.database, cli.database);
    // Statements of SQLite drivers stay with the SQLite file in the editor; the CLI marks them skipped.
    const where = (x: Statement) => `${x.location?.file}:${x.location?.line}`;
    const sqliteOnes = new Set(cli.statements.filter((x) => /uses a SQLite driver/.test(x.skipped ?? '')).map(where));
    assert.ok(sqliteOnes.size > 0 && sqliteOnes.size < cli.statements.length);
    const onPostgres = (list: Statement[]) => list.filter((x) => !sqliteOnes.has(where(x)));
    assert.deepEqual(onPostgres(explainJson(facts).statements as Statement[]), onPostgres(cli.statements));
    const st = data.statements.find((s) => /FROM entities WHERE workspace_id = \$1 ORDER BY degree DESC/.test(s.sql))!;
    assert.equal(st.findings.find((f) => f.kind === 'full-scan')?.whatIf?.method, 'hypopg');
    assert.ok(!(JSON.stringify(facts) + logged.join('\n')).includes(server!.password));
  });

  it('refuses --postgres with --db, and a URL that is not PostgreSQL, before serving (exit 2), the password masked', async () => {
    const both = capture();
    const db = path.join(DEMO_SERVICE_DIR, 'data', 'graphrag.db');
    assert.equal(await runCli(['mcp', '--postgres', urlWithoutPassword, '--db', db], both), 2);
    assert.match(both.stderr, /Give --db FILE \(SQLite\) or --postgres URL, not both/);
    const wrong = capture();
    assert.equal(await runCli(['mcp', '--postgres', 'mysql://app:hush-4e2@127.0.0.1/db'], wrong), 2);
    assert.match(wrong.stderr, /--postgres: .*is not a PostgreSQL URL/);
    assert.ok(!wrong.stderr.includes('hush-4e2'), wrong.stderr);
  });

  it('refuses a remote server without --allow-remote, saying how to allow it and never showing the password', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', '--postgres', 'postgresql://app:hush-9c1@192.0.2.10/db', '--workspace', DEMO_SERVICE_DIR],
      stderr: 'pipe',
      cwd: ROOT,
    });
    const remote = new Client({ name: 'perflens-test', version: '0' });
    await remote.connect(transport);
    try {
      const r = (await remote.callTool({ name: 'perflens_slow_queries', arguments: {} })) as {
        content: { text: string }[];
        isError?: boolean;
      };
      const text = r.content[0]!.text;
      assert.equal(r.isError, true, text);
      assert.match(text, /--allow-remote/);
      assert.ok(!text.includes('hush-9c1'), text);
    } finally {
      await remote.close();
    }
  });
});
