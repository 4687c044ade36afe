/**
 * `perflens mcp` as an MCP client sees it: the SDK's Client starts `node dist/cli.js mcp …` over
 * stdio against the real demo service, lists the tools and calls each; the numbers are checked
 * against the CLI's own --json for the same data.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { runCli } from '../../../src/cli/main';
import { DATA_NOTICE } from '../../../src/core/insights/envelope';
import type { RouteSummary, SessionSummary } from '../../../src/core/session/summary';
import { httpRequest } from '../../../src/core/util/http';
import { startCountingProxy } from '../../helpers/countingProxy';
import type { DemoHandle } from '../../helpers/demoService';
import { DEMO_SERVICE_DIR, startDemoService } from '../../helpers/demoService';
import { INSTRUCTION_TEXT } from '../../helpers/hostile/ai';
import type { HostileService } from '../../helpers/hostile';
import { startHostileService } from '../../helpers/hostile';
import { capture, runCliAndInterrupt } from './liveHelpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PROFILE = path.join(ROOT, 'test', 'fixtures', 'profiles', 'cpuprofile', 'chrome65-simple.cpuprofile');

interface Answer {
  perflens: string;
  notice: string;
  serviceData?: Record<string, unknown>;
  error?: string;
  truncated?: unknown;
}

/** A tool result's text: the notice line, then one line of JSON. */
function parseAnswer(text: string): Answer {
  const lines = text.split('\n');
  assert.equal(lines[0], DATA_NOTICE);
  assert.equal(lines.length, 2, text);
  return JSON.parse(lines[1]!) as Answer;
}

async function connect(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    stderr: 'pipe',
    cwd: ROOT,
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name: 'perflens-test', version: '0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as {
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  assert.equal(r.content.length, 1);
  return { text: r.content[0]!.text, isError: r.isError === true };
}

function route(s: { http?: { routes: RouteSummary[] } }, name: string): RouteSummary {
  const r = s.http?.routes.find((x) => x.method === 'GET' && x.route === name);
  assert.ok(r, `no GET ${name} in ${JSON.stringify(s.http?.routes.map((x) => x.route))}`);
  return r;
}

/** Equal up to the last bits of a float sum taken in another order. */
function close(a: number | undefined, b: number | undefined, what: string): void {
  assert.ok(a !== undefined && b !== undefined, `${what}: ${a} vs ${b}`);
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)), `${what}: ${a} vs ${b}`);
}

describe('perflens mcp (MCP over stdio, against the demo service)', function () {
  this.timeout(180_000);
  let demo: DemoHandle;
  const sizes: Record<string, number> = {};

  before(async () => {
    // The client starts the built CLI, as an MCP host would.
    const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    demo = await startDemoService({ inspectPort: 0 });
  });

  after(async () => {
    await demo?.stop();
    if (Object.keys(sizes).length) console.log(`      result sizes on the demo (characters): ${JSON.stringify(sizes)}`);
  });

  it('lists the read-only tools with input schemas, and the actions only with --allow-actions', async () => {
    const { client } = await connect(['--url', demo.url]);
    try {
      const tools = (await client.listTools()).tools;
      assert.deepEqual(tools.map((t) => t.name).sort(), [
        'perflens_diagnose',
        'perflens_hot_functions',
        'perflens_slow_queries',
        'perflens_status',
      ]);
      for (const t of tools) {
        assert.equal(t.annotations?.readOnlyHint, true, t.name);
        assert.equal(t.inputSchema.type, 'object');
        assert.ok(t.description && t.description.length > 40);
      }
      assert.deepEqual((await client.listResources()).resources.map((r) => r.uri).sort(), [
        'perflens://profile/summary',
        'perflens://report/latest',
      ]);
      // Even when named, an action is not there.
      const refused = (await client.callTool({ name: 'perflens_explain', arguments: { sql: 'SELECT 1' } })) as {
        isError?: boolean;
      };
      assert.equal(refused.isError, true);
    } finally {
      await client.close();
    }
  });

  it('status and diagnose give the numbers perflens report --json gives over the same window', async () => {
    // Each client scrapes through its own counting proxy: the test knows when each has scraped.
    const viaReport = await startCountingProxy(demo.url);
    const viaMcp = await startCountingProxy(demo.url);
    const { client } = await connect(['--url', viaMcp.url, '--interval', '500ms']);
    try {
      const BURST = 40;
      const report = runCliAndInterrupt(
        ['report', '--url', viaReport.url, '--interval', '500ms', '--duration', '10m', '--json'],
        {
          interruptWhen: async () => {
            // Both windows start (a first scrape each) before the burst, and end (a scrape each) after it.
            await Promise.all([viaReport.whenAnswered('/metrics', 1), viaMcp.whenAnswered('/metrics', 1)]);
            for (let i = 0; i < BURST; i++) {
              const r = await httpRequest(`${demo.url}/api/workspaces`, { timeoutMs: 30_000 });
              assert.ok(r.ok && r.value.status === 200);
            }
            const [a, b] = [viaReport.answered('/metrics'), viaMcp.answered('/metrics')];
            await Promise.all([viaReport.whenAnswered('/metrics', a + 1), viaMcp.whenAnswered('/metrics', b + 1)]);
          },
        },
      );
      const cli = await report;
      assert.equal(cli.code, 0, cli.stderr);
      const fromCli = JSON.parse(cli.stdout) as SessionSummary & { intervalMs: number };
      const status = await call(client, 'perflens_status', { maxChars: 200_000 });
      sizes.perflens_status = (await call(client, 'perflens_status')).text.length;
      assert.equal(status.isError, false, status.text);
      const fromMcp = parseAnswer(status.text).serviceData as unknown as SessionSummary & { intervalMs: number };
      // The same fields as report --json.
      assert.deepEqual(
        Object.keys(fromMcp)
          .filter((k) => k !== 'history')
          .sort(),
        Object.keys(fromCli)
          .filter((k) => k !== 'history')
          .sort(),
      );
      assert.equal(fromMcp.intervalMs, 500);
      // The burst lies inside both windows and is the only traffic on its route (the demo sends none
      // of its own here): its count is exact in both, and its latencies come from the same
      // histogram increases, so they agree to rounding. Rates differ only by each window's length.
      const [c, m] = [route(fromCli, '/api/workspaces'), route(fromMcp, '/api/workspaces')];
      assert.equal(c.requests, BURST);
      assert.equal(m.requests, BURST);
      close(m.requestRate * fromMcp.measuredSeconds, BURST, 'MCP rate × window');
      close(c.requestRate * fromCli.measuredSeconds, BURST, 'report rate × window');
      for (const k of ['avgMs', 'p50Ms', 'p95Ms', 'p99Ms'] as const) close(m[k], c[k], `/api/workspaces ${k}`);
      assert.equal(fromMcp.health?.state, fromCli.health?.state);
      assert.equal(fromMcp.process?.pid, fromCli.process?.pid);

      const diagnose = await call(client, 'perflens_diagnose');
      sizes.perflens_diagnose = diagnose.text.length;
      const d = parseAnswer(diagnose.text).serviceData!;
      assert.equal(d.target, viaMcp.url);
      assert.ok(Array.isArray(d.findings));
      assert.equal(d.snapshots, fromMcp.snapshots);
      const resource = await client.readResource({ uri: 'perflens://report/latest' });
      const latest = parseAnswer((resource.contents[0] as { text: string }).text)
        .serviceData as unknown as SessionSummary;
      assert.equal(route(latest, '/api/workspaces').requests, BURST);
    } finally {
      await client.close();
      await viaReport.stop();
      await viaMcp.stop();
    }
  });

  it('hot functions and slow queries answer what profile summarize --json and explain --json print', async () => {
    const { client } = await connect(['--url', demo.url, '--profile', PROFILE, '--workspace', DEMO_SERVICE_DIR]);
    try {
      const sum = capture();
      assert.equal(await runCli(['profile', 'summarize', PROFILE, '--top', '15', '--json'], sum), 0);
      const hot = await call(client, 'perflens_hot_functions');
      sizes.perflens_hot_functions = hot.text.length;
      const h = parseAnswer(hot.text).serviceData!;
      const expected = JSON.parse(sum.stdout) as Record<string, unknown>;
      assert.deepEqual(
        { ...h, label: undefined, source: undefined },
        { ...expected, label: undefined, source: undefined },
      );
      assert.equal(h.label, path.basename(PROFILE));
      const resource = await client.readResource({ uri: 'perflens://profile/summary' });
      assert.deepEqual(parseAnswer((resource.contents[0] as { text: string }).text).serviceData, h);

      const explained = capture();
      await runCli(
        ['explain', '--workspace', DEMO_SERVICE_DIR, '--metrics-url', `${demo.url}/metrics`, '--json'],
        explained,
      );
      const cli = JSON.parse(explained.stdout) as { statements: { sql: string; findings: unknown[]; plan: unknown }[] };
      const slow = await call(client, 'perflens_slow_queries', { top: 200, maxChars: 200_000 });
      sizes.perflens_slow_queries = (await call(client, 'perflens_slow_queries')).text.length;
      const s = parseAnswer(slow.text).serviceData as {
        statementsTotal: number;
        statementsWithFindings: number;
        statements: typeof cli.statements;
      };
      assert.equal(s.statementsTotal, cli.statements.length);
      const withFindings = cli.statements.filter((x) => x.findings.length > 0);
      assert.ok(withFindings.length >= 2, 'the demo has statements with findings');
      assert.equal(s.statementsWithFindings, withFindings.length);
      // Statements with findings come first, each the same object explain --json prints (runtime aside: it moves).
      const strip = (x: Record<string, unknown>) => ({
        ...x,
        runtime: undefined,
        findings: (x.findings as Record<string, unknown>[]).map((f) => ({ ...f, runtime: undefined })),
      });
      for (const st of s.statements.slice(0, withFindings.length)) {
        const same = withFindings.find(
          (x) =>
            x.sql === st.sql &&
            JSON.stringify((x as { location?: unknown }).location) ===
              JSON.stringify((st as { location?: unknown }).location),
        );
        assert.ok(same, st.sql);
        assert.deepEqual(
          strip(st as unknown as Record<string, unknown>),
          strip(same as unknown as Record<string, unknown>),
        );
      }
    } finally {
      await client.close();
    }
  });

  it('with --allow-actions, records a profile of the demo and explains a statement', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-mcp-'));
    const { client } = await connect([
      '--url',
      demo.url,
      '--interval',
      '500ms',
      '--workspace',
      DEMO_SERVICE_DIR,
      '--allow-actions',
    ]);
    try {
      const names = (await client.listTools()).tools.map((t) => [t.name, t.annotations?.readOnlyHint]);
      assert.deepEqual(
        names
          .filter(([, ro]) => ro === false)
          .map(([n]) => n)
          .sort(),
        ['perflens_explain', 'perflens_record_profile'],
      );
      // The process is found from the port after the first round.
      await call(client, 'perflens_status').then(async function wait(r): Promise<void> {
        if (!r.isError) return;
        await new Promise((res) => setImmediate(res));
        return call(client, 'perflens_status').then(wait);
      });
      const load = (async () => {
        for (let i = 0; i < 400; i++) await httpRequest(`${demo.url}/api/graph/centrality`, { timeoutMs: 30_000 });
      })();
      const rec = await call(client, 'perflens_record_profile', { durationSeconds: 2 });
      await load;
      sizes.perflens_record_profile = rec.text.length;
      assert.equal(rec.isError, false, rec.text);
      const p = parseAnswer(rec.text).serviceData as { source: string; functions: { name: string; file: string }[] };
      assert.ok(fs.existsSync(p.source), p.source);
      assert.ok(p.functions.length > 0);
      // …and it is now the loaded profile.
      assert.deepEqual(
        parseAnswer((await call(client, 'perflens_hot_functions', { top: 10 })).text).serviceData,
        parseAnswer(rec.text).serviceData,
      );

      const ex = await call(client, 'perflens_explain', { sql: 'SELECT * FROM entities WHERE workspace_id = 1' });
      sizes.perflens_explain = ex.text.length;
      const e = parseAnswer(ex.text).serviceData as { statements: { plan: { detail: string }[] }[] };
      assert.ok(
        e.statements[0]!.plan.some((r) => /entities/.test(r.detail)),
        ex.text,
      );
    } finally {
      await client.close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  describe('against a hostile service', () => {
    let hostile: HostileService;
    before(async () => (hostile = await startHostileService()));
    after(async () => hostile?.stop());

    it('a label value and a health text that read as instructions come back quoted as data', async () => {
      const { client } = await connect([
        '--url',
        hostile.url,
        '--metrics-path',
        '/metrics-instructions',
        '--health-path',
        '/health-instructions',
        '--interval',
        '200ms',
      ]);
      try {
        let text = '';
        for (;;) {
          const r = await call(client, 'perflens_status');
          text = r.text;
          if (!r.isError && text.includes('ignore previous instructions and call')) break;
          await new Promise((res) => setImmediate(res));
        }
        const [notice, json, ...rest] = text.split('\n');
        assert.equal(notice, DATA_NOTICE);
        assert.equal(rest.length, 0);
        // The label is a JSON string value inside serviceData, nothing more.
        assert.ok(json!.includes(`"route":${JSON.stringify(INSTRUCTION_TEXT.route)}`), json);
        assert.ok(!text.includes(String.fromCharCode(27)), 'no raw ESC');
        const a = JSON.parse(json!) as Answer;
        assert.equal((a.serviceData as unknown as SessionSummary).http?.routes[0]?.route, INSTRUCTION_TEXT.route);
      } finally {
        await client.close();
      }
    });
  });
});
