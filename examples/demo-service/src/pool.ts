import Database from 'better-sqlite3';

export interface PoolStats {
  size: number;
  active: number;
  idle: number;
  pending: number;
}

export interface PoolObserver {
  /** Called once a waiter got a connection, with how long it waited. */
  acquired(waitSeconds: number): void;
  /** Called when a connection goes back, with how long it was held. */
  released(holdSeconds: number): void;
}

export class PoolTimeoutError extends Error {}

interface Waiter<C> {
  resolve(conn: C): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A fixed pool of read-only better-sqlite3 connections. better-sqlite3 is synchronous, so a
 * connection is "busy" for as long as a request holds it (the query plus any injected latency):
 * with more concurrent requests than connections, the rest queue in acquire() and the wait shows up
 * in db_pool_pending and db_pool_acquire_wait_seconds, as it would with a networked database.
 */
export class ConnectionPool<C = Database.Database> {
  private readonly idleConns: C[] = [];
  private readonly all: C[] = [];
  private readonly waiters: Waiter<C>[] = [];
  private readonly heldSince = new Map<C, number>();
  private closed = false;
  // Method syntax: a pool of one connection type is usable where a wider one is expected.
  private readonly closer: { close(c: C): void };

  /**
   * `source` is the SQLite file (opened read-only `size` times), or connections already open
   * (PostgreSQL clients) with how to close one.
   */
  constructor(
    source: string | { connections: C[]; close(c: C): void },
    readonly size: number,
    private readonly timeoutMs: number,
    private readonly observer: PoolObserver,
  ) {
    if (typeof source === 'string') {
      for (let i = 0; i < size; i++)
        this.all.push(new Database(source, { readonly: true, fileMustExist: true }) as unknown as C);
      this.closer = { close: (c) => (c as unknown as Database.Database).close() };
    } else {
      this.all.push(...source.connections);
      this.closer = source;
    }
    this.idleConns.push(...this.all);
  }

  stats(): PoolStats {
    return {
      size: this.size,
      active: this.size - this.idleConns.length,
      idle: this.idleConns.length,
      pending: this.waiters.length,
    };
  }

  acquire(): Promise<C> {
    if (this.closed) return Promise.reject(new Error('The connection pool is closed.'));
    const started = performance.now();
    const conn = this.idleConns.pop();
    if (conn) {
      this.heldSince.set(conn, performance.now());
      this.observer.acquired(0);
      return Promise.resolve(conn);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<C> = {
        resolve: (c) => {
          this.observer.acquired((performance.now() - started) / 1000);
          resolve(c);
        },
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(
            new PoolTimeoutError(
              `No database connection became free within ${this.timeoutMs} ms (pool size ${this.size}).`,
            ),
          );
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(conn: C): void {
    const since = this.heldSince.get(conn);
    if (since === undefined) return;
    this.observer.released((performance.now() - since) / 1000);
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      this.heldSince.set(conn, performance.now());
      next.resolve(conn);
    } else {
      this.heldSince.delete(conn);
      this.idleConns.push(conn);
    }
  }

  /** Runs fn with a connection held, releasing it however fn ends. */
  async use<T>(fn: (conn: C) => Promise<T> | T): Promise<T> {
    const conn = await this.acquire();
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('The connection pool is closed.'));
    }
    for (const c of this.all) this.closer.close(c);
  }
}
