/** Hostile routes about time and size: a service that hangs, drips, or never stops sending. */
import type { HostileRoutes } from './index';

export const basicRoutes: HostileRoutes = {
  /** Accepts the request and never answers. */
  '/hang': () => {
    /* never respond */
  },
  /** Sends headers, then one byte a second, forever. */
  '/drip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('#'), 1000);
    res.on('close', () => clearInterval(timer));
  },
  /** A body that never ends: 64 KiB chunks as fast as the client reads them. */
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    const chunk = Buffer.alloc(64 * 1024, '# endless comment line\n');
    const pump = (): void => {
      while (res.write(chunk)) {
        /* keep writing until the socket pushes back */
      }
    };
    res.on('drain', pump);
    pump();
  },
};
