/**
 * Prometheus (Debian's prometheus) and node_exporter (Debian's prometheus-node-exporter), Go
 * services with client_golang's conventions. Prometheus scrapes one node_exporter; PerfLens reads
 * Prometheus and a second node_exporter directly, and the first through Prometheus. The truth is
 * the requests sent, and for the server-side read, PromQL on the same server over the same window.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main';
import type { AttachSession } from '../../src/core/session/session';
import { capture } from '../unit/cli/liveHelpers';
import * as path from 'node:path';
import { startPrometheusServer } from '../helpers/prometheusServer';
import type { PrometheusServerHandle } from '../helpers/prometheusServer';
import { freePort, requireBinary, requirePythonClient, startService, timedGet } from './helpers/services';
import type { ServiceProcess } from './helpers/services';
import { assertCount, assertQuantileBracketed, attach, bucketBounds, increase } from './helpers/truth';

const NODE_EXPORTER = 'prometheus-node-exporter';
/** A few collectors are enough, and keep a scrape cheap on a loaded machine. */
const NODE_ARGS = ['--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg'];

async function startNodeExporter(bin: string): Promise<{ process: ServiceProcess; url: string; address: string }> {
  const port = await freePort();
  const process = await startService(
    'node_exporter',
    bin,
    [`--web.listen-address=127.0.0.1:${port}`, ...NODE_ARGS],
    [port],
  );
  return { process, url: `http://127.0.0.1:${port}`, address: `127.0.0.1:${port}` };
}

async function promql(server: string, query: string, time: number): Promise<number> {
  const r = await timedGet(`${server}/api/v1/query?query=${encodeURIComponent(query)}&time=${time / 1000}`);
  const body = JSON.parse(r.body) as { status: string; data: { result: { value: [number, string] }[] } };
  assert.equal(body.status, 'success', r.body);
  assert.equal(body.data.result.length, 1, `${query}: ${r.body}`);
  return Number(body.data.result[0]!.value[1]);
}

/**
 * Enough history of `series` for a 10 s window at a 1 s scrape interval: 12 samples in the last
 * 15 s (waits on the server, not a clock).
 */
async function waitForHistory(server: string, series: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  const samples = async () => {
    const r = JSON.parse(
      (await timedGet(`${server}/api/v1/query?query=${encodeURIComponent(`count_over_time(${series}[15s])`)}`)).body,
    ) as { data: { result: { value: [number, string] }[] } };
    return Math.min(...r.data.result.map((x) => Number(x.value[1])), r.data.result.length ? Infinity : 0);
  };
  while ((await samples()) < 12) {
    assert.ok(Date.now() < deadline, `Prometheus gathered 12 samples of ${series} within 120 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('real services: Prometheus and node_exporter', function () {
  this.timeout(240_000);
  let scraped: Awaited<ReturnType<typeof startNodeExporter>> | undefined;
  let direct: Awaited<ReturnType<typeof startNodeExporter>> | undefined;
  let python: { process: ServiceProcess; url: string; address: string } | undefined;
  let prom: PrometheusServerHandle | undefined;
  let session: AttachSession | undefined;

  before(async () => {
    const promBin = requireBinary(
      process.env.PERFLENS_PROMETHEUS_BIN || 'prometheus',
      'prometheus',
      'scripts/setup-prometheus.mjs',
    );
    const nodeBin = requireBinary(NODE_EXPORTER, NODE_EXPORTER);
    scraped = await startNodeExporter(nodeBin);
    direct = await startNodeExporter(nodeBin);
    const pythonPort = await freePort();
    python = {
      process: await startService(
        'python service',
        requirePythonClient(),
        [path.join(__dirname, 'fixtures', 'python_service.py'), String(pythonPort)],
        [pythonPort],
      ),
      url: `http://127.0.0.1:${pythonPort}`,
      address: `127.0.0.1:${pythonPort}`,
    };
    prom = await startPrometheusServer(promBin, {
      jobs: [
        { job: 'node', targets: [scraped.address] },
        { job: 'python', targets: [python.address] },
      ],
      intervalSeconds: 1,
    });
    await prom.waitForTargets('node', 1, 60_000);
    await prom.waitForTargets('python', 1, 60_000);
  });

  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  after(async () => {
    await prom?.stop();
    await scraped?.process.stop();
    await direct?.process.stop();
    await python?.process.stop();
  });

  it('Prometheus attached directly: prometheus_http_requests_total by handler counts the API queries sent, percentiles bracketed', async () => {
    session = attach(prom!.url, { healthPath: '/-/healthy' });
    const first = await session.collectOnce();
    assert.deepEqual(
      first.errors.filter((e) => e.source === 'scrape'),
      [],
      'the first scrape succeeds',
    );
    const upper: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await timedGet(`${prom!.url}/api/v1/query?query=up`);
      assert.equal(r.status, 200);
      upper.push(r.seconds);
    }
    const second = await session.collectOnce();
    assert.equal(second.presets?.httpRequests, 'prometheus_http_requests_total (prometheus-server)');
    assert.equal(second.presets?.httpDuration, 'prometheus_http_request_duration_seconds (prometheus-server)');
    assert.equal(second.health?.state, 'healthy');
    const query = second.http?.routes.find((r) => r.route === '/api/v1/query');
    assert.ok(query, `route /api/v1/query in ${JSON.stringify(second.http?.routes.map((r) => r.route))}`);
    assertCount(increase(query.requestRate, second), 30, 'GET /api/v1/query');
    assertCount(query.errorRate, 0, 'error rate of the queries');
    // The per-route histogram holds exactly these 30 requests: each took at most the client's time.
    const routeHistogram = second.histograms?.find(
      (h) => h.series === 'http.route.duration' && h.labels.route === '/api/v1/query',
    );
    assert.ok(routeHistogram, 'the per-route histogram is shipped');
    assert.equal(routeHistogram.count, 30);
    const bounds = bucketBounds(second);
    const lower = upper.map(() => 0);
    assertQuantileBracketed(query.p50Ms, 0.5, lower, upper, bounds, 'p50 of /api/v1/query');
    assertQuantileBracketed(query.p95Ms, 0.95, lower, upper, bounds, 'p95 of /api/v1/query');
    assert.ok(second.process || second.errors.some((e) => e.source === 'process'), 'the process is looked up');
  });

  it('node_exporter attached directly: promhttp_metric_handler_requests_total counts exactly the scrapes', async () => {
    session = attach(direct!.url);
    const first = await session.collectOnce();
    assert.deepEqual(
      first.errors.filter((e) => e.source === 'scrape'),
      [],
      'the first scrape succeeds',
    );
    for (let i = 0; i < 12; i++) assert.equal((await timedGet(`${direct!.url}/metrics`)).status, 200);
    const second = await session.collectOnce();
    assert.equal(second.presets?.httpRequests, 'promhttp_metric_handler_requests_total (go)');
    // promhttp counts a scrape once it has been served: the first round's own scrape and the 12 sent.
    assertCount(increase(second.http?.requestRate, second), 13, 'scrapes of node_exporter');
    assertCount(second.http!.errorRate, 0, 'failed scrapes');
  });

  it('node_exporter through Prometheus: perflens report --prometheus agrees with PromQL over the same window', async () => {
    await waitForHistory(prom!.url, 'up{job="node"}');
    const io = capture();
    const code = await runCli(
      ['report', '--prometheus', prom!.url, '--selector', 'job="node"', '--duration', '10s', '--json'],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const report = JSON.parse(io.stdout) as {
      window: { from: number; to: number };
      summary: { presets?: Record<string, string>; http?: { requestRate: number; errorRate: number } };
    };
    assert.equal(report.summary.presets?.httpRequests, 'promhttp_metric_handler_requests_total (go)');
    const seconds = (report.window.to - report.window.from) / 1000;
    const truth = await promql(
      prom!.url,
      `sum(rate(promhttp_metric_handler_requests_total{job="node"}[${seconds}s]))`,
      report.window.to,
    );
    assert.ok(report.summary.http, 'request metrics read through the server');
    assert.ok(
      Math.abs(report.summary.http.requestRate - truth) <= 1e-9 * Math.max(1, truth),
      `PerfLens ${report.summary.http.requestRate}/s, PromQL ${truth}/s`,
    );
    assert.ok(truth > 0, 'Prometheus scraped node_exporter in the window');
  });

  it('the Python service through Prometheus: request rate, error rate and p50/p95/p99 agree with PromQL over the same window', async () => {
    // Load through the window: quick answers, some 120 ms sleeps and some failures. The
    // service's series exist from their first request on: the window starts once every one of
    // them has been scraped 12 times.
    let loading = true;
    const load = (async () => {
      const urls = [
        `${python!.url}/`,
        `${python!.url}/`,
        `${python!.url}/slow?ms=120`,
        `${python!.url}/`,
        `${python!.url}/fail`,
      ];
      for (let i = 0; loading; i++) await timedGet(urls[i % urls.length]!);
    })();
    const io = capture();
    let code = -1;
    try {
      await waitForHistory(prom!.url, 'http_request_duration_seconds_count{job="python"}');
      code = await runCli(
        ['report', '--prometheus', prom!.url, '--selector', 'job="python"', '--duration', '10s', '--json'],
        io,
      );
    } finally {
      loading = false;
      await load;
    }
    assert.equal(code, 0, io.stderr);
    const report = JSON.parse(io.stdout) as {
      window: { from: number; to: number };
      summary: {
        presets?: Record<string, string>;
        http?: { requestRate: number; errorRate: number; p50Ms?: number; p95Ms?: number; p99Ms?: number };
      };
    };
    assert.equal(
      report.summary.presets?.httpRequests,
      'http_requests_total (python-fastapi)',
      JSON.stringify(report.summary.presets),
    );
    const http = report.summary.http;
    assert.ok(http, 'request metrics read through the server');
    const w = `${(report.window.to - report.window.from) / 1000}s`;
    const at = report.window.to;
    const same = (actual: number | undefined, truth: number, what: string) =>
      assert.ok(
        actual !== undefined && Math.abs(actual - truth) <= 1e-9 * Math.max(1, Math.abs(truth)),
        `${what}: PerfLens ${actual}, PromQL ${truth}`,
      );
    const rate = await promql(prom!.url, `sum(rate(http_requests_total{job="python"}[${w}]))`, at);
    assert.ok(rate > 0, 'requests in the window');
    same(http.requestRate, rate, 'request rate');
    same(
      http.errorRate,
      (await promql(prom!.url, `sum(rate(http_requests_total{job="python",status=~"5.."}[${w}]))`, at)) / rate,
      'error rate',
    );
    for (const [q, value] of [
      [0.5, http.p50Ms],
      [0.95, http.p95Ms],
      [0.99, http.p99Ms],
    ] as const) {
      const truth = await promql(
        prom!.url,
        `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{job="python"}[${w}])))`,
        at,
      );
      same(value, truth * 1000, `p${q * 100} (ms)`);
    }
  });
});
