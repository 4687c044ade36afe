import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../../../../src/extension/commands/benchmarkEndpointLoad';
import { LOOPBACK_ONLY } from '../../../../src/core/util/connect';

describe('Benchmark Endpoint load', () => {
  let server: http.Server;
  let url: string;
  let served = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      served++;
      res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('runs a request count against a real server and reports percentiles in order', async () => {
    served = 0;
    const b = await runLoad({ url: `${url}/ok`, connections: 2, durationSeconds: 10, amount: 40 });
    assert.equal(b.requests, 40);
    assert.equal(served, 40);
    assert.equal(b.amount, 40);
    assert.equal(b.durationSeconds, null);
    assert.equal(b.connections, 2);
    assert.ok(
      b.latencyMs.p50 <= b.latencyMs.p90 && b.latencyMs.p90 <= b.latencyMs.p99 && b.latencyMs.p99 <= b.latencyMs.max,
    );
    assert.equal(b.errors + b.non2xx + b.timeouts, 0);
  });

  it('counts non-2xx answers', async () => {
    const b = await runLoad({ url: `${url}/fail`, connections: 1, durationSeconds: 10, amount: 10 });
    assert.equal(b.non2xx, 10);
  });

  it('stops early when aborted', async () => {
    const ac = new AbortController();
    const run = runLoad({ url: `${url}/ok`, connections: 1, durationSeconds: 30, signal: ac.signal });
    setImmediate(() => ac.abort());
    const b = await run;
    assert.equal(b.durationSeconds, 30);
    assert.ok(b.requests >= 0);
  });
});

describe('Benchmark Endpoint load: the address is checked where the load connects', function () {
  this.timeout(30_000);
  let server: http.Server;
  let port: number;
  let served = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      served++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses a load URL on another host unless remote targets are allowed', async () => {
    await assert.rejects(
      runLoad({
        url: 'http://10.255.255.1:9/ok',
        connections: 1,
        durationSeconds: 1,
        amount: 1,
        connect: LOOPBACK_ONLY,
      }),
      /10\.255\.255\.1 is not on this machine/,
    );
  });

  it('loads a *.localhost URL on 127.0.0.1 without asking DNS', async () => {
    served = 0;
    const b = await runLoad({
      url: `http://perflens-no-dns-7f3a.localhost:${port}/ok`,
      connections: 1,
      durationSeconds: 10,
      amount: 20,
      connect: LOOPBACK_ONLY,
    });
    assert.equal(b.errors, 0);
    assert.equal(served, 20);
  });
});
