import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { collectProcess } from '../../../../src/core/collectors/process';
import { processExists } from '../../../../src/core/util/process';
import {
  countTcpConnections,
  findPidByPort,
  listeningPortsOf,
  parseProcNetTcp,
} from '../../../../src/core/collectors/portPid';
import type { ChildService } from './childService';
import { startChildService } from './childService';

/** The port↔pid lookup these tests exercise reads /proc; the tiers run on Linux (CI does). */
const LINUX_ONLY = 'this test covers the /proc socket lookup, which only Linux has: run the process tier on Linux';

describe('process collector and port → pid', () => {
  let svc: ChildService | undefined;
  afterEach(async () => {
    await svc?.stop();
    svc = undefined;
  });

  it('measures a running process: CPU %, RSS and open TCP connections', async () => {
    svc = await startChildService();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    try {
      // Three requests in parallel on a keep-alive agent leave three established connections.
      await Promise.all(
        [1, 2, 3].map(
          () =>
            new Promise<void>((resolve, reject) =>
              http
                .get(`http://127.0.0.1:${svc!.port}/`, { agent }, (res) => res.resume().on('end', resolve))
                .on('error', reject),
            ),
        ),
      );
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
