/**
 * Machine-wide resources: CPU load, memory, disk of the volume the service works on, and network
 * I/O rates (all interfaces but loopback). On Linux CPU, memory and network come from one read of
 * /proc/stat, /proc/meminfo and /proc/net/dev each; the disk from statfs(2) of the service's
 * directory, refreshed at most once a minute. systeminformation covers the other platforms (and
 * the disk where Node has no statfs). Network rates are computed from byte counters between our
 * own calls.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type * as SystemInformation from 'systeminformation';
import type { SystemStats } from '../session/types';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';
import { readKeptProcText } from './procStat';

type Si = typeof SystemInformation;

export interface SystemCollectorOptions {
  clock?: Clock;
  /** Directory whose volume's disk usage is reported (the service's working directory). */
  volumePath?: () => Promise<string | undefined> | string | undefined;
  diskRefreshMs?: number;
  /** Injected in tests; loaded lazily otherwise. */
  si?: Pick<Si, 'currentLoad' | 'mem' | 'fsSize' | 'networkStats'>;
}

/** Byte counters summed over interfaces other than loopback, from /proc/net/dev text. */
export function parseProcNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === 'lo') continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    rx += Number(f[0]) || 0;
    tx += Number(f[8]) || 0;
  }
  return { rx, tx };
}

/** Busy and total CPU time (any unit) from the aggregate `cpu` line of /proc/stat. */
export function parseProcStatCpu(text: string): { busy: number; total: number } | undefined {
  const line = text.split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal [guest guest_nice: already inside user/nice]
  const f = line.slice(4).trim().split(/\s+/).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  const idle = (f[3] || 0) + (f[4] || 0);
  return { busy: total - idle, total };
}

/** The /proc/meminfo lines parseProcMeminfo reads (of some fifty). */
const MEMINFO_KEYS: ReadonlySet<string> = new Set(['MemTotal', 'MemAvailable', 'MemFree', 'Buffers', 'Cached', 'Slab']);

/**
 * Total and available memory in bytes from /proc/meminfo text. Available is the kernel's own
 * estimate (MemAvailable), or on kernels before 3.14 free plus buffers, page cache and slab.
 */
export function parseProcMeminfo(text: string): { total: number; available: number } | undefined {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (MEMINFO_KEYS.has(key)) values.set(key, parseInt(line.slice(colon + 1), 10) * 1024);
  }
  const kb = (key: string): number | undefined => {
    const v = values.get(key);
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  const total = kb('MemTotal');
  if (!total) return undefined;
  const available =
    kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0) + (kb('Slab') ?? 0);
  return { total, available: Math.min(total, available) };
}

function cpuTimes(): { busy: number; total: number } {
  if (process.platform === 'linux') {
    try {
      const t = parseProcStatCpu(readKeptProcText('/proc/stat'));
      if (t) return t;
    } catch {
      // fall back to os.cpus()
    }
  }
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq;
    busy += t;
    total += t + c.times.idle;
  }
  return { busy, total };
}

interface DiskUsage {
  used: number;
  total: number;
}

/** The filesystem whose mount point is the longest prefix of `dir`. */
export function volumeOf<T extends { mount: string }>(filesystems: readonly T[], dir: string): T | undefined {
  let best: T | undefined;
  for (const fs of filesystems) {
    const m =
      fs.mount.endsWith('/') || fs.mount.endsWith('\\') ? fs.mount : fs.mount + (dir.includes('\\') ? '\\' : '/');
    const under = dir === fs.mount || dir.startsWith(m) || fs.mount === '/';
    if (under && (!best || fs.mount.length > best.mount.length)) best = fs;
  }
  return best;
}

export class SystemCollector {
  private readonly clock: Clock;
  private si?: SystemCollectorOptions['si'];
  private disk?: { at: number; usage?: DiskUsage };
  private lastNet?: { at: number; rx: number; tx: number };
  private lastCpu?: { busy: number; total: number };

  constructor(private readonly opts: SystemCollectorOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.si = opts.si;
  }

  private lib(): NonNullable<SystemCollectorOptions['si']> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.si ??= require('systeminformation') as Si;
    return this.si;
  }

  /**
   * Machine CPU % since the previous call (since boot on the first). Computed from the kernel's
   * counters directly: systeminformation's currentLoad runs `cat /proc/stat | grep cpu` through a
   * shell on every call on Linux, which at a 1 s interval would cost more than everything else.
   */
  private async cpuPercent(): Promise<number> {
    if (this.opts.si) return (await this.opts.si.currentLoad()).currentLoad;
    const now = cpuTimes();
    const prev = this.lastCpu;
    this.lastCpu = now;
    const busy = prev ? now.busy - prev.busy : now.busy;
    const total = prev ? now.total - prev.total : now.total;
    return total > 0 ? Math.min(100, Math.max(0, (busy / total) * 100)) : 0;
  }

  /**
   * On Linux the counters come from /proc/net/dev directly (a few µs; systeminformation's
   * networkStats costs ~2 ms of CPU a call, too much for a 1 s interval); elsewhere from it.
   */
  private async netCounters(): Promise<{ rx: number; tx: number }> {
    if (!this.opts.si && process.platform === 'linux') {
      try {
        return parseProcNetDev(readKeptProcText('/proc/net/dev'));
      } catch {
        // fall through to systeminformation
      }
    }
    const nets = await this.lib().networkStats();
    return { rx: nets.reduce((a, n) => a + (n.rx_bytes || 0), 0), tx: nets.reduce((a, n) => a + (n.tx_bytes || 0), 0) };
  }

  /** Total and used memory, "used" without the page cache and buffers the kernel gives back on demand. */
  private async memory(): Promise<{ used: number; total: number }> {
    if (!this.opts.si && process.platform === 'linux') {
      try {
        const m = parseProcMeminfo(readKeptProcText('/proc/meminfo'));
        if (m) return { used: m.total - m.available, total: m.total };
      } catch {
        // fall through to systeminformation
      }
    }
    const mem = await this.lib().mem();
    return { used: mem.active, total: mem.total };
  }

  private async diskUsage(now: number): Promise<DiskUsage | undefined> {
    const refresh = this.opts.diskRefreshMs ?? 60_000;
    if (this.disk && now - this.disk.at < refresh) return this.disk.usage;
    const dir = (await this.opts.volumePath?.()) ?? process.cwd();
    this.disk = { at: now, usage: await this.volumeUsage(dir) };
    return this.disk.usage;
  }

  /** statfs(2) of the directory itself where Node has it; systeminformation's `df` table otherwise. */
  private async volumeUsage(dir: string): Promise<DiskUsage | undefined> {
    if (!this.opts.si && typeof fs.promises.statfs === 'function') {
      const st = await fs.promises.statfs(dir).catch(() => undefined);
      if (st && st.blocks > 0) return { used: (st.blocks - st.bfree) * st.bsize, total: st.blocks * st.bsize };
    }
    const volume = volumeOf(await this.lib().fsSize(), dir);
    return volume ? { used: volume.used, total: volume.size } : undefined;
  }

  async collect(): Promise<Result<SystemStats, 'error'>> {
    const now = this.clock.now();
    try {
      const [cpuPercent, mem, net] = await Promise.all([this.cpuPercent(), this.memory(), this.netCounters()]);
      const stats: SystemStats = { cpuPercent, memUsedBytes: mem.used, memTotalBytes: mem.total };
      const disk = await this.diskUsage(now).catch(() => undefined);
      if (disk) {
        stats.diskUsedBytes = disk.used;
        stats.diskTotalBytes = disk.total;
      }
      const { rx, tx } = net;
      const prev = this.lastNet;
      if (prev && now > prev.at && rx >= prev.rx && tx >= prev.tx) {
        stats.netRxBytesPerSec = ((rx - prev.rx) * 1000) / (now - prev.at);
        stats.netTxBytesPerSec = ((tx - prev.tx) * 1000) / (now - prev.at);
      }
      this.lastNet = { at: now, rx, tx };
      return ok(stats);
    } catch (e) {
      return fail('error', `Could not read system CPU/memory/network: ${errorMessage(e)}`, e);
    }
  }
}
