import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedConnectionCounter, CONNECTION_COUNT_CPU_SHARE } from '../../../../src/core/collectors/process';
import {
  TABLE_MAX_AGE_MS,
  TcpConnectionCounter,
  countEstablished,
  countTcpConnections,
  socketsInUse,
} from '../../../../src/core/collectors/portPid';
import { ProcCpuMeter, parseProcPidStat, systemPageSize } from '../../../../src/core/collectors/procStat';
import { parseProcMeminfo } from '../../../../src/core/collectors/system';

/** A /proc/PID/stat line as the kernel writes it; the command name may hold spaces and parentheses. */
function statLine(pid: number, comm: string, utime: number, stime: number, start: number, rss: number): string {
  const f = ['S', '1', String(pid), String(pid), '0', '-1', '4194560', '100', '0', '0', '0'];
  f.push(String(utime), String(stime), '0', '0', '20', '0', '11', '0', String(start), '1000000', String(rss));
  f.push(...Array.from({ length: 28 }, () => '0'));
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

/** The header line of a /proc/net/tcp table. */
const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

/** A /proc/net/tcp line: slot `sl`, kernel state `st` ('01' ESTABLISHED, '0A' LISTEN), socket inode. */
const line = (sl: number, st: string, inode: number) =>
  `${String(sl).padStart(4)}: 0100007F:1F90 0100007F:C350 ${st} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 20 4 30 10 -1\n`;

describe('collectors: what a round reads costs little', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-proc-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads a process CPU share since the previous reading and its RSS from one stat line', () => {
    fs.mkdirSync(path.join(root, '4242'));
    const write = (utime: number, stime: number) =>
      fs.writeFileSync(path.join(root, '4242', 'stat'), statLine(4242, 'node (worker) x', utime, stime, 1000, 2500));
    fs.writeFileSync(path.join(root, 'uptime'), '30.00 55.00\n');
    let now = 5000;
    const meter = new ProcCpuMeter(root, () => now);
    write(300, 100);
    // 4 s of CPU over the 20 s since it started (10 s after boot, uptime 30 s): 20 %.
    const first = meter.read(4242);
    assert.equal(first.cpu, 20);
    assert.equal(first.memory, 2500 * systemPageSize());
    write(350, 150);
    now += 2000;
    // 1 s more CPU over 2 s: 50 % of one core.
    assert.equal(meter.read(4242).cpu, 50);
    assert.throws(() => meter.read(4243), /ENOENT/);
    assert.deepEqual(parseProcPidStat(statLine(7, 'a) (b', 1, 2, 3, 4)), { cpuTicks: 3, startTicks: 3, rssPages: 4 });
    assert.equal(parseProcPidStat('garbage'), undefined);
  });

  it('measures this process from /proc like process.memoryUsage does', function () {
    if (process.platform !== 'linux') this.skip();
    const rss = process.memoryUsage.rss();
    const r = new ProcCpuMeter().read(process.pid);
    assert.ok(Math.abs(r.memory - rss) < rss * 0.25, `meter ${r.memory} vs memoryUsage ${rss}`);
    assert.ok(r.cpu >= 0);
  });

  it('counts the established sockets of a process in a socket table, whatever else the table holds', () => {
    const v4 = head + line(0, '0A', 11) + line(1, '01', 12) + line(2, '06', 0) + line(3, '01', 13) + line(4, '01', 99);
    assert.equal(countEstablished(Buffer.from(v4), new Set([11, 12, 13])), 2);
    const v6 =
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000000000000 20 4 30 10 -1';
    assert.equal(countEstablished(Buffer.from(v6), new Set([77])), 1);
    assert.equal(countEstablished(Buffer.from(head), new Set([77])), 0);
  });

  it('reads a socket table only when its sockstat line says it holds sockets, and both when that line is missing', async () => {
    fs.mkdirSync(path.join(root, 'net'));
    fs.mkdirSync(path.join(root, '4242', 'fd'), { recursive: true });
    for (const [fd, inode] of [
      [3, 21],
      [4, 22],
      [5, 61],
    ] as const)
      fs.symlinkSync(`socket:[${inode}]`, path.join(root, '4242', 'fd', String(fd)));
    fs.symlinkSync('/dev/null', path.join(root, '4242', 'fd', '0'));
    fs.writeFileSync(path.join(root, 'net', 'tcp'), head + line(0, '0A', 21) + line(1, '01', 22) + line(2, '01', 23));
    // Not what a kernel writes beside "TCP6: inuse 0": it shows whether the table was read at all.
    fs.writeFileSync(path.join(root, 'net', 'tcp6'), head + line(0, '01', 61));
    const sockstat = (tcp: number) =>
      `sockets: used 9\nTCP: inuse ${tcp} orphan 0 tw 6 alloc 1 mem 0\nUDP: inuse 0 mem 0\n`;
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), sockstat(3));
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 0\nUDP6: inuse 0\n');
    assert.equal(socketsInUse(path.join(root, 'net', 'sockstat'), 'TCP:'), 3);
    assert.equal(socketsInUse(path.join(root, 'net', 'sockstat6'), 'TCP6:'), 0);
    assert.equal(socketsInUse(path.join(root, 'net', 'sockstat6'), 'TCP:'), undefined);
    assert.equal(await countTcpConnections(4242, root), 1);
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 1\nUDP6: inuse 0\n');
    assert.equal(await countTcpConnections(4242, root), 2);
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), sockstat(0));
    assert.equal(await countTcpConnections(4242, root), 1);
    // No counters to go by (an older or stripped /proc, an odd line): every table is read.
    fs.rmSync(path.join(root, 'net', 'sockstat'));
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse many\n');
    assert.equal(socketsInUse(path.join(root, 'net', 'sockstat6'), 'TCP6:'), undefined);
    assert.equal(await countTcpConnections(4242, root), 2);
  });

  it('reads the socket tables again only when the process holds other sockets, or the last read is 30 s old', async () => {
    fs.mkdirSync(path.join(root, 'net'));
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'TCP: inuse 4 orphan 0 tw 0 alloc 4 mem 0\n');
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 0\n');
    const table = (...rows: [string, number][]) =>
      fs.writeFileSync(path.join(root, 'net', 'tcp'), head + rows.map(([st, inode], i) => line(i, st, inode)).join(''));
    const fdDir = path.join(root, '4242', 'fd');
    fs.mkdirSync(fdDir, { recursive: true });
    const open = (fd: number, inode: number) => fs.symlinkSync(`socket:[${inode}]`, path.join(fdDir, String(fd)));
    open(3, 21);
    open(4, 22);
    table(['0A', 21], ['01', 22]);
    let now = 0;
    const counter = new TcpConnectionCounter(() => now, root);
    assert.equal(await counter.count(4242), 1);
    assert.equal(counter.tableReads, 1);
    // The same sockets: the table is not read again, even though it changed under them.
    table(['0A', 21], ['08', 22]);
    now += 5000;
    assert.equal(await counter.count(4242), 1);
    assert.equal(counter.tableReads, 1);
    // A connection opened: the table is read and the new count is the table's.
    open(5, 23);
    table(['0A', 21], ['01', 22], ['01', 23]);
    now += 5000;
    assert.equal(await counter.count(4242), 2);
    assert.equal(counter.tableReads, 2);
    // One closed and another opened on the same fd number: a different set, read again.
    fs.rmSync(path.join(fdDir, '5'));
    open(5, 24);
    table(['0A', 21], ['01', 22], ['01', 24], ['01', 23]);
    now += 5000;
    assert.equal(await counter.count(4242), 2);
    assert.equal(counter.tableReads, 3);
    // A socket whose state moved while it stayed open shows once the last read is 30 s old.
    table(['0A', 21], ['08', 22], ['01', 24]);
    now += TABLE_MAX_AGE_MS - 1;
    assert.equal(await counter.count(4242), 2);
    assert.equal(counter.tableReads, 3);
    now += 1;
    assert.equal(await counter.count(4242), 1);
    assert.equal(counter.tableReads, 4);
    // Another process is counted from the tables; one that is gone is unknown.
    fs.mkdirSync(path.join(root, '4343', 'fd'), { recursive: true });
    fs.symlinkSync('socket:[22]', path.join(root, '4343', 'fd', '7'));
    table(['01', 22]);
    assert.equal(await counter.count(4343), 1);
    assert.equal(counter.tableReads, 5);
    assert.equal(await counter.count(4444), undefined);
  });

  it('reuses a connection count for longer when counting cost more CPU, so it stays under its share of a core', async () => {
    let now = 0;
    let cpu = 0;
    let counts = 0;
    const costly = cachedConnectionCounter(
      () => now,
      5000,
      () => {
        counts++;
        cpu += 20; // this count took 20 ms of CPU (a machine with a large connection hash)
        return Promise.resolve(counts);
      },
      () => cpu,
    );
    assert.equal(await costly(1), 1);
    const wait = 20 / CONNECTION_COUNT_CPU_SHARE;
    assert.ok(wait > 5000);
    now = wait - 1;
    assert.equal(await costly(1), 1, 'reused while counting would exceed its share');
    now = wait;
    assert.equal(await costly(1), 2);
    assert.equal(await costly(2), 3, 'another pid is counted at once');
    let cheap = 0;
    const quick = cachedConnectionCounter(
      () => now,
      5000,
      () => Promise.resolve(++cheap),
      () => cpu,
    );
    await quick(1);
    now += 5000;
    assert.equal(await quick(1), 2, 'a cheap count still refreshes every 5 s');
  });

  it('reads total and available memory from /proc/meminfo, with or without MemAvailable', () => {
    const modern =
      'MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    9000000 kB\nBuffers:  10 kB\n';
    assert.deepEqual(parseProcMeminfo(modern), { total: 16000000 * 1024, available: 9000000 * 1024 });
    const old = 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\nSlab: 25 kB\n';
    assert.deepEqual(parseProcMeminfo(old), { total: 1000 * 1024, available: 375 * 1024 });
    assert.equal(parseProcMeminfo('nothing here'), undefined);
    // A key is a whole name at a line's start: SwapCached is not Cached, nor HugeMemTotal MemTotal.
    const lookalikes =
      'HugeMemTotal: 7 kB\nMemTotal: 1000 kB\nSwapCached: 900 kB\nMemFree: 100 kB\nCached: 200 kB\nCachedX: 5 kB\n';
    assert.deepEqual(parseProcMeminfo(lookalikes), { total: 1000 * 1024, available: 300 * 1024 });
    assert.equal(parseProcMeminfo('MemTotal:   kB\n'), undefined, 'no digits: no total');
    if (process.platform === 'linux') {
      // This machine's file, against the same numbers read line by line.
      const text = fs.readFileSync('/proc/meminfo', 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]) * 1024;
      const read = parseProcMeminfo(text);
      assert.equal(read?.total, kb('MemTotal'));
      assert.equal(read?.available, Math.min(kb('MemTotal'), kb('MemAvailable')));
    }
  });
});
