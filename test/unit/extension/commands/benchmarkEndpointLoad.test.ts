import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../../../../src/extension/commands/benchmarkEndpointLoad';

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
    assert.ok(b.latencyMs.p50 <= b.latencyMs.p90 && b.latencyMs.p90 <= b.latencyMs.p99 && b.latencyMs.p99 <= b.latencyMs.max);
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
