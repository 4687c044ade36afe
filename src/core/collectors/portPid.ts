/**
 * Which process listens on a port, and how many TCP connections a process has open. On Linux both
 * come straight from /proc (the socket tables and each process's fd links), which is exact and
 * costs well under a millisecond; elsewhere systeminformation asks the OS (netstat/lsof).
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import type * as SystemInformation from 'systeminformation';
import type { Result } from '../util/result';
import { errorMessage, fail, ok } from '../util/result';
import { readProcBytes, readProcText } from './procStat';

export interface TcpSocketEntry {
  localPort: number;
  /** Kernel state code: '0A' LISTEN, '01' ESTABLISHED. */
  state: string;
  inode: number;
}

export const TCP_LISTEN = '0A';
export const TCP_ESTABLISHED = '01';

/** Parses /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): TcpSocketEntry[] {
  const out: TcpSocketEntry[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = f[1]!;
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    out.push({ localPort: parseInt(local.slice(colon + 1), 16), state: f[3]!.toUpperCase(), inode: Number(f[9]) });
  }
  return out;
}

/*
 * Reads of /proc are served from kernel memory in microseconds, so the per-round reads below are
 * synchronous: a promise and a thread-pool hop per fd link cost more CPU than the reads themselves.
 */
function readTcpTablesSync(procRoot: string): TcpSocketEntry[] {
  return ['tcp', 'tcp6'].flatMap((n) => {
    try {
      return parseProcNetTcp(fs.readFileSync(`${procRoot}/net/${n}`, 'utf8'));
    } catch {
      return [];
    }
  });
}

function socketInodesOfSync(pid: number, procRoot: string): Set<number> | undefined {
  let fds: string[];
  try {
    fds = fs.readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<number>();
  for (const fd of fds) {
    let link: string;
    try {
      link = fs.readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between readdir and readlink
    }
    if (link.startsWith('socket:[')) inodes.add(Number(link.slice(8, -1)));
  }
  return inodes;
}

/** Socket inodes a process holds open, read from its fd links (socket:[12345]). */
export async function socketInodesOf(pid: number, procRoot = '/proc'): Promise<Set<number> | undefined> {
  let fds: string[];
  try {
    fds = await fsp.readdir(`${procRoot}/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<number>();
  await Promise.all(
    fds.map(async (fd) => {
      const link = await fsp.readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(Number(m[1]));
    }),
  );
  return inodes;
}

function useProc(): boolean {
  return process.platform === 'linux';
}

interface SiConnection {
  localPort: string;
  state: string;
  pid: number | null;
}

async function siConnections(): Promise<SiConnection[]> {
  // Loaded on first use: systeminformation is large and the extension must activate cheaply.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const si = require('systeminformation') as typeof SystemInformation;
  return (await si.networkConnections()) as SiConnection[];
}

export type PortLookupFailure = 'not-found' | 'error';

/** The pid of the process listening on a TCP port on this machine. */
export async function findPidByPort(port: number, procRoot = '/proc'): Promise<Result<number, PortLookupFailure>> {
  try {
    if (useProc()) {
      const listening = new Set(
        readTcpTablesSync(procRoot)
          .filter((e) => e.state === TCP_LISTEN && e.localPort === port)
          .map((e) => e.inode),
      );
      if (listening.size === 0) return fail('not-found', `Nothing is listening on port ${port}.`);
      const pids = (await fsp.readdir(procRoot)).filter((d) => /^\d+$/.test(d));
      for (const p of pids) {
        const inodes = await socketInodesOf(Number(p), procRoot);
        if (inodes && [...listening].some((i) => inodes.has(i))) return ok(Number(p));
      }
      return fail(
        'not-found',
        `Port ${port} is open, but its process belongs to another user (its pid is not readable). Attach by pid instead.`,
      );
    }
    const conn = (await siConnections()).find((c) => Number(c.localPort) === port && c.state === 'LISTEN' && c.pid);
    return conn?.pid ? ok(conn.pid) : fail('not-found', `No process found listening on port ${port}.`);
  } catch (e) {
    return fail('error', `Could not look up the process on port ${port}: ${errorMessage(e)}`, e);
  }
}

/**
 * TCP ports a process listens on, lowest first, from its fd socket inodes and the socket tables of
 * its own network namespace (/proc/PID/net/tcp{,6}); undefined when its file descriptors cannot be
 * read (another user's process, no /proc).
 */
export function listeningPortsSync(pid: number, procRoot = '/proc'): number[] | undefined {
  const inodes = socketInodesOfSync(pid, procRoot);
  if (!inodes) return undefined;
  const ports = readTcpTablesSync(`${procRoot}/${pid}`)
    .filter((e) => e.state === TCP_LISTEN && e.localPort > 0 && inodes.has(e.inode))
    .map((e) => e.localPort);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** TCP ports a process listens on (empty elsewhere or when unreadable), lowest first. */
export async function listeningPortsOf(pid: number, procRoot = '/proc'): Promise<number[]> {
  try {
    if (useProc()) return listeningPortsSync(pid, procRoot) ?? [];
    const ports = (await siConnections())
      .filter((c) => c.pid === pid && c.state === 'LISTEN')
      .map((c) => Number(c.localPort));
    return [...new Set(ports)].filter((p) => p > 0).sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** Established TCP connections of a process (undefined when they cannot be read). */
export async function countTcpConnections(pid: number, procRoot = '/proc'): Promise<number | undefined> {
  try {
    if (useProc()) {
      const inodes = socketInodesOfSync(pid, procRoot);
      return inodes && establishedOf(inodes, procRoot);
    }
    return (await siConnections()).filter((c) => c.pid === pid && c.state === 'ESTABLISHED').length;
  } catch {
    return undefined;
  }
}

/** How long a count read from the socket tables stands while the process holds the same sockets. */
export const TABLE_MAX_AGE_MS = 30_000;

/**
 * Counts one process's established TCP connections as countTcpConnections does, but reads the
 * socket tables only when they can say something new. Writing /proc/net/tcp costs the kernel a
 * walk of its whole connection hash (about half a millisecond of CPU on a machine with a few
 * sockets and much memory), while the process's fd links, read every time, cost a fraction of
 * that: a connection opened or closed changes the set of socket inodes the process holds. When
 * that set is the one of the last table read, and that read is less than `tableMaxAgeMs` old, the
 * last count stands. The age bound covers what the set cannot show: a socket the process keeps
 * open while its state moves (a peer that closed, a connect that completed).
 */
export class TcpConnectionCounter {
  private last: { pid: number; inodes: Set<number>; at: number; count: number } | undefined;
  /** How many times the socket tables were read (for tests and benchmarks). */
  tableReads = 0;

  constructor(
    private readonly now: () => number,
    private readonly procRoot = '/proc',
    private readonly tableMaxAgeMs = TABLE_MAX_AGE_MS,
  ) {}

  /** Synchronous up to its end on Linux (no await): cachedConnectionCounter charges its CPU time to it. */
  async count(pid: number): Promise<number | undefined> {
    if (!useProc()) return countTcpConnections(pid, this.procRoot);
    try {
      const inodes = socketInodesOfSync(pid, this.procRoot);
      if (!inodes) return undefined;
      const at = this.now();
      const last = this.last;
      if (last && last.pid === pid && at - last.at < this.tableMaxAgeMs && sameInodes(last.inodes, inodes))
        return last.count;
      this.tableReads++;
      const count = establishedOf(inodes, this.procRoot);
      this.last = { pid, inodes, at, count };
      return count;
    } catch {
      return undefined;
    }
  }
}

function sameInodes(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const inode of b) if (!a.has(inode)) return false;
  return true;
}

/** Established connections among `inodes`, from the socket tables (a table sockstat says is empty is skipped). */
function establishedOf(inodes: ReadonlySet<number>, procRoot: string): number {
  if (inodes.size === 0) return 0;
  let n = 0;
  for (const [table, sockstat, label] of TCP_TABLES) {
    // The kernel walks its whole connection hash to write either table, however few sockets it
    // holds: a table that its sockstat file says is empty is not read.
    if (socketsInUse(`${procRoot}/net/${sockstat}`, label) === 0) continue;
    const text = readProcBytes(`${procRoot}/net/${table}`);
    if (text) n += countEstablished(text, inodes);
  }
  return n;
}

/** Each socket table with the sockstat file, and its line, that counts the sockets it lists. */
const TCP_TABLES = [
  ['tcp', 'sockstat', 'TCP:'],
  ['tcp6', 'sockstat6', 'TCP6:'],
] as const;

/**
 * Sockets in use of one protocol, from a sockstat file ("TCP: inuse 3 orphan 0 …"): a few counters
 * the kernel keeps, read without walking any table. Undefined when the file or its line is missing
 * or not as expected, so that the caller reads the table itself.
 */
export function socketsInUse(file: string, label: string): number | undefined {
  let text: string;
  try {
    text = readProcText(file);
  } catch {
    return undefined;
  }
  let line = IN_USE.get(label);
  if (line === undefined) {
    const literal = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    IN_USE.set(label, (line = new RegExp(`^${literal} inuse (\\d{1,15})(?: |$)`, 'm')));
  }
  const m = line.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The sockstat line of each label asked for, compiled once (a count reads both files). */
const IN_USE = new Map<string, RegExp>();

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** Index of the start of whitespace-separated field `k` (0-based) of the line [from, end), or -1. */
function fieldAt(buf: Buffer, from: number, end: number, k: number): number {
  let i = from;
  for (let f = 0; ; f++) {
    while (i < end && buf[i] === SPACE) i++;
    if (i >= end) return -1;
    if (f === k) return i;
    while (i < end && buf[i] !== SPACE) i++;
  }
}

/**
 * ESTABLISHED sockets of a /proc/net/tcp{,6} table whose inode is in `inodes`. The tables list
 * every socket of the machine (thousands in TIME_WAIT on a busy one), so a line is read only as
 * far as its state unless that state is ESTABLISHED; no line is split or decoded.
 */
export function countEstablished(table: Buffer, inodes: ReadonlySet<number>): number {
  let n = 0;
  let pos = table.indexOf(NEWLINE) + 1; // the header
  while (pos > 0 && pos < table.length) {
    const nl = table.indexOf(NEWLINE, pos);
    const end = nl < 0 ? table.length : nl;
    // sl local remote st …: the state is field 3, two hex digits; ESTABLISHED is 01.
    const st = fieldAt(table, pos, end, 3);
    if (st >= 0 && table[st] === 0x30 && table[st + 1] === 0x31 && (st + 2 === end || table[st + 2] === SPACE)) {
      // … tx:rx tr:when retrnsmt uid timeout inode: the inode is field 9.
      let i = fieldAt(table, st, end, 6);
      if (i >= 0) {
        let inode = 0;
        for (; i < end && table[i]! >= 0x30 && table[i]! <= 0x39; i++) inode = inode * 10 + (table[i]! - 0x30);
        if (inodes.has(inode)) n++;
      }
    }
    pos = end + 1;
  }
  return n;
}
