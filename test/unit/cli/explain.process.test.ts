import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { httpRequest } from '../../../src/core/util/http';
import type { DemoHandle } from '../../helpers/demoService';
import { DEMO_SERVICE_DIR, startDemoService } from '../../helpers/demoService';
import { RUNAWAY_SQL, demoDbCopy, removeDir, writeFlaskBlogDb, writeGraphDb } from '../core/queries/helpers';

type Captured = CliIO & { stdout: string; stderr: string };

function capture(cwd = process.cwd()): Captured {
  const io: Captured = {
    stdout: '',
    stderr: '',
    isTTY: false,
    env: {},
    cwd,
    out(t) {
      io.stdout += t.endsWith('\n') ? t : t + '\n';
    },
    err(t) {
      io.stderr += t.endsWith('\n') ? t : t + '\n';
    },
  };
  return io;
}

interface JsonFinding {
  kind: string;
  table?: string;
  detail: string;
  suggestion?: string;
  createIndex?: string;
  whatIf?: {
    index: string;
    beforeMs: number;
    afterMs: number;
    speedup: number;
    planAfter: { id: number; parent: number; detail: string }[];
    runs: number;
  };
  runtime?: { metric: string; count: number; avgMs: number; p95Ms?: number };
}
interface JsonStatement {
  sql: string;
  location?: { file: string; line: number; column: number };
  plan: { id: number; parent: number; detail: string }[];
  findings: JsonFinding[];
  error?: string;
  skipped?: string;
  runtime?: unknown;
}
interface JsonOut {
  database: { path: string; tables: number; notes: string[] };
  metrics?: { url: string; statements?: number; error?: string };
  scanned?: { files: number; statements: number };
  statements: JsonStatement[];
}

const FIXTURES = path.join(__dirname, '../../fixtures/queries');
const ENTITIES_SQL = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';

describe('perflens explain', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  before(async () => {
    ({ dir, file } = await writeGraphDb({ entities: 3000 }));
  });
  after(() => removeDir(dir));

  it('--sql --json: plan rows, findings with the index, exit 0', async () => {
    const io = capture();
    const code = await runCli(['explain', '--db', file, '--sql', ENTITIES_SQL, '--json'], io);
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as JsonOut;
    assert.equal(out.database.path, file);
    assert.equal(out.database.tables, 3);
    assert.equal(out.statements.length, 1);
    const st = out.statements[0]!;
    assert.equal(st.sql, ENTITIES_SQL);
    assert.equal(st.location, undefined);
    assert.deepEqual(Object.keys(st.plan[0]!).sort(), ['detail', 'id', 'parent']);
    assert.deepEqual(st.findings.map((f) => f.kind).sort(), ['full-scan', 'temp-btree']);
    assert.equal(
      st.findings[0]!.createIndex,
      'CREATE INDEX idx_entities_workspace_id_degree ON entities(workspace_id, degree DESC)',
    );
    assert.equal(st.findings[0]!.whatIf, undefined);
  });

  it('--fail-on decides the exit code; unknown kinds are usage errors', async () => {
    assert.equal(
      await runCli(['explain', '--db', file, '--sql', ENTITIES_SQL, '--fail-on', 'temp-btree'], capture()),
      1,
    );
    assert.equal(
      await runCli(
        ['explain', '--db', file, '--sql', 'SELECT id FROM entities WHERE id = ?', '--fail-on', 'any'],
        capture(),
      ),
      0,
    );
    assert.equal(
      await runCli(
        ['explain', '--db', file, '--sql', ENTITIES_SQL, '--fail-on', 'select-star,correlated-subquery'],
        capture(),
      ),
      0,
    );
    const io = capture();
    assert.equal(await runCli(['explain', '--db', file, '--sql', ENTITIES_SQL, '--fail-on', 'slow'], io), 2);
    assert.match(io.stderr, /"slow" is not a finding kind/);
  });

  it('is listed in perflens --help and has its own usage', async () => {
    const help = capture();
    assert.equal(await runCli(['--help'], help), 0);
    assert.match(help.stdout, /explain\s+Explain SQL on a copy of a SQLite database/);
    const usage = capture();
    assert.equal(await runCli(['explain', '--help'], usage), 0);
    assert.match(usage.stdout, /^Usage: perflens explain/);
    assert.match(usage.stdout, /--fail-on KINDS/);
  });

  it('bad usage and bad input exit 2 with a message that says what to do', async () => {
    const cases: [string[], RegExp][] = [
      [['explain', '--db', file], /exactly one of --sql/],
      [['explain', '--db', file, '--sql', 'SELECT 1', '--workspace', '.'], /exactly one of --sql/],
      [['explain', '--sql', ENTITIES_SQL], /needs --db FILE/],
      [['explain', '--db', path.join(dir, 'missing.db'), '--sql', ENTITIES_SQL], /No database file/],
      [['explain', '--db', path.join(FIXTURES, 'store.go'), '--sql', ENTITIES_SQL], /not a SQLite database/],
      [['explain', '--db', file, '--sql', ENTITIES_SQL, '--min-rows', 'lots'], /--min-rows/],
      [
        ['explain', '--db', file, '--workspace', path.join(dir, 'no-such-folder')],
        /No folder at .*no-such-folder: --workspace is the folder/,
      ],
      [['explain', '--db', file, '--workspace', file], /No folder at /],
      [
        ['explain', '--db', file, '--sql', ENTITIES_SQL, '--metrics-url', 'http://example.org/metrics'],
        /not on this machine/,
      ],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      assert.equal(await runCli(argv, io), 2, argv.join(' '));
      assert.match(io.stderr, message, argv.join(' '));
    }
  });

  it('a statement that does not prepare is reported, not a crash; human output is readable', async () => {
    const io = capture();
    assert.equal(await runCli(['explain', '--db', file, '--sql', 'SELECT nope FROM entities'], io), 0);
    assert.match(io.stdout, /error: no such column: nope/);
    const human = capture();
    assert.equal(await runCli(['explain', '--db', file, '--sql', ENTITIES_SQL, '--what-if'], human), 0);
    assert.match(human.stdout, /plan:\n {4}SCAN entities\n {4}USE TEMP B-TREE FOR ORDER BY/);
    assert.match(human.stdout, /full-scan \(entities\): SCAN entities: reads all 3,000 rows/);
    assert.match(
      human.stdout,
      /→ Add an index .*CREATE INDEX idx_entities_workspace_id_degree ON entities\(workspace_id, degree DESC\);/,
    );
    assert.match(
      human.stdout,
      /what-if: [\d.]+ ms → [\d.]+ ms \(.+, median of \d\)\n {6}after: SEARCH entities USING INDEX idx_entities_workspace_id_degree \(workspace_id=\?\)/,
    );
    assert.match(human.stdout, /temp-btree \(entities\): .*\n {4}→ the same index as above/);
    assert.match(human.stdout, /1 statement\(s\): 1 full-scan, 1 temp-btree/);
  });

  it('--workspace finds the database and the SQL in source, with 1-based locations; other dialects are skipped', async () => {
    const ws = fs.mkdtempSync(path.join(path.dirname(dir), 'perflens-explain-ws-'));
    try {
      fs.mkdirSync(path.join(ws, 'data'));
      fs.copyFileSync(file, path.join(ws, 'data', 'app.db'));
      for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(ws, f));
      const io = capture(ws);
      assert.equal(await runCli(['explain', '--workspace', '.', '--json'], io), 0, io.stderr);
      const out = JSON.parse(io.stdout) as JsonOut;
      assert.equal(out.database.path, path.join(ws, 'data', 'app.db'));
      assert.deepEqual(out.scanned, { files: 4, statements: 15 });
      const ts = out.statements.find((s) => s.location?.file === 'repository.ts' && s.sql === ENTITIES_SQL)!;
      assert.deepEqual(ts.location, { file: 'repository.ts', line: 5, column: 22 });
      const go = out.statements.find((s) => s.location?.file === 'store.go' && /::text/.test(s.sql))!;
      assert.match(go.skipped!, /PostgreSQL/);
      const like = out.statements.find((s) => s.location?.file === 'repository.ts' && /LIKE/.test(s.sql))!;
      assert.ok(like.findings.some((f) => f.kind === 'leading-wildcard-like'));
    } finally {
      removeDir(ws);
    }
  });

  it('an unreachable --metrics-url is a warning, not a failure', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const io = capture();
    assert.equal(
      await runCli(
        ['explain', '--db', file, '--sql', ENTITIES_SQL, '--metrics-url', `http://127.0.0.1:${port}/metrics`, '--json'],
        io,
      ),
      0,
    );
    const out = JSON.parse(io.stdout) as JsonOut;
    assert.match(out.metrics!.error!, /refused/);
    assert.match(io.stderr, /runtime timings unavailable/);
  });

  it('a --metrics-url that serves no metrics (an app route) is a warning that says so; metrics without SQL timings are named', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/metrics') res.end('# TYPE up gauge\nup 1\n');
      else res.setHeader('content-type', 'application/json').end('{"workspaces":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const json = capture();
      assert.equal(
        await runCli(
          ['explain', '--db', file, '--sql', ENTITIES_SQL, '--metrics-url', `http://127.0.0.1:${port}/api/workspaces`],
          json,
        ),
        0,
      );
      assert.match(
        json.stderr,
        /runtime timings unavailable: http:\/\/127\.0\.0\.1:\d+\/api\/workspaces answered without any Prometheus metrics \(application\/json\)/,
      );
      const plain = capture();
      assert.equal(
        await runCli(
          ['explain', '--db', file, '--sql', ENTITIES_SQL, '--metrics-url', `http://127.0.0.1:${port}/metrics`],
          plain,
        ),
        0,
      );
      assert.match(
        plain.stdout,
        /^No per-statement timings at http:\/\/127\.0\.0\.1:\d+\/metrics: none of its histograms is labelled with the SQL/m,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('--statement-timeout: a runaway what-if is stopped at the deadline and reported; the command still finishes (exit 0)', async () => {
    const flask = await writeFlaskBlogDb(1500);
    try {
      const io = capture();
      assert.equal(
        await runCli(
          ['explain', '--db', flask.file, '--sql', RUNAWAY_SQL, '--what-if', '--statement-timeout', '1.5'],
          io,
        ),
        0,
        io.stderr,
      );
      assert.match(
        io.stdout,
        /note: Stopped after 1\.5 s: .*within the 1\.5 s budget per statement.*Raise the budget with --statement-timeout SECONDS/,
      );
      assert.doesNotMatch(io.stdout + io.stderr, /unexpected error/);
      const bad = capture();
      assert.equal(
        await runCli(['explain', '--db', flask.file, '--sql', 'SELECT 1', '--statement-timeout', 'soon'], bad),
        2,
      );
      assert.match(bad.stderr, /--statement-timeout must be a number of seconds above 0, not "soon"/);
    } finally {
      removeDir(flask.dir);
    }
  });

  describe('on the demo service', () => {
    let demo: DemoHandle | undefined;
    let demoDir: string | undefined;
    let dbPath: string;
    before(async () => {
      ({ dir: demoDir, dbPath } = demoDbCopy());
      demo = await startDemoService({ port: 0, dbPath });
      for (let ws = 1; ws <= 5; ws++)
        await httpRequest(`${demo.url}/api/graph/entities?workspace_id=${ws}&limit=10`, { timeoutMs: 10_000 });
    });
    after(async () => {
      await demo?.stop();
      removeDir(demoDir);
    });

    it('--workspace examples/demo-service --what-if --metrics-url: the seed query flagged at its line, proven, with the service’s timing', async () => {
      const io = capture();
      const code = await runCli(
        [
          'explain',
          '--db',
          dbPath,
          '--workspace',
          DEMO_SERVICE_DIR,
          '--what-if',
          '--metrics-url',
          `${demo!.url}/metrics`,
          '--fail-on',
          'full-scan',
          '--json',
        ],
        io,
      );
      assert.equal(code, 1, io.stderr);
      const out = JSON.parse(io.stdout) as JsonOut;
      assert.ok(out.metrics!.statements! >= 1);
      const st = out.statements.find((s) => s.sql === ENTITIES_SQL && s.location?.file === 'src/app.ts')!;
      assert.ok(st, out.statements.map((s) => s.sql).join('\n'));
      const source = fs.readFileSync(path.join(DEMO_SERVICE_DIR, 'src', 'app.ts'), 'utf8').split('\n');
      assert.ok(source[st.location!.line - 1]!.slice(st.location!.column - 1).startsWith(`'${ENTITIES_SQL}'`));
      const f = st.findings.find((x) => x.kind === 'full-scan')!;
      assert.match(f.createIndex!, /ON entities\(workspace_id, degree DESC\)$/);
      assert.match(f.whatIf!.planAfter[0]!.detail, /^SEARCH entities USING INDEX \w+ \(workspace_id=\?\)$/);
      assert.ok(f.runtime!.count >= 5 && f.runtime!.avgMs > 0);
      assert.ok(st.findings.some((x) => x.kind === 'temp-btree'));
      // The demo's own schema set-up is found too: it already exists in its database, so it is skipped, not an error.
      const schema = out.statements.find(
        (s) => s.location?.file === 'src/db.ts' && s.sql.startsWith('CREATE TABLE meta'),
      )!;
      assert.equal(schema.error, undefined);
      assert.match(schema.skipped!, /creates table meta, which the database already has/);
    });

    it('human output: one run of a statement is "1 run"', async () => {
      await httpRequest(`${demo!.url}/api/graph/centrality?workspace_id=7`, { timeoutMs: 10_000 });
      const io = capture();
      assert.equal(
        await runCli(
          ['explain', '--db', dbPath, '--workspace', DEMO_SERVICE_DIR, '--metrics-url', `${demo!.url}/metrics`],
          io,
        ),
        0,
        io.stderr,
      );
      assert.match(
        io.stdout,
        /SELECT id, degree FROM entities WHERE workspace_id = \?\n {2}plan:\n.*\n {2}in the service: 1 run, avg /,
      );
      // db.ts's schema set-up, health.ts's PostgreSQL cast, and pgSeed.ts's 6 (a PostgreSQL-driver file).
      assert.match(io.stdout, /, 8 skipped$/m);
      assert.equal(
        (io.stdout.match(/skipped: Not explained on SQLite: the file uses a PostgreSQL driver/g) ?? []).length,
        6,
      );
      assert.match(io.stdout, /^Read \d+ source files; found \d+ SQL statements\.$/m);
    });
  });
});
