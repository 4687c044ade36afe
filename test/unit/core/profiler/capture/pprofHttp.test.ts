import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchPprofProfile, pprofProfileUrl } from '../../../../../src/core/profiler/capture/pprofHttp';
import { importProfile } from '../../../../../src/core/profiler/formats/index';
import { makeGoCpuPprof } from '../pprofFixture';

describe('pprof over HTTP (Go net/http/pprof)', () => {
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  let profile: Buffer;

  before(async () => {
    profile = await makeGoCpuPprof();
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/debug/pprof/profile') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(profile);
      } else if (u.pathname === '/html/debug/pprof/profile') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not a profile</html>');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('builds the standard profile URL from a base URL and keeps an explicit endpoint', () => {
    const a = pprofProfileUrl('127.0.0.1:6060', 10);
    assert.ok(a.ok && a.value.href === 'http://127.0.0.1:6060/debug/pprof/profile?seconds=10');
    const b = pprofProfileUrl('http://localhost:6060/debug/pprof/profile?seconds=99', 3);
    assert.ok(b.ok && b.value.href === 'http://localhost:6060/debug/pprof/profile?seconds=3');
    assert.equal(pprofProfileUrl('ftp://x', 1).ok, false);
  });

  it('pulls /debug/pprof/profile?seconds=N and the bytes import as the Go profile', async () => {
    const r = await fetchPprofProfile(base, 2);
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.ok(requests.includes('/debug/pprof/profile?seconds=2'));
    const imp = importProfile(r.value);
    assert.ok(imp.ok);
    assert.equal(imp.value.format, 'pprof');
    assert.equal(imp.value.profiles[0]!.totalMs, 450);
  });

  it('explains a 404 and a body that is not a profile', async () => {
    const missing = await fetchPprofProfile(`${base}/nothing/debug/pprof/profile`, 1);
    assert.equal(!missing.ok && missing.error.kind, 'http');
    assert.match(!missing.ok ? missing.error.message : '', /HTTP 404.*net\/http\/pprof/);
    const html = await fetchPprofProfile(`${base}/html`, 1);
    assert.equal(!html.ok && html.error.kind, 'not-pprof');
  });

  it('refuses remote hosts unless allowed', async () => {
    const r = await fetchPprofProfile('http://192.0.2.1:6060', 1);
    assert.equal(!r.ok && r.error.kind, 'remote');
  });
});
