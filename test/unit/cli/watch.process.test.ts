import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { Snapshot } from '../../../src/core/session/types';
import type { LocalServer } from '../core/collectors/localServer';
import { startLocalServer, text } from '../core/collectors/localServer';
import { capture } from './liveHelpers';

describe('cli: perflens watch', function () {
  this.timeout(20_000);
  let srv: LocalServer;
  let served = 0;
  beforeEach(async () => {
    served = 0;
    srv = await startLocalServer({
      '/health': text('{"status":"healthy","checks":{"db":{"status":"healthy"}}}', 'application/json'),
    });
    // Each scrape sees 10 more requests on /items, one of them a 500.
    srv.route('/metrics', (req, res) => {
      served += 10;
      text(
        [
          '# TYPE http_requests_total counter',
          `http_requests_total{method="GET",route="/items",status="200"} ${served * 0.9}`,
          `http_requests_total{method="GET",route="/items",status="500"} ${served * 0.1}`,
          '',
        ].join('\n'),
      )(req, res);
    });
  });
  afterEach(() => srv.close());

  it('prints one line per round when stdout is not a terminal, and stops after --duration', async () => {
    const io = capture();
    const code = await runCli(['watch', '--url', srv.url, '--interval', '300ms', '--duration', '3s'], io);
    assert.equal(code, 0, io.stderr);
    const lines = io.stdout.trim().split('\n');
    assert.ok(lines.length >= 2, io.stdout);
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d {2}health=healthy/);
    assert.match(lines[1]!, /health=healthy {2}rate=[\d.]+\/s {2}errors=10\.0%/);
    assert.ok(!io.stdout.includes('\x1b['), 'no terminal escapes in a pipe');
  });

  it('prints NDJSON snapshots with --json', async () => {
    const io = capture();
    assert.equal(await runCli(['watch', srv.url, '--interval', '250ms', '--duration', '3s', '--json'], io), 0);
    const snaps = io.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Snapshot);
    assert.ok(snaps.length >= 2);
    assert.equal(snaps[0]!.targetId, srv.url);
    assert.equal(snaps[1]!.http!.routes[0]!.route, '/items');
    assert.ok(Math.abs(snaps[1]!.http!.errorRate - 0.1) < 1e-9);
  });

  it('stops quietly (exit 0, no EPIPE trace) when its reader closes the pipe, as with | head -1 (real CLI process)', async () => {
    const root = path.resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        path.join(root, 'src/cli/main.ts'),
        'watch',
        '--url',
        srv.url,
        '--interval',
        '200ms',
        '--json',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Like head -1: read the first line, then close the read end.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.destroy();
      assert.equal(await exited, 0, stderr);
      assert.doesNotMatch(stderr, /EPIPE|Error/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('redraws a live table on a terminal', async () => {
    const io = { ...capture(), isTTY: true };
    const out: string[] = [];
    io.out = (t: string) => void out.push(t);
    assert.equal(await runCli(['watch', '--url', srv.url, '--interval', '250ms', '--duration', '3s'], io), 0);
    assert.ok(out.length >= 2);
    assert.ok(
      out.every((frame) => frame.startsWith('\x1b[H\x1b[2J')),
      'every frame clears the screen first',
    );
    const last = out[out.length - 1]!;
    assert.match(last, /PerfLens watching http:\/\/127\.0\.0\.1:\d+/);
    assert.match(last, /ROUTE +RATE +ERRORS +AVG +P50 +P95 +P99/);
    // Worded like perflens report: connections and memory spelled out.
    assert.match(
      last,
      /^Process pid \d+ {2}CPU [\d.]+% {2}RSS [\d.]+ MB( {2}heap [\d.]+ MB)?( {2}\d+ TCP connections)?$/m,
    );
    assert.match(last, /^System {2}CPU [\d.]+% {2}memory [\d.,]+ [KMGT]?B of [\d.,]+ [KMGT]?B$/m);
    assert.match(last, /GET \/items/);
  });

  it('exits 2 on bad usage', async () => {
    const io = capture();
    assert.equal(await runCli(['watch'], io), 2);
    assert.match(io.stderr, /watch needs --url/);
    assert.equal(await runCli(['watch', '--url', srv.url, '--interval', '10ms'], io), 2);
    assert.match(io.stderr, /at least 100ms/);
  });
});
