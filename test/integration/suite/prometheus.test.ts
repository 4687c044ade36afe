/**
 * A Prometheus-server target in the real editor: the launcher runs a real prometheus scraping two
 * demo-service instances every second (test/integration/prometheusFleet.mjs). Attach through the
 * command, see both instances in the dashboard's table (webview DOM) and the Services view, read a
 * 24-hour range from the server, and get clear errors for a bad selector, an empty result and an
 * unreachable server.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { AttachPrometheusOutcome } from '../../../src/extension/commands/attachPrometheus';
import { COMMANDS } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';
import { observeDom } from './driver';
import { configure, perflens, startTraffic, waitFor } from './liveSupport';

const DASHBOARD = '[data-perflens-view="dashboard"]';

function fleet(): { url: string; job: string; instances: string[] } {
  const url = process.env.PERFLENS_IT_PROMETHEUS_URL;
  const job = process.env.PERFLENS_IT_PROMETHEUS_JOB;
  const instances = (process.env.PERFLENS_IT_PROMETHEUS_INSTANCES ?? '').split(',').filter(Boolean);
  assert.ok(
    url && job && instances.length === 2,
    'PERFLENS_IT_PROMETHEUS_* are not set: the launcher starts prometheus with two demo instances (see the launcher output for why it could not)',
  );
  return { url, job, instances };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function attach(arg: unknown): Promise<AttachPrometheusOutcome> {
  const outcome = await vscode.commands.executeCommand<AttachPrometheusOutcome | undefined>(
    COMMANDS.attachPrometheus,
    arg,
  );
  assert.ok(outcome, 'the command returned nothing');
  return outcome;
}

describe('Prometheus server targets', () => {
  let api: PerfLensApi;
  let server: ReturnType<typeof fleet>;
  let restore: () => Promise<void>;
  let traffic: { stop(): Promise<void> }[] = [];
  let id = '';
  const hosts = () => server.instances.map((u) => new URL(u).host);

  before(async () => {
    api = await perflens();
    server = fleet();
    restore = await configure({ collectionIntervalSeconds: 1 });
    traffic = server.instances.map((u) => startTraffic(u));
  });

  after(async () => {
    await Promise.all(traffic.map((t) => t.stop()));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (id) await vscode.commands.executeCommand(COMMANDS.detach, id);
    await restore();
  });

  it('attaches through the command and collects both instances into the live monitor', async () => {
    const outcome = await attach({ url: server.url, selector: `job="${server.job}"` });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual([...outcome.instances].sort(), [...hosts()].sort());
    id = outcome.target.input;
    assert.equal(outcome.target.spec.kind, 'prometheus');
    assert.equal(api.currentTarget()?.input, id);
    const state = await waitFor('a snapshot with both instances and a request rate', () => {
      const t = api.monitor.target(id);
      return t?.latest?.instances?.length === 2 && (t.latest.http?.requestRate ?? 0) > 0 ? t : undefined;
    });
    for (const i of state.latest!.instances!) assert.ok(i.up, `${i.instance} is down`);
    assert.ok(state.collecting);
    // Attaching again (e.g. with new credentials) restarts its session, which goes on collecting.
    const again = await attach({
      url: server.url,
      selector: `job="${server.job}"`,
      auth: { kind: 'bearer', token: 'integration-token' },
    });
    assert.ok(again.ok && again.target.input === id, JSON.stringify(again));
    const since = Date.now();
    await waitFor('a snapshot after attaching again', () =>
      (api.monitor.target(id)?.latest?.time ?? 0) > since && api.monitor.target(id)?.latest?.instances?.length === 2
        ? true
        : undefined,
    );
    assert.equal(api.monitor.targets().filter((t) => t.id === id).length, 1);
  });

  it("lists both instances in the dashboard's table and the Services view", async function () {
    assert.ok(id, 'attached by the previous test');
    await vscode.commands.executeCommand(COMMANDS.showDashboard, id, '15m');
    const [first, second] = hosts();
    // Rows are ordered by instance; wait until the table has the second one and a number in it.
    const seen = await observeDom({
      name: 'dashboard-prometheus-instances',
      scope: 'webview',
      selector: `${DASHBOARD}[data-source="prometheus"] #instances`,
      waitForText: second!,
    });
    assert.ok(seen.found, seen.error);
    for (const host of [first!, second!]) assert.ok(seen.text.includes(host), `${host} missing from: ${seen.text}`);
    assert.equal((seen.text.match(/\bup\b/g) ?? []).length, 2, seen.text);
    await vscode.commands.executeCommand('workbench.view.extension.perflens');
    // '2 of 2 up' is the instances node's; the Findings view below may name the instances sooner.
    const view = await observeDom({
      name: 'services-view-prometheus',
      scope: 'workbench',
      selector: '.part.sidebar',
      waitForText: '2 of 2 up',
    });
    assert.ok(view.text.includes('2 of 2 up'), `Services view reads: ${view.text}`);
    const services = view.text.slice(0, view.text.indexOf('Alerts'));
    for (const host of [first!, second!])
      assert.ok(services.includes(host), `${host} missing from the Services view: ${services}`);
  });

  it("lists the server's own alerts beside PerfLens's, as text", async function () {
    // The launcher's rule FleetInstanceUp fires for each instance that is up.
    await waitFor('the server alerts in a snapshot', () =>
      (api.monitor.target(id)?.latest?.serverAlerts?.length ?? 0) >= 2 ? true : undefined,
    );
    await vscode.commands.executeCommand(COMMANDS.showDashboard, id, '15m');
    const seen = await observeDom({
      name: 'dashboard-prometheus-server-alerts',
      scope: 'webview',
      selector: `${DASHBOARD} #server-alerts`,
      waitForText: 'FleetInstanceUp',
    });
    assert.ok(seen.found, seen.error);
    for (const host of hosts()) assert.ok(seen.text.includes(`instance=${host}`), `${host} missing: ${seen.text}`);
    assert.equal((seen.text.match(/FleetInstanceUp/g) ?? []).length, 2, seen.text);
    assert.equal((seen.text.match(/firing/gi) ?? []).length, 2, seen.text);
    assert.ok(seen.text.includes(`job=${server.job}`) && seen.text.includes('severity=info'), seen.text);
  });

  it('reads a 24-hour range from the server instead of the local store', async function () {
    await vscode.commands.executeCommand(COMMANDS.showDashboard, id, '24h');
    const seen = await observeDom({
      name: 'dashboard-prometheus-24h',
      scope: 'webview',
      selector: `${DASHBOARD}[data-range="24h"][data-resolution^="server"]`,
      waitForText: 'drawn in',
    });
    assert.ok(seen.found, seen.error);
    assert.match(seen.details?.resolution ?? '', /^server, 10 min steps$/);
    assert.ok(Number(seen.details?.chartPoints) > 0, JSON.stringify(seen.details));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("refuses a bad selector with the parser's message, in the notification too", async function () {
    await vscode.commands.executeCommand('notifications.clearAll');
    const outcome = await attach({ url: server.url, selector: 'job=demo' });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.error.kind === 'bad-selector', JSON.stringify(outcome));
    assert.equal(api.currentTarget()?.input, id, 'the bad target is not recorded');
    await vscode.commands.executeCommand('notifications.showList');
    const center = await observeDom({
      name: 'prometheus-bad-selector',
      scope: 'workbench',
      selector: '.notifications-center',
      waitForText: 'could not attach to the Prometheus server',
    });
    assert.ok(center.text.includes('could not attach to the Prometheus server'), center.text);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('says so when the selector matches nothing, and when the server is unreachable (in the dashboard too)', async function () {
    const empty = await attach({ url: server.url, selector: 'job="no-such-job"' });
    assert.ok(empty.ok && !empty.healthy, JSON.stringify(empty));
    assert.match(empty.summary, /No series on .* match \{job="no-such-job"\}/);
    const emptyState = await waitFor(
      'the empty target reporting why',
      () => api.monitor.target(empty.target.input)?.latest,
    );
    assert.ok(
      emptyState.errors.some((e) => e.kind === 'empty'),
      JSON.stringify(emptyState.errors),
    );
    const emptyHealth = api.monitor.target(empty.target.input)!.health;
    assert.equal(emptyHealth.level, 'unknown');
    assert.match(emptyHealth.reasons[0] ?? '', /^Prometheus server: No series/);
    await vscode.commands.executeCommand(COMMANDS.detach, empty.target.input);

    const down = await attach({ url: `http://127.0.0.1:${await closedPort()}`, selector: `job="${server.job}"` });
    assert.ok(down.ok && !down.healthy, JSON.stringify(down));
    assert.match(down.summary, /keeps trying/);
    const downState = await waitFor(
      'the unreachable target reporting why',
      () => api.monitor.target(down.target.input)?.latest,
    );
    assert.ok(
      downState.errors.some((e) => e.kind === 'unreachable'),
      JSON.stringify(downState.errors),
    );
    try {
      await vscode.commands.executeCommand(COMMANDS.showDashboard, down.target.input, '15m');
      const seen = await observeDom({
        name: 'dashboard-prometheus-unreachable',
        scope: 'webview',
        selector: `${DASHBOARD} #reasons`,
        waitForText: 'Prometheus server: Could not reach',
      });
      assert.ok(seen.text.includes('Prometheus server: Could not reach the Prometheus server'), seen.text);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand(COMMANDS.detach, down.target.input);
    }
  });
});
