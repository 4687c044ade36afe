/**
 * No flag is accepted and then ignored: --metric-names works for a direct scrape, an entry the
 * service does not have is reported, and flags that mean nothing in the combination given are
 * refused with exit 2 before anything is attached to.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';

/** A service whose metrics no preset knows: api_calls_total grows by 10 per scrape. */
async function customService(): Promise<{ url: string; close(): Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    calls += 10;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE api_calls_total counter\napi_calls_total{endpoint="/items",code="200"} ${calls}\napi_calls_total{endpoint="/items",code="500"} ${calls / 10}\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('cli: flag combinations', function () {
  this.timeout(60_000);

  it('reads the metrics named by --metric-names from a direct scrape (--url)', async () => {
    const svc = await customService();
    try {
      const io = capture();
      const code = await runCli(
        [
          'report',
          '--url',
          svc.url,
          '--duration',
          '1s',
          '--interval',
          '500ms',
          '--metric-names',
          'httpRequests=api_calls_total',
          '--json',
        ],
        io,
      );
      assert.equal(code, 0, io.stderr);
      const out = JSON.parse(io.stdout) as {
        presets?: Record<string, string>;
        http?: { requests: number; errorRate: number; routes: { route: string }[] };
      };
      assert.equal(out.presets?.httpRequests, 'api_calls_total (override)');
      assert.ok(out.http && out.http.requests > 0, 'requests were counted from api_calls_total');
      assert.ok(Math.abs(out.http.errorRate - 1 / 11) < 1e-9, `error rate ${out.http.errorRate}`);
      assert.deepEqual(
        out.http.routes.map((r) => r.route),
        ['/items'],
      );
      assert.doesNotMatch(io.stderr, /not used/);
    } finally {
      await svc.close();
    }
  });

  it('says when a --metric-names entry names a metric the service does not have', async () => {
    const svc = await customService();
    try {
      const io = capture();
      const code = await runCli(
        [
          'report',
          '--url',
          svc.url,
          '--duration',
          '1s',
          '--interval',
          '500ms',
          '--metric-names',
          'httpRequests=api_calls_total,httpDuration=api_latency_seconds',
        ],
        io,
      );
      assert.equal(code, 0, io.stderr);
      assert.match(io.stderr, /--metric-names httpDuration=api_latency_seconds was not used: no api_latency_seconds/);
      assert.doesNotMatch(io.stderr, /httpRequests=api_calls_total was not used/);
    } finally {
      await svc.close();
    }
  });

  const cpuprofile = path.resolve(
    __dirname,
    '..',
    '..',
    'fixtures',
    'profiles',
    'cpuprofile',
    'chrome65-simple.cpuprofile',
  );
  const prometheus = ['--prometheus', 'http://127.0.0.1:9', '--selector', 'job="api"'];
  const refused: [string[], RegExp][] = [
    [['report', ...prometheus, '--interval', '1s'], /--interval has no effect with --prometheus/],
    [
      ['report', ...prometheus, '--metrics-path', '/m', '--timeout', '1s'],
      /--metrics-path and --timeout have no effect with --prometheus/,
    ],
    [['analyze', ...prometheus, '--health-path', '/h'], /--health-path has no effect with --prometheus/],
    [
      ['check', ...prometheus, '--budget', 'p95<1s', '--status-path', '/s'],
      /--status-path has no effect with --prometheus/,
    ],
    [
      ['report', '--url', 'http://127.0.0.1:9', '--query-timeout', '5s'],
      /--query-timeout has no effect without --prometheus/,
    ],
    [
      ['check', '--url', 'http://127.0.0.1:9', '--budget', 'p95<1s', '--query-timeout', '5s'],
      /--query-timeout has no effect without --prometheus/,
    ],
    [
      ['profile', 'record', '--inspect', '127.0.0.1:9', '--enable-inspector'],
      /--enable-inspector has no effect without --pid/,
    ],
    [
      ['profile', 'record', '--pprof', 'http://127.0.0.1:9', '--interval', '500'],
      /--interval has no effect with --pprof/,
    ],
    [['profile', 'summarize', cpuprofile, '--sample-type', 'cpu'], /--sample-type has no effect on a cpuprofile file/],
  ];
  for (const [argv, message] of refused) {
    it(`refuses: perflens ${argv.map((a) => (a === cpuprofile ? 'FILE' : a)).join(' ')}`, async () => {
      const io = capture();
      const code = await runCli(argv, io);
      assert.equal(code, 2, io.stdout + io.stderr);
      assert.match(io.stderr, message);
      assert.match(io.stderr, /remove (it|them)\./);
    });
  }
});
