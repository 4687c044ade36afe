import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import type { ProbeResult } from '../../../src/core/collectors/probe';
import { baseUrlOf, probeTarget } from '../../../src/core/collectors/probe';
import type { DemoHandle } from '../../helpers/demoService';
import { startDemoService } from '../../helpers/demoService';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t + '\n'),
    err: (t: string) => void (io.stderr += t + '\n'),
    isTTY: false,
    env: {},
    cwd: process.cwd(),
  };
  return io;
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await runCli(['probe', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: net.Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

describe('perflens probe', function () {
  let demo: DemoHandle;
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];

  before(async () => {
    demo = await startDemoService();
  });
  after(async () => {
    await demo?.stop();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const s of servers.splice(0)) {
      (s as http.Server).closeAllConnections?.();
      await close(s);
    }
  });

  it('reports both endpoints of the demo service with status, content type and latency', async () => {
    const r = await probeTarget(demo.url);
    assert.equal(r.baseUrl, demo.url);
    assert.equal(r.metrics.url, `${demo.url}/metrics`);
    assert.equal(r.metrics.reachable, true);
    assert.equal(r.metrics.status, 200);
    assert.match(r.metrics.contentType!, /^text\/plain; version=0\.0\.4/);
    assert.equal(typeof r.metrics.latencyMs, 'number');
    assert.equal(r.health.status, 200);
    assert.match(r.health.contentType!, /^application\/json/);
    assert.equal(r.metrics.error, undefined);
  });

  it('prints the documented JSON and exits 0 when both answer 2xx; accepts the scrape URL as the target', async () => {
    const { code, stdout } = await cli('--url', `${demo.url}/metrics`, '--json');
    assert.equal(code, 0);
    const r = JSON.parse(stdout) as ProbeResult;
    assert.deepEqual(Object.keys(r), ['baseUrl', 'metrics', 'health']);
    assert.equal(r.baseUrl, demo.url);
    assert.deepEqual(Object.keys(r.metrics).sort(), ['contentType', 'latencyMs', 'path', 'reachable', 'status', 'url']);
    assert.deepEqual(Object.keys(r.health).sort(), [
      'contentType',
      'latencyMs',
      'path',
      'reachable',
      'status',
      'url',
      'verdict',
    ]);
    assert.equal(r.health.verdict, 'healthy');
    assert.deepEqual([r.metrics.path, r.health.path], ['/metrics', '/health']);
  });

  it('prints a table for people', async () => {
    const { code, stdout } = await cli('--url', `localhost:${demo.port}`);
    assert.equal(code, 0);
    assert.match(stdout, /^Target http:\/\/localhost:\d+$/m);
    assert.match(stdout, /^\/metrics\s+ok\s+200\s+text\/plain; version=0\.0\.4; charset=utf-8\s+[\d.]+ m?s$/m);
    assert.match(stdout, /^\/health\s+ok\s+200\s+application\/json; charset=utf-8\s+[\d.]+ m?s$/m);
    assert.match(stdout, /Both \/metrics and \/health answer\./);
  });

  it('exits 1 and says why when no health path is served', async () => {
    const s = http.createServer((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('up 1\n');
      else res.writeHead(404).end();
    });
    servers.push(s);
    const port = await listen(s);
    const { code, stdout } = await cli('--url', String(port), '--health-path', 'healthz');
    assert.equal(code, 1);
    assert.match(stdout, /^\/healthz\s+error\s+404/m);
    assert.match(
      stdout,
      /\/healthz: HTTP 404: nothing is served at \/healthz, \/status, \/-\/healthy, \/actuator\/health/,
    );
  });

  it('exits 1 when the metrics path answers 2xx with something that is not metrics (JSON, HTML)', async () => {
    const { code, stdout } = await cli('--url', demo.url, '--metrics-path', '/api/workspaces');
    assert.equal(code, 1, stdout);
    assert.match(stdout, /^\/api\/workspaces\s+error\s+200\s+application\/json/m);
    assert.match(
      stdout,
      /\/api\/workspaces answered JSON, not Prometheus metrics\. Give the path of the service's scrape endpoint/,
    );
    const s = http.createServer((_req, res) => res.end('<!DOCTYPE html><title>Sign in</title>'));
    servers.push(s);
    const port = await listen(s);
    const html = await probeTarget(`http://127.0.0.1:${port}`);
    assert.match(html.metrics.error!, /^\/metrics answered an HTML page, not Prometheus metrics/);
  });

  it('reports a closed port as unreachable (connection refused)', async () => {
    const s = net.createServer();
    const port = await listen(s);
    await close(s);
    const { code, stdout } = await cli('--url', `http://127.0.0.1:${port}`, '--json');
    assert.equal(code, 1);
    const r = JSON.parse(stdout) as ProbeResult;
    assert.deepEqual([r.metrics.reachable, r.health.reachable], [false, false]);
    assert.match(r.metrics.error!, /connection refused/);
    assert.equal(r.metrics.status, undefined);
  });

  it('gives up on a server that never answers after --timeout', async () => {
    const s = net.createServer((socket) => sockets.push(socket)); // accepts, never replies
    servers.push(s);
    const port = await listen(s);
    const { code, stdout } = await cli('--url', `http://127.0.0.1:${port}`, '--timeout', '300ms', '--json');
    assert.equal(code, 1);
    const r = JSON.parse(stdout) as ProbeResult;
    assert.equal(r.health.reachable, false);
    assert.match(r.health.error!, /did not answer within 300 ms/);
  });

  it('treats an unhealthy 503 as a finding while /metrics still counts as reachable', async () => {
    const s = http.createServer((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('up 1\n');
      else res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unhealthy"}');
    });
    servers.push(s);
    const port = await listen(s);
    const r = await probeTarget(`http://127.0.0.1:${port}`, { timeoutMs: 5000 });
    assert.equal(r.metrics.error, undefined);
    assert.deepEqual([r.health.reachable, r.health.status], [true, 503]);
    assert.match(r.health.error!, /unhealthy/);
    assert.equal((await cli('--url', String(port))).code, 1);
  });

  it('refuses bad usage with exit 2', async () => {
    const remote = await cli('--url', 'http://example.com:9100');
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /not on this machine/);
    assert.equal((await cli()).code, 2);
    assert.equal((await cli('--url', demo.url, '--timeout', 'soon')).code, 2);
    assert.equal((await cli('--url', 'pid:123')).code, 2);
    assert.equal((await cli('--url', demo.url, '--metrics-path', 'http://x/metrics')).code, 2);
    assert.equal((await cli('--url', demo.url, '--bogus')).code, 2);
  });

  it('derives the base URL from a scrape URL only when it ends in the metrics path', () => {
    assert.equal(baseUrlOf('http://localhost:3000/metrics'), 'http://localhost:3000');
    assert.equal(baseUrlOf('http://localhost:3000/app/metrics/'), 'http://localhost:3000/app');
    assert.equal(baseUrlOf('http://localhost:3000/app'), 'http://localhost:3000/app');
    assert.equal(baseUrlOf('http://localhost:3000/prom', '/prom'), 'http://localhost:3000');
  });
});
