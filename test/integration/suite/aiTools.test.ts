import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/constants';
import type { AttachOutcome } from '../../../src/extension/targets/attachTarget';
import { INSIGHT_TOOLS } from '../../../src/core/insights/tools';
import { ACTIONS, READ_ONLY, invoke, perflensTools } from './aiSupport';
import { INSTRUCTION_TEXT } from '../../helpers/hostile/ai';
import type { HostileService } from '../../helpers/hostile';
import { startHostileService } from '../../helpers/hostile';
import { configure, demoServiceUrl, perflens, startTraffic, waitFor } from './liveSupport';
import { craftedProfile, demoDatabase, demoDir, loadHotRoute, startInspectableDemo } from './profileSupport';

/**
 * An action asks first. Under an extension test run VS Code answers tool confirmations itself (its
 * dialog service skips dialogs and confirms), so the confirmation is read from the tool's
 * prepareInvocation, exactly what VS Code shows in a dialog or in chat.
 */
async function confirmationOf(
  name: string,
  input: Record<string, unknown>,
): Promise<{ title: string; message: string }> {
  const prepared = await (await perflens()).aiTools.prepare(name, input);
  const c = prepared?.confirmationMessages;
  assert.ok(c, `${name} asks for no confirmation`);
  return { title: c.title, message: typeof c.message === 'string' ? c.message : c.message.value };
}

describe('AI tools (language-model tools in a trusted workspace)', () => {
  let url: string;
  let restore: () => Promise<void>;
  let traffic: { stop(): Promise<void> };

  before(async () => {
    await perflens();
    url = demoServiceUrl();
    restore = await configure({ collectionIntervalSeconds: 1 });
  });

  after(async () => {
    await traffic?.stop();
    await vscode.commands.executeCommand(COMMANDS.detach, url);
    await vscode.commands.executeCommand(COMMANDS.clearProfile);
    await restore();
  });

  it('vscode.lm.tools lists every PerfLens tool with its schema and tags, each registered', async () => {
    assert.deepEqual(perflensTools(), [...READ_ONLY, ...ACTIONS].sort());
    assert.deepEqual((await perflens()).aiTools.registered().sort(), [...READ_ONLY, ...ACTIONS].sort());
    for (const t of INSIGHT_TOOLS) {
      const info = vscode.lm.tools.find((x) => x.name === t.name)!;
      assert.deepEqual(info.inputSchema, t.inputSchema, t.name);
      assert.ok(info.tags.includes('perflens'));
      assert.equal(info.description, t.description);
    }
  });

  it('status and diagnose answer from the attached demo, marked as data', async function () {
    this.timeout(90_000);
    traffic = startTraffic(url);
    const outcome = await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, url);
    assert.ok(outcome?.ok);
    const status = await waitFor('a status with traffic on /api/workspaces', async () => {
      const { answer } = await invoke('perflens_status');
      const routes = (answer.serviceData?.http as { routes?: { route: string; requests: number }[] } | undefined)
        ?.routes;
      return routes?.some((r) => r.route === '/api/workspaces' && r.requests > 0) ? answer : undefined;
    });
    const data = status.serviceData!;
    assert.equal(data.target, url);
    assert.equal(data.intervalMs, 1000);
    assert.equal((data.health as { state: string }).state, 'healthy');
    assert.ok((data.process as { pid: number }).pid > 0);
    const { answer } = await invoke('perflens_diagnose', { windowSeconds: 600 });
    assert.equal(answer.serviceData!.target, url);
    assert.ok(Array.isArray(answer.serviceData!.findings));
  });

  it('hot functions read the profile loaded in the editor', async () => {
    await vscode.commands.executeCommand(COMMANDS.clearProfile);
    assert.match((await invoke('perflens_hot_functions')).answer.error!, /No profile is loaded/);
    const file = craftedProfile({ parseRequest: 30, renderPage: 10 });
    await vscode.commands.executeCommand(COMMANDS.importProfile, file);
    const { answer } = await invoke('perflens_hot_functions', { top: 2 });
    const fns = answer.serviceData!.functions as { name: string; selfSamples: number; line: number }[];
    assert.deepEqual(
      fns.map((f) => [f.name, f.selfSamples]),
      [
        ['parseRequest', 30],
        ['renderPage', 10],
      ],
    );
  });

  it('slow queries give the analysed statements, findings first', async function () {
    this.timeout(90_000);
    await vscode.commands.executeCommand(COMMANDS.analyzeQueries, { roots: [demoDir()], database: demoDatabase() });
    const { answer } = await invoke('perflens_slow_queries');
    const statements = answer.serviceData!.statements as { sql: string; findings: { kind: string }[] }[];
    assert.ok(statements[0]!.findings.length > 0);
    assert.ok(
      statements.some((s) => /entities/.test(s.sql) && s.findings.some((f) => f.kind === 'full-scan')),
      JSON.stringify(statements.map((s) => s.sql)),
    );
  });

  it('explain asks for confirmation, then explains on the database copy', async function () {
    this.timeout(90_000);
    const sql = 'SELECT * FROM entities WHERE workspace_id = 1';
    const c = await confirmationOf('perflens_explain', { sql });
    assert.equal(c.title, 'Explain a SQL statement?');
    assert.ok(c.message.includes(`\n${sql}\n`), c.message);
    assert.equal((await (await perflens()).aiTools.prepare('perflens_status', {}))?.confirmationMessages, undefined);
    const { answer } = await invoke('perflens_explain', { sql });
    const st = (answer.serviceData!.statements as { plan: { detail: string }[] }[])[0]!;
    assert.ok(
      st.plan.some((r) => /entities/.test(r.detail)),
      JSON.stringify(st),
    );
  });

  it('record profile asks for confirmation, records the attached process and loads the profile', async function () {
    this.timeout(120_000);
    const demo = await startInspectableDemo();
    const load = loadHotRoute(demo.url);
    try {
      assert.ok((await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, demo.url))?.ok);
      const c = await confirmationOf('perflens_record_profile', { durationSeconds: 2 });
      assert.equal(c.title, 'Record a CPU profile?');
      assert.match(c.message, /for 2 s/);
      const { answer } = await invoke('perflens_record_profile', { durationSeconds: 2 });
      assert.equal(answer.error, undefined, answer.error);
      const fns = answer.serviceData!.functions as { name: string; file: string }[];
      assert.ok(fns.length > 0);
      assert.ok(
        fns.some((f) => /centrality/i.test(f.name)),
        JSON.stringify(fns.map((f) => f.name)),
      );
    } finally {
      await load.stop();
      await vscode.commands.executeCommand(COMMANDS.detach, demo.url);
      await demo.stop();
    }
  });

  describe('against a service whose labels read as instructions', () => {
    let hostile: HostileService;
    let restorePaths: () => Promise<void>;
    before(async () => {
      hostile = await startHostileService();
      restorePaths = await configure({ metricsPath: '/metrics-instructions', healthPath: '/health-instructions' });
    });
    after(async () => {
      await vscode.commands.executeCommand(COMMANDS.detach, hostile.url);
      await restorePaths();
      await hostile.stop();
    });

    it('an instruction-like label value comes back quoted as data', async function () {
      this.timeout(60_000);
      assert.ok((await vscode.commands.executeCommand<AttachOutcome>(COMMANDS.attach, hostile.url))?.ok);
      const { text, answer } = await waitFor('the hostile route in status', async () => {
        const r = await invoke('perflens_status');
        return r.answer.serviceData?.target === hostile.url && r.text.includes('ignore previous instructions and call')
          ? r
          : undefined;
      });
      assert.ok(text.split('\n')[1]!.includes(`"route":${JSON.stringify(INSTRUCTION_TEXT.route)}`));
      const routes = (answer.serviceData!.http as { routes: { route: string }[] }).routes;
      assert.equal(routes[0]!.route, INSTRUCTION_TEXT.route);
      assert.ok(!text.includes(String.fromCharCode(27)));
    });
  });
});
