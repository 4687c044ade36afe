import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { HttpFn } from '../../../../src/core/collectors/health';
import { createAttachSession } from '../../../../src/core/session/session';
import type { AttachSession } from '../../../../src/core/session/session';
import { httpRequest } from '../../../../src/core/util/http';
import { ok } from '../../../../src/core/util/result';

const EXPOSITION = [
  '# TYPE http_requests_total counter',
  'http_requests_total{method="GET",route="/a",status="200"} 7',
  '',
].join('\n');

describe('a collection round: what goes out first', function () {
  this.timeout(60_000);
  let server: http.Server;
  let url: string;
  let session: AttachSession | undefined;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(EXPOSITION);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await session?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('hands the metrics request to its socket before it asks for health or reads the process and the machine', async () => {
    // Node writes a request on a kept-alive socket on the next tick after it is made: a tick queued
    // right after the metrics request runs once that write has happened.
    let metricsWritten = false;
    const seen: string[] = [];
    const note = (what: string) => seen.push(`${what}${metricsWritten ? ' after' : ' before'} the metrics write`);
    const real: HttpFn = (u, o) => httpRequest(u, o);
    const spied: HttpFn = (u, o) => {
      if (u.endsWith('/metrics')) {
        metricsWritten = false;
        const r = real(u, o);
        process.nextTick(() => (metricsWritten = true));
        return r;
      }
      note('health');
      return real(u, o);
    };
    const r = createAttachSession({
      target: url,
      http: spied,
      deps: {
        findPidByPort: () => Promise.resolve(ok(process.pid)),
        process: {
          usage: () => {
            note('process');
            return Promise.resolve({ cpu: 1, memory: 1e6 });
          },
          connections: () => Promise.resolve(1),
        },
        system: {
          collect: () => {
            note('system');
            return Promise.resolve(ok({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }));
          },
        },
      },
    });
    assert.ok(r.ok);
    session = r.value;
    await session.collectOnce(); // connects: the sockets are kept alive from here on
    seen.length = 0;
    const snap = await session.collectOnce();
    assert.deepEqual(snap.errors, []);
    assert.equal(snap.health?.state, 'healthy');
    assert.ok(snap.process && snap.system, 'process and system were read');
    assert.deepEqual(seen.sort(), [
      'health after the metrics write',
      'process after the metrics write',
      'system after the metrics write',
    ]);
  });

  it('with its own client, writes the metrics request before the health request and before it reads the process and the machine', async () => {
    // The session's own client writes a request within the call that makes it: no turn of the
    // event loop is waited for, and the order is still metrics, health, then the OS reads.
    await session?.stop();
    const seen: string[] = [];
    const write = net.Socket.prototype.write;
    net.Socket.prototype.write = function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
      const text = typeof args[0] === 'string' ? args[0] : '';
      if (text.startsWith('GET ')) seen.push(text.slice(4, text.indexOf(' ', 4)));
      return write.apply(this, args);
    } as net.Socket['write'];
    try {
      const r = createAttachSession({
        target: url,
        deps: {
          findPidByPort: () => Promise.resolve(ok(process.pid)),
          process: {
            usage: () => {
              seen.push('process');
              return Promise.resolve({ cpu: 1, memory: 1e6 });
            },
            connections: () => Promise.resolve(1),
          },
          system: {
            collect: () => {
              seen.push('system');
              return Promise.resolve(ok({ cpuPercent: 1, memUsedBytes: 1, memTotalBytes: 2 }));
            },
          },
        },
      });
      assert.ok(r.ok);
      const own = r.value;
      session = own;
      await own.collectOnce(); // connects: the sockets are kept alive from here on
      for (let i = 0; i < 3; i++) {
        seen.length = 0;
        const snap = await own.collectOnce();
        assert.deepEqual(snap.errors, []);
        assert.equal(snap.health?.state, 'healthy');
        assert.deepEqual(seen.slice(0, 2), ['/metrics', '/health']);
        assert.deepEqual(seen.slice(2).sort(), ['process', 'system']);
      }
    } finally {
      net.Socket.prototype.write = write;
    }
  });
});
