import * as assert from 'node:assert/strict';
import { SystemCollector, volumeOf } from '../../../../src/core/collectors/system';
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

  it('picks the volume by longest mount prefix', () => {
    const fss = [{ mount: '/' }, { mount: '/var' }, { mount: '/var/lib/docker' }, { mount: '/variant' }];
    assert.equal(volumeOf(fss, '/var/lib/app')!.mount, '/var');
    assert.equal(volumeOf(fss, '/variant/x')!.mount, '/variant');
    assert.equal(volumeOf(fss, '/srv')!.mount, '/');
  });
});
