import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeTarget } from '../../../../src/core/collectors/probe';
import type { AttachDependencies } from '../../../../src/extension/targets/attachTarget';
import { attachTarget, reprobeCurrent } from '../../../../src/extension/targets/attachTarget';
import type { StateStore } from '../../../../src/extension/targets/targetRegistry';
import { TargetRegistry } from '../../../../src/extension/targets/targetRegistry';

class MemoryStore implements StateStore {
  private readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

/** A real service on a free loopback port: /metrics in Prometheus text, /health as JSON or 503. */
function startService(): Promise<{ url: string; setHealthy(h: boolean): void; close(): Promise<void> }> {
  let healthy = true;
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end('# TYPE up gauge\nup 1\n');
    } else if (req.url === '/health') {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'healthy' : 'unhealthy', checks: {} }));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        setHealthy: (h) => (healthy = h),
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('attachTarget', () => {
  let service: Awaited<ReturnType<typeof startService>>;
  let registry: TargetRegistry;
  let now: number;
  let deps: AttachDependencies;

  beforeEach(async () => {
    service = await startService();
    registry = new TargetRegistry(new MemoryStore(), 'perflens.targets');
    now = 1_700_000_000_000;
    deps = {
      registry,
      settings: { allowRemoteTargets: false, metricsPath: '/metrics', healthPath: '/health', requestTimeoutMs: 2000 },
      probe: probeTarget,
      now: () => now,
    };
  });

  afterEach(() => service.close());

  it('probes a running service and records it as the attached target', async () => {
    const outcome = await attachTarget(`${service.url}/`, deps);
    assert.ok(outcome.ok);
    assert.equal(outcome.healthy, true);
    assert.equal(outcome.summary, '/metrics and /health both answer.');
    const [metricsLine] = outcome.details;
    assert.ok(metricsLine, 'the outcome has a line for /metrics');
    assert.match(
      metricsLine,
      /^\/metrics reachable: HTTP 200, text\/plain; version=0\.0\.4; charset=utf-8, [\d.]+ m?s$/,
    );
    assert.deepEqual(registry.current?.spec, { kind: 'url', baseUrl: service.url });
    assert.equal(registry.current?.probe?.health.status, 200);
    assert.equal(registry.current?.attachedAt, now);
  });

  it('accepts a bare port as 127.0.0.1:port', async () => {
    const port = new URL(service.url).port;
    const outcome = await attachTarget(port, deps);
    assert.ok(outcome.ok);
    assert.equal(outcome.target.label, `127.0.0.1:${port}`);
  });

  it('records a target that does not answer, and says so', async () => {
    const outcome = await attachTarget(`http://127.0.0.1:${await closedPort()}`, deps);
    assert.ok(outcome.ok);
    assert.equal(outcome.healthy, false);
    assert.match(outcome.summary, /neither \/metrics nor \/health answers/);
    const [metricsLine] = outcome.details;
    assert.ok(metricsLine, 'the outcome has a line for /metrics');
    assert.match(metricsLine, /not reachable: Nothing is listening/);
    assert.equal(registry.current?.probe?.metrics.reachable, false);
  });

  it('refuses remote hosts unless allowed, and garbage input, without touching the registry', async () => {
    const remote = await attachTarget('http://192.0.2.1:9090', deps);
    assert.ok(!remote.ok);
    assert.equal(remote.error.kind, 'remote');
    const invalid = await attachTarget('ftp://localhost/x', deps);
    assert.ok(!invalid.ok);
    assert.equal(invalid.error.kind, 'invalid');
    assert.equal(registry.current, undefined);
  });

  it('attaches to a live process id and refuses one that does not exist', async () => {
    const mine = await attachTarget(`pid:${process.pid}`, deps);
    assert.ok(mine.ok);
    assert.deepEqual(mine.target.spec, { kind: 'pid', pid: process.pid });
    assert.equal(mine.target.probe, undefined);
    const gone = await attachTarget('pid:99999999', { ...deps, processExists: () => false });
    assert.ok(!gone.ok);
    assert.equal(gone.error.kind, 'no-process');
    assert.equal(registry.current?.label, `pid ${process.pid}`);
  });

  it('reprobes the current target and records the new answer', async () => {
    await attachTarget(service.url, deps);
    service.setHealthy(false);
    now += 5000;
    const probe = await reprobeCurrent(deps);
    assert.equal(probe?.health.status, 503);
    assert.equal(registry.current?.probe?.health.status, 503);
    assert.equal(registry.current?.probedAt, now);
  });
});
