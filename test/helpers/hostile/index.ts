/**
 * A hostile local service for tests: one HTTP server on 127.0.0.1 (a free port) whose routes each
 * misbehave in one way a real service can (hang, drip, endless body, gzip bomb, deep JSON, HTML
 * health, redirects, escape sequences, 100k series…). Routes are grouped by area in the files beside
 * this one; each area exports a `HostileRoutes` map and is listed in `ALL_ROUTES` below.
 *
 * Always `stop()` the handle in an after/afterEach hook: it destroys open sockets too, so routes that
 * never end (hang, drip, endless) don't keep the test process alive.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A route handler. It owns the response: it may never end it (the server's stop() cleans up). */
export type HostileHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
export type HostileRoutes = Record<string, HostileHandler>;

import { aiRoutes } from './ai';
import { basicRoutes } from './basic';
import { bombRoutes } from './bombs';
import { healthRoutes } from './health';
import { heapRoutes } from './heap';
import { netRoutes } from './net';
import { roundRoutes } from './round';

const ALL_ROUTES: HostileRoutes = {
  ...basicRoutes,
  ...netRoutes,
  ...healthRoutes,
  ...roundRoutes,
  ...bombRoutes,
  ...aiRoutes,
  ...heapRoutes,
};

export interface HostileService {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The full URL of one route, e.g. `at('/hang')`. */
  at(route: string): string;
  /** Paths requested so far, in order (query strings included). */
  requests: string[];
  stop(): Promise<void>;
}

export async function startHostileService(extra: HostileRoutes = {}): Promise<HostileService> {
  const routes: HostileRoutes = { ...ALL_ROUTES, ...extra };
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const route = routes[url.split('?')[0] ?? '/'];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such hostile route\n');
      return;
    }
    route(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    requests,
    at: (route) => `${url}${route}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
