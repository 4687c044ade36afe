/**
 * A loopback HTTP proxy in front of a service that counts the requests it has answered per path,
 * so a test can wait on "this client has scraped /metrics again" (an event) instead of a timer.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingProxy {
  url: string;
  /** Requests to `path` whose answer has been sent back. */
  answered(path: string): number;
  /** Resolves once `path` has been answered at least `count` times. */
  whenAnswered(path: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const waiters: { path: string; count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const wake = () => {
    for (const w of [...waiters])
      if ((counts.get(w.path) ?? 0) >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const up = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
      r.on('end', () => {
        counts.set(path, (counts.get(path) ?? 0) + 1);
        wake();
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    answered: (path) => counts.get(path) ?? 0,
    whenAnswered: (path, count) =>
      new Promise<void>((resolve) => {
        waiters.push({ path, count, resolve });
        wake();
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
