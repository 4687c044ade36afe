/**
 * An advisory lock beside a file (`FILE.lock`, created with O_EXCL), so two PerfLens processes
 * (two editor windows sharing the extension's storage, two CLI runs) never read-merge-write the
 * same history at once. A lock whose process is gone (same host, pid not running) or that is older
 * than `staleMs` is taken over; one held by a live process is waited for, up to `timeoutMs`.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import { processExists } from '../util/process';

export interface FileLockOptions {
  /** How long to wait for a live holder before giving up (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is a leftover whatever its pid says (default 60 s; a save takes well under a second). */
  staleMs?: number;
  /** Waits between attempts (real timers by default). */
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface LockOwner {
  pid: number;
  host: string;
  at: number;
  token: string;
}

/** The lock is held by a live process and did not come free in time. */
export class FileLockBusyError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockOwner | undefined,
    waitedMs: number,
  ) {
    super(
      `${lockFile} is held by ${holder ? `another PerfLens (process ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}, since ${new Date(holder.at).toISOString()})` : 'another PerfLens'} and was not released within ${Math.round(waitedMs / 1000)} s; if no PerfLens is running, delete ${lockFile}`,
    );
    this.name = 'FileLockBusyError';
  }
}

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readOwner(lockFile: string): Promise<{ owner?: LockOwner; mtimeMs: number } | undefined> {
  try {
    const [text, st] = await Promise.all([fsp.readFile(lockFile, 'utf8'), fsp.stat(lockFile)]);
    let owner: LockOwner | undefined;
    try {
      const o = JSON.parse(text) as Partial<LockOwner>;
      if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string')
        owner = { pid: o.pid, host: o.host, at: Number(o.at) || st.mtimeMs, token: o.token };
    } catch {
      // Being written right now, or damaged: judged by its age alone.
    }
    return { owner, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Removes a stale lock without removing a fresh one that replaced it in the meantime: it is renamed
 * away first, and put back if what was renamed turns out to be someone else's new lock.
 */
async function breakLock(lockFile: string, stale: LockOwner | undefined): Promise<void> {
  const aside = `${lockFile}.stale-${process.pid}-${randomUUID()}`;
  try {
    await fsp.rename(lockFile, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const taken = await readOwner(aside);
  if (stale && taken?.owner && taken.owner.token !== stale.token)
    await fsp.link(aside, lockFile).catch(() => undefined);
  await fsp.rm(aside, { force: true });
}

/** Runs `fn` while holding `FILE.lock`; the lock is released however `fn` ends. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const now = opts.now ?? Date.now;
  const wait = opts.wait ?? realWait;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 60_000;
  const me: LockOwner = { pid: process.pid, host: os.hostname(), at: now(), token: randomUUID() };
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fsp.open(lockFile, 'wx');
      try {
        await fh.writeFile(JSON.stringify(me));
      } finally {
        await fh.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = await readOwner(lockFile);
    if (!held) continue;
    const gone = held.owner !== undefined && held.owner.host === os.hostname() && !processExists(held.owner.pid);
    if (gone || now() - held.mtimeMs > staleMs) {
      await breakLock(lockFile, held.owner);
      continue;
    }
    if (now() - started >= timeoutMs) throw new FileLockBusyError(lockFile, held.owner, now() - started);
    await wait(Math.min(250, 10 * 2 ** Math.min(attempt, 5)) + Math.random() * 10);
  }
  try {
    return await fn();
  } finally {
    const held = await readOwner(lockFile).catch(() => undefined);
    if (held?.owner?.token === me.token) await fsp.rm(lockFile, { force: true });
  }
}
