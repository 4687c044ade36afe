/** Hostile routes about compression and profiles: bodies that inflate to gigabytes, empty and huge pprof. */
import { emptyGoPprof, gzipBomb, pprofBomb } from '../bombs';
import type { HostileRoutes } from './index';

let metricsBomb: Buffer | undefined;
let pprofBombBody: Buffer | undefined;

export const bombRoutes: HostileRoutes = {
  /**
   * Metrics with Content-Encoding: gzip, about 3 MB on the wire, 3 GiB once inflated (a valid
   * metric line, then spaces). Written as fast as the client reads.
   */
  '/gzip-bomb-metrics': (_req, res) => {
    metricsBomb ??= gzipBomb(3 * 1024, '# TYPE up gauge\nup 1\n');
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4',
      'content-encoding': 'gzip',
      'content-length': String(metricsBomb.length),
    });
    res.end(metricsBomb);
  },
  /** Go's net/http/pprof for a process that was idle: a valid profile with no samples. */
  '/pprof-empty/debug/pprof/profile': (req, res) => {
    const seconds = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('seconds')) || 10;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(emptyGoPprof(seconds));
  },
  /** A 300 KB gzipped pprof that inflates to 300 MiB of samples. */
  '/pprof-bomb/debug/pprof/profile': (_req, res) => {
    pprofBombBody ??= pprofBomb(300);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(pprofBombBody);
  },
};
