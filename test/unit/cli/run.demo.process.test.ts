/**
 * `perflens run` on the demo service, the zero-code path end to end: the real CLI bundle starts the
 * demo with the bundled OpenTelemetry bootstrap preloaded, the test sends it load, closes its stdin
 * (the demo then exits, flushing its spans), and the report must show the N+1 on its route.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { httpRequest } from '../../../src/core/util/http';
import { DEMO_SERVER_JS, buildDemoService } from '../../helpers/demoService';
import { stopChild } from '../../helpers/childProcess';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const LIMIT = 7;
const REQUESTS = 24;
const CLIENTS = 3;

describe('perflens run (demo service, zero-code tracing)', function () {
  this.timeout(240_000);

  before(async () => {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    await buildDemoService();
  });

  it('reports the N+1 of the top-entities route with its count per request and the DB share of its time', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(
      process.execPath,
      [
        CLI,
        'run',
        '--json',
        '--port',
        '0',
        '--',
        process.execPath,
        DEMO_SERVER_JS,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--exit-on-stdin-close',
        '--traffic=false',
      ],
      { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) =>
          reject(new Error(`perflens run exited (${code}) before the demo listened:\n${stderr}`)),
        );
      });
      let sent = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let i = c; i < REQUESTS; i += CLIENTS) {
            const r = await httpRequest(
              `http://127.0.0.1:${port}/api/graph/top-entities?workspace_id=${1 + (i % 5)}&limit=${LIMIT}`,
              { timeoutMs: 60_000 },
            );
            assert.ok(r.ok && r.value.status === 200, 'the demo answered');
            sent++;
            await httpRequest(`http://127.0.0.1:${port}/api/workspaces`, { timeoutMs: 60_000 });
          }
        }),
      );
      child.stdin.end();
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1, `a finding gives exit 1:\n${stderr}`);
      const report = JSON.parse(stdout) as {
        command: { exitCode: number };
        routes: { route: string; count: number; breakdown: { codeMs: number; dbMs: number; httpMs: number } }[];
        findings: {
          kind: string;
          route?: string;
          count?: number;
          traceId: string;
          statement?: string;
          location?: { file: string; line: number };
        }[];
      };
      assert.equal(report.command.exitCode, 0);
      const route = report.routes.find((r) => r.route === 'GET /api/graph/top-entities');
      assert.ok(route, `the route is reported: ${JSON.stringify(report.routes)}`);
      assert.equal(route.count, sent);
      const { codeMs, dbMs, httpMs } = route.breakdown;
      assert.ok(dbMs > 0 && dbMs / (codeMs + dbMs) > 0.25, `DB share of ${JSON.stringify(route.breakdown)}`);
      assert.equal(httpMs, 0);
      const n1 = report.findings.filter((f) => f.kind === 'n-plus-one');
      assert.equal(n1.length, 1, JSON.stringify(report.findings));
      assert.equal(n1[0]!.route, 'GET /api/graph/top-entities');
      assert.equal(n1[0]!.count, LIMIT);
      assert.match(n1[0]!.statement!, /FROM entities WHERE id = \?/);
      assert.match(n1[0]!.traceId, /^[0-9a-f]{32}$/);
      assert.equal(n1[0]!.location?.file, path.join('examples', 'demo-service', 'src', 'app.ts'));
      assert.ok(!report.routes.some((r) => r.route === 'GET /api/workspaces' && r.count !== sent));
      // The bootstrap also exports the HTTP server duration histogram, read like a scrape of it.
      const metrics = (report as { metrics?: { target: string; presets?: Record<string, string> }[] }).metrics;
      assert.ok(metrics?.length, `metrics received over OTLP: ${stderr}`);
      assert.equal(metrics[0]!.target, 'otlp:node');
      assert.match(metrics[0]!.presets?.httpDuration ?? '', /^http_server(_request)?_duration/);
    } finally {
      await stopChild(child);
    }
  });
});
