import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { runCli } from '../../../src/cli/main';
import type { HostileService } from '../../helpers/hostile';
import { startHostileService } from '../../helpers/hostile';
import { capture } from './liveHelpers';

/** A counter that grows every scrape, so request rates exist and a budget on rps can pass. */
function metricsRoute(): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  let n = 0;
  return (_req, res) => {
    n += 10;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE http_requests_total counter\nhttp_requests_total{method="GET",route="/",status="200"} ${n}\n`);
  };
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('cli: health verdicts through report, probe and check (hostile health endpoints)', function () {
  this.timeout(60_000);
  let svc: HostileService;
  let prom: HostileService;
  before(async () => {
    svc = await startHostileService({ '/metrics': metricsRoute() });
    // Prometheus's own layout: its web UI on /status, its health sentence on /-/healthy.
    prom = await startHostileService({
      '/metrics': metricsRoute(),
      '/status': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            '<!doctype html><html><head><title>Prometheus Time Series Collection and Processing Server</title></head><body></body></html>',
          ),
      '/-/healthy': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Prometheus Server is Healthy.\n'),
    });
  });
  after(async () => {
    await svc?.stop();
    await prom?.stop();
  });

  const live = (cmd: string, healthPath: string, ...rest: string[]) => [
    cmd,
    '--url',
    svc.url,
    '--health-path',
    healthPath,
    '--duration',
    '1s',
    '--interval',
    '250ms',
    '--timeout',
    '10s',
    ...rest,
  ];

  it('report: an HTML login page is "reachable, no health verdict", never healthy', async () => {
    const r = await cli(live('report', '/health-html-login'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Health {3}reachable, no health verdict: The health endpoint answered an HTML page \("Sign in · Acme Admin"\), not a health verdict\./m,
    );
    assert.doesNotMatch(r.stdout, /^Health {3}healthy/m);
    const json = JSON.parse((await cli(live('report', '/health-node-exporter-landing', '--json'))).stdout) as {
      health: { state: string };
    };
    assert.equal(json.health.state, 'no-verdict');
  });

  it('report: a redirect says where it points; failure words in a 200 are down', async () => {
    const redirect = await cli(live('report', '/health-302'));
    assert.match(
      redirect.stdout,
      /^Health {3}reachable, no health verdict: The health endpoint redirects \(HTTP 302\) to \/login\?next=%2Fhealth/m,
    );
    assert.ok(!svc.requests.some((p) => p.startsWith('/login')));
    const text = await cli(live('report', '/health-unavailable-text'));
    assert.match(text.stdout, /^Health {3}down: Service Unavailable - database connection failed/m);
    const json = await cli(live('report', '/health-json-down'));
    assert.match(json.stdout, /^Health {3}down: .*db: down/m);
  });

  it('probe: no verdict and unhealthy answers exit 1 and say why; Prometheus is found on /-/healthy and exits 0', async () => {
    const landing = await cli([
      'probe',
      '--url',
      svc.url,
      '--health-path',
      '/health-node-exporter-landing',
      '--timeout',
      '10s',
    ]);
    assert.equal(landing.code, 1, landing.stdout);
    assert.match(landing.stdout, /^\/health-node-exporter-landing\s+no verdict\s+200\s+text\/html/m);
    assert.match(
      landing.stdout,
      /reachable, no health verdict: The health endpoint answered an HTML page \("Node Exporter"\)/,
    );
    const down = await cli([
      'probe',
      '--url',
      svc.url,
      '--health-path',
      '/health-unavailable-text',
      '--timeout',
      '10s',
    ]);
    assert.equal(down.code, 1, down.stdout);
    assert.match(down.stdout, /^\/health-unavailable-text\s+unhealthy\s+200/m);
    const p = await cli(['probe', '--url', prom.url, '--timeout', '10s']);
    assert.equal(p.code, 0, p.stdout);
    assert.match(p.stdout, /^\/-\/healthy\s+ok\s+200\s+text\/plain/m);
  });

  it('check: health is shown with its own wording but is no budget clause, so neither no verdict nor down changes the exit code', async () => {
    const none = await cli(live('check', '/health-html-login', '--budget', 'rps>=0'));
    assert.equal(none.code, 0, none.stdout + none.stderr);
    assert.match(none.stdout, /^Health: reachable, no health verdict: /m);
    const down = await cli(live('check', '/health-json-fail', '--budget', 'rps>=0'));
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(down.stdout, /^Health: down: /m);
  });
});
