/**
 * A Node service exporting through OpenTelemetry JS's Prometheus exporter (npm packages), under
 * the stable HTTP conventions (the HTTP instrumentation) and the older ones (a manual instrument):
 * test/real/fixtures/otel-service.cjs. The truth is the requests sent; durations are bracketed by
 * the client's timings (an upper bound of the server's) and the sleeps asked for (a lower bound).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { AttachSession } from '../../src/core/session/session';
import { capture } from '../unit/cli/liveHelpers';
import { freePort, startService, timedGet } from './helpers/services';
import type { ServiceProcess } from './helpers/services';
import { assertCount, assertQuantileBracketed, attach, bucketBounds, increase } from './helpers/truth';

const SERVICE = path.join(__dirname, 'fixtures', 'otel-service.cjs');
const FAST = 30;
const SLOW = 8;
const SLOW_MS = 300;

for (const conventions of ['stable', 'old'] as const) {
  describe(`real services: OpenTelemetry JS Prometheus exporter, ${conventions} HTTP conventions`, function () {
    this.timeout(180_000);
    let service: ServiceProcess | undefined;
    let app = '';
    let metrics = '';
    let session: AttachSession | undefined;

    before(async () => {
      const [appPort, metricsPort] = [await freePort(), await freePort()];
      service = await startService(
        `OpenTelemetry service (${conventions})`,
        process.execPath,
        [SERVICE, String(appPort), String(metricsPort), conventions],
        [appPort, metricsPort],
      );
      app = `http://127.0.0.1:${appPort}`;
      metrics = `http://127.0.0.1:${metricsPort}`;
    });

    after(async () => {
      await session?.stop();
      await service?.stop();
    });

    it('is recognised, and its request rate, error rate and percentiles match the requests sent', async () => {
      session = attach(metrics);
      const first = await session.collectOnce();
      assert.deepEqual(
        first.errors.filter((e) => e.source === 'scrape'),
        [],
        'the first scrape succeeds',
      );
      const lower: number[] = [];
      const upper: number[] = [];
      for (let i = 0; i < FAST; i++) {
        const r = await timedGet(`${app}/`);
        assert.equal(r.status, 200);
        lower.push(0);
        upper.push(r.seconds);
      }
      for (let i = 0; i < SLOW; i++) {
        const r = await timedGet(`${app}/slow?ms=${SLOW_MS}`);
        assert.equal(r.status, 200);
        lower.push(SLOW_MS / 1000);
        upper.push(r.seconds);
      }
      const failed = await timedGet(`${app}/fail`);
      assert.equal(failed.status, 500);
      lower.push(0);
      upper.push(failed.seconds);
      const second = await session.collectOnce();

      const expectedMetric = conventions === 'stable' ? 'http_server_request_duration' : 'http_server_duration';
      assert.equal(second.presets?.httpDuration, `${expectedMetric} (opentelemetry)`);
      const http = second.http;
      assert.ok(http, 'request metrics are recognised');
      const n = lower.length;
      assertCount(increase(http.requestRate, second), n, 'requests in the interval');
      assertCount(http.errorRate, 1 / n, 'error rate');
      if (conventions === 'old') {
        const byRoute = new Map(http.routes.map((r) => [r.route, r]));
        assertCount(increase(byRoute.get('/')?.requestRate, second), FAST, 'GET /');
        assertCount(increase(byRoute.get('/slow')?.requestRate, second), SLOW, 'GET /slow');
      }
      const bounds = bucketBounds(second);
      assertQuantileBracketed(http.p50Ms, 0.5, lower, upper, bounds, 'p50');
      assertQuantileBracketed(http.p95Ms, 0.95, lower, upper, bounds, 'p95');
      assertQuantileBracketed(http.p99Ms, 0.99, lower, upper, bounds, 'p99');
    });

    it('perflens metrics parse reads its body as Prometheus text, keeping the units, without warnings', async () => {
      const body = (await timedGet(`${metrics}/metrics`)).body;
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-otel-')), 'metrics.txt');
      fs.writeFileSync(file, body);
      const io = capture();
      const code = await runCli(['metrics', 'parse', file, '--json'], io);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      assert.equal(code, 0, io.stderr);
      assert.equal(io.stderr, '');
      const out = JSON.parse(io.stdout) as { format: string; families: { name: string; unit: string | null }[] };
      assert.equal(out.format, 'prometheus');
      const family = out.families.find((f) => f.name.startsWith('http_server'));
      assert.equal(family?.unit, conventions === 'stable' ? 's' : 'ms');
    });
  });
}
