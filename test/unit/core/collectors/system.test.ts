import * as assert from 'node:assert/strict';
import { SystemCollector, parseProcNetDev, parseProcStatCpu, volumeOf } from '../../../../src/core/collectors/system';
import { ManualClock } from '../../../../src/core/util/clock';

describe('system collector', () => {
  it('reads CPU, memory and the disk of the working volume from the real machine', async () => {
    const r = await new SystemCollector({ volumePath: () => process.cwd() }).collect();
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.value.memTotalBytes > 0 && r.value.memUsedBytes > 0 && r.value.memUsedBytes <= r.value.memTotalBytes);
    assert.ok(r.value.cpuPercent >= 0 && r.value.cpuPercent <= 100);
    assert.ok(r.value.diskTotalBytes! > 0 && r.value.diskUsedBytes! <= r.value.diskTotalBytes!);
  });

  it('computes network rates between calls and refreshes disk usage only every minute', async () => {
    const clock = new ManualClock(1_000_000);
    let rx = 1000;
    let df = 0;
    const si = {
      currentLoad: () => Promise.resolve({ currentLoad: 12.5 }),
      mem: () => Promise.resolve({ active: 4e9, total: 16e9 }),
      fsSize: () => {
        df++;
        return Promise.resolve([
          { mount: '/', used: 10, size: 100 },
          { mount: '/home', used: 30, size: 300 },
        ]);
      },
      networkStats: () => Promise.resolve([{ rx_bytes: rx, tx_bytes: 500 }]),
    };
    const c = new SystemCollector({ clock, si: si as never, volumePath: () => '/home/dev/service' });
    const first = await c.collect();
    assert.ok(first.ok);
    assert.equal(first.value.netRxBytesPerSec, undefined, 'no rate from a single reading');
    assert.deepEqual([first.value.diskUsedBytes, first.value.diskTotalBytes], [30, 300]);
    clock.advance(2000);
    rx += 4000;
    const second = await c.collect();
    assert.ok(second.ok);
    assert.equal(second.value.netRxBytesPerSec, 2000);
    assert.equal(second.value.netTxBytesPerSec, 0);
    assert.equal(df, 1);
    clock.advance(60_000);
    await c.collect();
    assert.equal(df, 2);
  });

  it('reads machine CPU from the kernel counters and network bytes without loopback', () => {
    assert.deepEqual(parseProcStatCpu('cpu  100 5 50 800 20 3 2 10 7 0\ncpu0 50 2 25 400 10 1 1 5 3 0\n'), {
      busy: 170,
      total: 990,
    });
    assert.equal(parseProcStatCpu('intr 1 2 3'), undefined);
    const dev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0',
      '  eth0: 1200 12 0 0 0 0 0 0 300 3 0 0 0 0 0 0',
      '  wlan0: 800 8 0 0 0 0 0 0 100 1 0 0 0 0 0 0',
    ].join('\n');
    assert.deepEqual(parseProcNetDev(dev), { rx: 2000, tx: 400 });
  });

  it('picks the volume by longest mount prefix', () => {
    const fss = [{ mount: '/' }, { mount: '/var' }, { mount: '/var/lib/docker' }, { mount: '/variant' }];
    assert.equal(volumeOf(fss, '/var/lib/app')!.mount, '/var');
    assert.equal(volumeOf(fss, '/variant/x')!.mount, '/variant');
    assert.equal(volumeOf(fss, '/srv')!.mount, '/');
  });
});
