import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebhookAlertHandler } from '../../../../src/core/analyzers/alerts/webhook';
import {
  captureNodeProfile,
  findInspector,
  listInspectorTargets,
} from '../../../../src/core/profiler/capture/inspector';
import { PrometheusClient } from '../../../../src/core/prometheus/client';
import { parsePrometheusTarget } from '../../../../src/core/prometheus/target';
import { PrometheusSource } from '../../../../src/core/prometheus/source';
import {
  LOOPBACK_ONLY,
  connectHostForBind,
  isLoopbackHost,
  remoteRefusal,
  resolveConnectAddresses,
} from '../../../../src/core/util/connect';
import { httpRequest } from '../../../../src/core/util/http';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';
import { FOREIGN_DEBUGGER_URL } from '../../../helpers/hostile/net';
import type { AlertEvent } from '../../../../src/core/analyzers/alerts/types';

/**
 * Names under .localhost that no DNS server answers: if PerfLens asked the system resolver, these
 * requests would fail with ENOTFOUND instead of reaching the service on 127.0.0.1.
 */
const NO_DNS = 'perflens-no-dns-7f3a.localhost';

/** A non-loopback address of this machine, where a listener on 0.0.0.0 would see any connection. */
function interfaceAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('connect policy: which hosts are this machine', () => {
  it('knows loopback addresses in every spelling and loopback names, and nothing else', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '[::ffff:7f00:1]',
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      'ip6-localhost',
    ])
      assert.ok(isLoopbackHost(h), h);
    for (const h of ['10.0.0.1', '::ffff:a00:1', 'localhost.example.com', 'example.com', '0.0.0.0', '::'])
      assert.ok(!isLoopbackHost(h), h);
  });

  it('explains a wildcard address instead of calling it remote, and maps wildcard binds to loopback', () => {
    assert.match(remoteRefusal('0.0.0.0', LOOPBACK_ONLY) ?? '', /every interface.*127\.0\.0\.1/);
    assert.deepEqual(['0.0.0.0', '::', '[::]', '127.0.0.1', '::1'].map(connectHostForBind), [
      '127.0.0.1',
      '::1',
      '::1',
      '127.0.0.1',
      '::1',
    ]);
  });

  it('resolves *.localhost to loopback and refuses other names before any lookup', async () => {
    let lookups = 0;
    const counting = {
      kind: 'allowRemote' as const,
      lookup: async () => (lookups++, [{ address: '192.0.2.7', family: 4 as const }]),
    };
    assert.deepEqual(await resolveConnectAddresses('x.localhost', counting), {
      ok: true,
      value: [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
    });
    assert.equal(lookups, 0);
    const refused = await resolveConnectAddresses('db.example.com', LOOPBACK_ONLY);
    assert.equal(!refused.ok && refused.error.kind, 'remote');
    assert.deepEqual(await resolveConnectAddresses('db.example.com', counting), {
      ok: true,
      value: [{ address: '192.0.2.7', family: 4 }],
    });
    assert.equal(lookups, 1);
  });
});

describe('connect policy: every address PerfLens connects to is checked where it connects', function () {
  this.timeout(20_000);
  let hostile: HostileService;
  beforeEach(async () => {
    hostile = await startHostileService();
  });
  afterEach(() => hostile.stop());

  it('reaches a *.localhost name on 127.0.0.1 without asking DNS', async () => {
    const r = await httpRequest(`http://${NO_DNS}:${hostile.port}/json/list`, { timeoutMs: 10_000 });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.equal(r.value.status, 200);
    assert.deepEqual(hostile.requests, ['/json/list']);
  });

  it('refuses a non-loopback address unless remote targets are allowed, without connecting', async () => {
    const r = await httpRequest('http://10.255.255.1:9229/json/list', { timeoutMs: 10_000 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'remote');
    assert.match(r.error.message, /10\.255\.255\.1 is not on this machine/);
    assert.match(r.error.message, /perflens\.allowRemoteTargets/);
    assert.match(r.error.message, /--allow-remote/);
  });

  it('refuses a debugger URL from /json/list that names another host, with a clear message', async () => {
    const r = await captureNodeProfile({ host: '127.0.0.1', port: hostile.port }, { durationMs: 10 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'remote');
    assert.ok(r.error.message.includes(FOREIGN_DEBUGGER_URL), r.error.message);
    assert.match(r.error.message, /10\.255\.255\.1 is not on this machine/);
  });

  it('makes no connection to the host a hostile /json/list names', async function () {
    const ip = interfaceAddress();
    assert.ok(
      ip,
      'this test needs an IPv4 address of this machine other than loopback (a network interface that is up); none was found',
    );
    let connections = 0;
    const listener = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '0.0.0.0', r));
    const port = (listener.address() as net.AddressInfo).port;
    const lying = await startHostileService({
      '/json/list': (_req, res) =>
        res.end(
          JSON.stringify([
            { id: 'x', type: 'node', title: 't', url: '', webSocketDebuggerUrl: `ws://${ip!}:${port}/x` },
          ]),
        ),
    });
    try {
      const r = await captureNodeProfile({ host: '127.0.0.1', port: lying.port }, { durationMs: 10 });
      assert.equal(!r.ok && r.error.kind, 'remote');
      assert.equal(connections, 0);
    } finally {
      await lying.stop();
      await new Promise<void>((r) => listener.close(() => r()));
    }
  });

  it("does not connect to a non-loopback inspector host named on a process's command line", async () => {
    const listed = await listInspectorTargets({ host: '10.255.255.1', port: 9229 });
    assert.equal(!listed.ok && listed.error.kind, 'remote');
    // A process whose command line asks for --inspect=10.255.255.1:9229 (its sockets unreadable).
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-proc-'));
    try {
      fs.mkdirSync(path.join(root, '4242'));
      fs.writeFileSync(
        path.join(root, '4242', 'cmdline'),
        ['node', '--inspect=10.255.255.1:9229', 'app.js', ''].join('\0'),
      );
      const r = await findInspector(4242, { procRoot: root });
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'remote');
      assert.match(r.error.message, /10\.255\.255\.1 is not on this machine/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads a Prometheus server at a *.localhost name without DNS, and refuses a remote one unless allowed', async () => {
    const api = await startHostileService({
      '/api/v1/status/buildinfo': (_req, res) =>
        res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0', revision: 'x' } })),
    });
    try {
      const local = parsePrometheusTarget(`http://${NO_DNS}:${api.port}`, 'job="api"');
      assert.ok(local.ok);
      const info = await new PrometheusClient({
        baseUrl: local.value.serverUrl,
        connect: local.value.connect,
      }).buildInfo();
      assert.ok(info.ok, !info.ok ? info.error.message : '');
      assert.equal(info.value.version, '2.42.0');
      // A target parsed with remote allowed, then handed a remote server: the client still checks.
      const remote = new PrometheusSource({
        target: { kind: 'prometheus', serverUrl: 'http://10.255.255.1:9090', selector: 'job="api"', matchers: [] },
      });
      const snap = await remote.detect();
      assert.ok(!snap.ok);
      assert.match(snap.error.message, /10\.255\.255\.1 is not on this machine/);
    } finally {
      await api.stop();
    }
  });

  it('delivers webhooks (which may be remote) through the same check: a *.localhost receiver without DNS', async () => {
    let got = '';
    const receiver = await startHostileService({
      '/hook': (req, res) => {
        req.on('data', (c: Buffer) => (got += c.toString()));
        req.on('end', () => res.end('ok'));
      },
    });
    try {
      const event: AlertEvent = {
        type: 'firing',
        ruleId: 'slow',
        name: 'slow',
        severity: 'warning',
        message: 'p95 over budget',
        op: '>',
        threshold: 1,
        value: 2,
        targetId: 't',
        labels: {},
        at: 0,
        activeAt: 0,
        firedAt: 0,
      };
      const r = await new WebhookAlertHandler({
        url: `http://hooks.${NO_DNS}:${receiver.port}/hook`,
        retries: 0,
      }).handle(event);
      assert.ok(r.ok, r.message);
      assert.match(got, /p95 over budget/);
    } finally {
      await receiver.stop();
    }
  });
});
