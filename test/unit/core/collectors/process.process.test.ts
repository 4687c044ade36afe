import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { collectProcess } from '../../../../src/core/collectors/process';
import { processExists } from '../../../../src/core/util/process';
import {
  TcpConnectionCounter,
  countTcpConnections,
  findPidByPort,
  listeningPortsOf,
  parseProcNetTcp,
} from '../../../../src/core/collectors/portPid';
import type { ChildService } from './childService';
import { startChildService } from './childService';

/** The port↔pid lookup these tests exercise reads /proc; the tiers run on Linux (CI does). */
const LINUX_ONLY = 'this test covers the /proc socket lookup, which only Linux has: run the process tier on Linux';

/** Opens `n` kept-alive connections to a local port (one request each, in parallel) and returns their agent. */
async function keptConnections(port: number, n: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) =>
          http
            .get(`http://127.0.0.1:${port}/`, { agent }, (res) => res.resume().on('end', resolve))
            .on('error', reject),
        ),
    ),
  );
  return agent;
}

describe('process collector and port → pid', () => {
  let svc: ChildService | undefined;
  afterEach(async () => {
    await svc?.stop();
    svc = undefined;
  });

  it('measures a running process: CPU %, RSS and open TCP connections', async () => {
    svc = await startChildService();
    // Three requests in parallel on a keep-alive agent leave three established connections.
    const agent = await keptConnections(svc.port, 3);
    try {
      const r = await collectProcess(svc.pid);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.value.pid, svc.pid);
      assert.ok(r.value.rssBytes > 5 * 1024 * 1024, `rss ${r.value.rssBytes}`);
      assert.ok(r.value.cpuPercent >= 0);
      if (process.platform === 'linux') assert.equal(r.value.openConnections, 3);
    } finally {
      agent.destroy();
    }
  });

  it("counts a real process's connections as they open and close, reading the kernel's tables only then", async function () {
    assert.equal(process.platform, 'linux', LINUX_ONLY);
    svc = await startChildService();
    const counter = new TcpConnectionCounter(() => 0);
    const agents: http.Agent[] = [];
    const connect = async (n: number): Promise<http.Agent> => {
      const agent = await keptConnections(svc!.port, n);
      agents.push(agent);
      return agent;
    };
    /** The count once the service's side of every connection settled (a close reaches it a little later). */
    const settled = async (expected: number): Promise<number | undefined> => {
      let n = await counter.count(svc!.pid);
      for (let i = 0; i < 200 && n !== expected; i++) {
        await new Promise((r) => setTimeout(r, 25));
        n = await counter.count(svc!.pid);
      }
      return n;
    };
    try {
      assert.equal(await counter.count(svc.pid), 0);
      const reads = counter.tableReads;
      assert.equal(await counter.count(svc.pid), 0);
      assert.equal(counter.tableReads, reads, 'the same sockets: the tables were not read again');
      const two = await connect(2);
      assert.equal(await settled(2), 2);
      assert.ok(counter.tableReads > reads, 'new sockets: the tables were read');
      const three = counter.tableReads;
      assert.equal(await counter.count(svc.pid), 2);
      assert.equal(counter.tableReads, three);
      await connect(1);
      assert.equal(await settled(3), 3);
      two.destroy();
      assert.equal(await settled(1), 1);
      // The kernel's own count of the same thing, read without the shortcut.
      assert.equal(await countTcpConnections(svc.pid), 1);
    } finally {
      for (const a of agents) a.destroy();
    }
  });

  it('finds the pid listening on a port, and the ports a pid listens on', async function () {
    assert.equal(process.platform, 'linux', LINUX_ONLY);
    svc = await startChildService();
    const r = await findPidByPort(svc.port);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.value, svc.pid);
    assert.deepEqual(await listeningPortsOf(svc.pid), [svc.port]);
  });

  it('reports a pid that has exited as a typed failure', async () => {
    svc = await startChildService();
    const pid = svc.pid;
    await svc.stop();
    assert.equal(processExists(pid), false);
    const r = await collectProcess(pid);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'exited');
    assert.match(r.error.message, new RegExp(`Process ${pid} is not running`));
  });

  it('reports a port nobody listens on', async () => {
    svc = await startChildService();
    const port = svc.port;
    await svc.stop();
    const r = await findPidByPort(port);
    assert.ok(!r.ok && r.error.kind === 'not-found');
    assert.equal(await countTcpConnections(2 ** 22 + 12345), undefined);
  });

  it('parses the kernel socket table', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(table), [
      { localPort: 8080, state: '0A', inode: 4242 },
      { localPort: 8080, state: '01', inode: 4243 },
    ]);
  });
});
