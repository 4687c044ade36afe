/**
 * CPU and memory of one process on Linux, from one read of /proc/PID/stat. pidusage does the same
 * reads through the thread pool (its stat file, then /proc/uptime, each an async hop) and keeps a
 * process-wide history per pid; at a 1 s interval those hops cost more CPU than the numbers. A
 * meter here is owned by one session, holds only the last reading of the one pid it measures, and
 * reads synchronously (the kernel serves the file from memory in microseconds), keeping the file
 * open from one reading to the next (readKeptProcText).
 */
import * as fs from 'node:fs';

/** CPU time counters in /proc are in USER_HZ ticks, which the kernel ABI fixes at 100 a second. */
export const USER_HZ = 100;

export interface ProcPidStat {
  /** User and system CPU time, in ticks. */
  cpuTicks: number;
  /** Process start, in ticks since boot. */
  startTicks: number;
  /** Resident set, in pages. */
  rssPages: number;
}

/**
 * The fields of a /proc/PID/stat line from field 3 (state) on, so field N is at index N - 3;
 * undefined when the line has no ')'. The command name (field 2) is in parentheses and may hold
 * spaces or parentheses itself, so fields are counted from the last ')'.
 */
export function procStatFields(text: string): string[] | undefined {
  const close = text.lastIndexOf(')');
  return close < 0 ? undefined : text.slice(close + 2).split(' ');
}

/** CPU, start time and resident set of a /proc/PID/stat line. */
export function parseProcPidStat(text: string): ProcPidStat | undefined {
  const f = procStatFields(text);
  if (f === undefined) return undefined;
  // utime is field 14, stime 15, starttime 22, rss 24.
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  const start = Number(f[19]);
  const rss = Number(f[21]);
  if (![utime, stime, start, rss].every(Number.isFinite)) return undefined;
  return { cpuTicks: utime + stime, startTicks: start, rssPages: rss };
}

/** One buffer for every /proc read: the reads are synchronous, so they never overlap. */
/** What the shared /proc read buffer starts at: most /proc files fit it. */
const PROC_BUFFER_BYTES = 16 * 1024;
let procBuffer = Buffer.allocUnsafe(PROC_BUFFER_BYTES);

/**
 * A /proc file's text, read with one open, as few reads as it takes and a close. readFileSync adds
 * an fstat (whose size /proc reports as 0 anyway), its options and a new buffer every call: more
 * than reading a small /proc file costs, at every round. Latin-1 keeps every byte as one character
 * (the kernel writes ASCII). Throws what open or read throws.
 */
export function readProcText(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    return readWhole(fd, null);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The /proc files read every round, each kept open: the machine-wide ones (/proc/stat,
 * /proc/meminfo, /proc/net/dev) and the stat file of each process measured. At most
 * MAX_KEPT_OPEN at once, the longest kept closed first, so files of processes no longer
 * measured cannot pile up.
 */
const keptOpen = new Map<string, number>();
const MAX_KEPT_OPEN = 16;

/**
 * readProcText for a /proc file read again and again: the file stays open and each call reads it
 * from offset 0, where the kernel writes it afresh, so a call costs the read and not also the
 * open and close (each a trip into the kernel, and the open walks the path: about as much as the
 * read itself for a small /proc file). A kept file whose read fails is closed and opened again
 * once, so a call throws what opening and reading it anew throws: a process's stat file kept open
 * fails with ESRCH once that process has gone, while its path then gives ENOENT, or the file of a
 * new process that was given the same pid.
 */
export function readKeptProcText(file: string): string {
  const fd = keptOpen.get(file);
  if (fd !== undefined) {
    try {
      return readWhole(fd, 0);
    } catch {
      forgetKept(file, fd);
    }
  }
  const opened = fs.openSync(file, 'r');
  let text: string;
  try {
    text = readWhole(opened, 0);
  } catch (e) {
    fs.closeSync(opened);
    throw e;
  }
  if (keptOpen.size >= MAX_KEPT_OPEN) {
    const [oldest, oldestFd] = keptOpen.entries().next().value as [string, number];
    forgetKept(oldest, oldestFd);
  }
  keptOpen.set(file, opened);
  return text;
}

/** Closes a kept file and forgets it. */
function forgetKept(file: string, fd: number): void {
  keptOpen.delete(file);
  try {
    fs.closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/** A process's own stat file (`…/PID/stat`), as against the machine-wide files. */
const PROCESS_STAT = /\/\d+\/stat$/;

/**
 * Closes the kept stat files of processes, leaving the machine-wide ones: for when no session
 * measures a process any more, so a process left behind holds no descriptor of ours.
 */
export function closeKeptProcessFiles(): void {
  for (const [file, fd] of keptOpen) if (PROCESS_STAT.test(file)) forgetKept(file, fd);
}

/** How many /proc files are kept open (for tests). */
export function keptOpenCount(): number {
  return keptOpen.size;
}

/** The rest of an open file's text: from where it stands (`from` null) or from offset `from`. */
function readWhole(fd: number, from: number | null): string {
  return readWholeBytes(fd, from).toString('latin1');
}

/** A buffer grown past this (a socket table of a busy machine) is let go after its read. */
const KEPT_PROC_BUFFER_BYTES = 1024 * 1024;

/**
 * The rest of an open file's bytes, in as few reads as it takes: a view of the shared buffer, valid
 * until the next /proc read.
 */
function readWholeBytes(fd: number, from: number | null): Buffer {
  let size = 0;
  for (;;) {
    if (size === procBuffer.length) {
      const bigger = Buffer.allocUnsafe(procBuffer.length * 2);
      procBuffer.copy(bigger, 0, 0, size);
      procBuffer = bigger;
    }
    const n = fs.readSync(fd, procBuffer, size, procBuffer.length - size, from === null ? null : from + size);
    if (n === 0) {
      const bytes = procBuffer.subarray(0, size);
      if (procBuffer.length > KEPT_PROC_BUFFER_BYTES) procBuffer = Buffer.allocUnsafe(PROC_BUFFER_BYTES);
      return bytes;
    }
    size += n;
  }
}

/**
 * A /proc file's bytes, read as readProcText reads its text, or undefined when it cannot be opened.
 * The socket tables are generated as they are read, and each read resumes the kernel's walk, so
 * the shared buffer, once grown to a table's size, reads it in one go. The result is a view that
 * the next /proc read overwrites: use it at once.
 */
export function readProcBytes(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    return readWholeBytes(fd, null);
  } finally {
    fs.closeSync(fd);
  }
}

let pageSize: number | undefined;

/**
 * The kernel's page size, without spawning `getconf`: this process's resident size in bytes
 * (process.memoryUsage) over the same figure in pages (its own stat file), rounded to a power of
 * two (4 KiB on x86, 16 or 64 KiB on some arm64 kernels).
 */
export function systemPageSize(): number {
  if (pageSize !== undefined) return pageSize;
  pageSize = 4096;
  try {
    const bytes = process.memoryUsage.rss();
    const own = parseProcPidStat(readProcText('/proc/self/stat'));
    if (own && own.rssPages > 0) {
      const p = 2 ** Math.round(Math.log2(bytes / own.rssPages));
      if (p >= 1024 && p <= 1 << 20) pageSize = p;
    }
  } catch {
    // keep 4 KiB
  }
  return pageSize;
}

function readSecondsSinceBoot(procRoot: string): number | undefined {
  try {
    const up = Number(readProcText(`${procRoot}/uptime`).split(' ', 1)[0]);
    return Number.isFinite(up) ? up : undefined;
  } catch {
    return undefined;
  }
}

export interface ProcUsage {
  /** Percent of one core since the previous reading of this pid (since the process started on the first). */
  cpu: number;
  /** Resident set size, bytes. */
  memory: number;
}

/**
 * Reads a pid's CPU share since the meter's previous reading of it. `now` is a monotonic clock in
 * milliseconds. Throws what the read throws (ENOENT once the process has gone).
 */
export class ProcCpuMeter {
  private last?: { pid: number; ticks: number; at: number };

  constructor(
    private readonly procRoot = '/proc',
    private readonly now: () => number = () => performance.now(),
  ) {}

  read(pid: number): ProcUsage {
    const text = readKeptProcText(`${this.procRoot}/${pid}/stat`);
    const at = this.now();
    const st = parseProcPidStat(text);
    if (!st) throw new Error(`${this.procRoot}/${pid}/stat could not be read as a process status line`);
    const prev = this.last?.pid === pid ? this.last : undefined;
    this.last = { pid, ticks: st.cpuTicks, at };
    let cpu = 0;
    if (prev) {
      const ms = at - prev.at;
      if (ms > 0) cpu = ((st.cpuTicks - prev.ticks) * (1000 / USER_HZ) * 100) / ms;
    } else {
      const up = readSecondsSinceBoot(this.procRoot);
      const lived = up === undefined ? 0 : up - st.startTicks / USER_HZ;
      if (lived > 0) cpu = ((st.cpuTicks / USER_HZ) * 100) / lived;
    }
    return { cpu: Math.max(0, cpu), memory: st.rssPages * systemPageSize() };
  }
}
