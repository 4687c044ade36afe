import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../../../../src/core/util/http';

describe('util/http failures in words', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('https:// to a plain HTTP service says so instead of quoting OpenSSL', async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const r = await httpRequest(`https://127.0.0.1:${port}/metrics`, { timeoutMs: 5000 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'network');
    assert.equal(
      r.error.message,
      `https://127.0.0.1:${port}/metrics: the TLS handshake failed, so 127.0.0.1:${port} does not speak HTTPS there. For a plain HTTP service use http://.`,
    );
  });
});
