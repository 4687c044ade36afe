import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BenchmarkOutcome } from '../../../src/extension/commands/benchmarkEndpoint';
import { COMMANDS } from '../../../src/extension/constants';
import { observeDom } from './driver';
import type { InspectableDemo } from './profileSupport';
import { startInspectableDemo } from './profileSupport';

describe('Benchmark Endpoint', () => {
  let demo: InspectableDemo;

  before(async () => {
    demo = await startInspectableDemo();
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMANDS.clearProfile);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo?.stop();
  });

  it('reports latency percentiles and throughput beside the hot function of the same run', async function () {
    this.timeout(120_000);
    const url = `${demo.url}/api/graph/centrality?workspace_id=1&iterations=300`;
    const out = await vscode.commands.executeCommand<BenchmarkOutcome | undefined>(COMMANDS.benchmarkEndpoint, {
      url,
      connections: 4,
      durationSeconds: 3,
      profileTarget: `pid:${demo.pid}`,
    });
    assert.ok(out, 'the benchmark produced no outcome');
    const b = out.benchmark;
    assert.ok(b.requests > 0 && b.requestsPerSec > 0, JSON.stringify(b));
    assert.ok(
      b.latencyMs.p50 > 0 &&
        b.latencyMs.p50 <= b.latencyMs.p90 &&
        b.latencyMs.p90 <= b.latencyMs.p99 &&
        b.latencyMs.p99 <= b.latencyMs.max,
      JSON.stringify(b.latencyMs),
    );
    assert.equal(b.errors + b.non2xx + b.timeouts, 0, JSON.stringify(b));
    assert.equal(out.hot[0]?.name, 'computeCentrality', JSON.stringify(out.hot.slice(0, 3)));
    assert.match(out.hot[0]!.file, /examples\/demo-service\/src\/hot\.ts$/);
    console.log(
      `    benchmark: ${b.requests} requests, ${b.requestsPerSec.toFixed(1)} req/s, p50 ${b.latencyMs.p50} ms, p90 ${b.latencyMs.p90} ms, p99 ${b.latencyMs.p99} ms; hottest ${out.hot[0]!.name} ${(out.hot[0]!.selfShare * 100).toFixed(1)}% self`,
    );
    const view = await observeDom({
      name: 'benchmark-view',
      scope: 'webview',
      selector: '[data-perflens-view="profile"][data-state="profile"]',
      waitForText: 'p99',
    });
    assert.ok(view.found, view.error);
    assert.equal(view.details?.firstRow, 'computeCentrality');
    assert.ok(Number(view.details?.p99) > 0, JSON.stringify(view.details));
  });
});
