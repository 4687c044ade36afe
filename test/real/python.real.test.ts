/**
 * A Python service on Debian's python3 and python3-prometheus-client (test/real/fixtures/
 * python_service.py): a Counter and a Histogram per handler, and the service's own record of every
 * request it served, which is the truth PerfLens's numbers are checked against.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { AttachSession } from '../../src/core/session/session';
import { capture } from '../unit/cli/liveHelpers';
import { freePort, requirePythonClient, startService, timedGet } from './helpers/services';
import type { ServiceProcess } from './helpers/services';
import { assertCount, assertQuantileBracketed, attach, bucketBounds, increase } from './helpers/truth';

const SERVICE = path.join(__dirname, 'fixtures', 'python_service.py');

interface Truth {
  count: number;
  durations: number[];
}

describe('real services: a Python service with prometheus_client', function () {
  this.timeout(180_000);
  let service: ServiceProcess | undefined;
  let base = '';
  let session: AttachSession | undefined;

  before(async () => {
    const python = requirePythonClient();
    const port = await freePort();
    service = await startService('python service', python, [SERVICE, String(port)], [port]);
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await session?.stop();
    await service?.stop();
  });

  it('is recognised, and its request rate, error rate and percentiles match what it served', async () => {
    session = attach(base);
    const first = await session.collectOnce();
    assert.deepEqual(first.errors, [], 'the first round collects cleanly');
    const before = JSON.parse((await timedGet(`${base}/truth`)).body) as Truth;
    // 40 quick, 6 that sleep 300 ms, 4 failures: known shares whatever the machine's speed.
    for (let i = 0; i < 40; i++) assert.equal((await timedGet(`${base}/`)).status, 200);
    for (let i = 0; i < 6; i++) assert.equal((await timedGet(`${base}/slow?ms=300`)).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await timedGet(`${base}/fail`)).status, 500);
    const after = JSON.parse((await timedGet(`${base}/truth`)).body) as Truth;
    const second = await session.collectOnce();

    assert.equal(second.presets?.httpRequests, 'http_requests_total (python-fastapi)');
    assert.equal(second.presets?.httpDuration, 'http_request_duration_seconds (python-fastapi)');
    assert.equal(second.health?.state, 'healthy');
    const servedDurations = after.durations.slice(before.count);
    assert.equal(after.count - before.count, 50, 'the service served the 50 requests sent');
    const http = second.http!;
    assertCount(increase(http.requestRate, second), 50, 'requests in the interval');
    assertCount(http.errorRate, 4 / 50, 'error rate');
    const byRoute = new Map(http.routes.map((r) => [r.route, r]));
    assertCount(increase(byRoute.get('/')?.requestRate, second), 40, 'GET /');
    assertCount(increase(byRoute.get('/slow')?.requestRate, second), 6, 'GET /slow');
    assertCount(byRoute.get('/fail')?.errorRate ?? NaN, 1, '/fail error rate');
    assertCount(http.avgMs! / 1000, servedDurations.reduce((a, b) => a + b, 0) / 50, 'average duration (s)');
    const bounds = bucketBounds(second);
    for (const q of [0.5, 0.95, 0.99]) {
      const value = q === 0.5 ? http.p50Ms : q === 0.95 ? http.p95Ms : http.p99Ms;
      assertQuantileBracketed(value, q, servedDurations, servedDurations, bounds, `p${q * 100}`);
    }
    // The slow requests slept 300 ms: the p95 rank falls among them on any machine.
    assert.ok(http.p95Ms! >= 250, `p95 ${http.p95Ms} ms`);
  });

  it('perflens report (the CLI) recognises it and counts the requests of its window', async () => {
    const io = capture();
    const load = (async () => {
      for (let i = 0; i < 20; i++) await timedGet(`${base}/`);
    })();
    const code = await runCli(['report', '--url', base, '--duration', '2s', '--interval', '1s', '--json'], io);
    await load;
    assert.equal(code, 0, io.stderr);
    const out = JSON.parse(io.stdout) as { presets?: Record<string, string>; http?: { requests: number } };
    assert.equal(out.presets?.httpRequests, 'http_requests_total (python-fastapi)');
    assert.ok(out.http !== undefined, 'request metrics in the report');
    // Every request between its first and last scrape was one of the 20 sent: a whole number of them.
    assert.ok(
      out.http.requests <= 20 && Math.abs(out.http.requests - Math.round(out.http.requests)) < 1e-6,
      `requests ${out.http.requests}`,
    );
  });
});
