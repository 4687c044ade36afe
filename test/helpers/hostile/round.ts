/**
 * Hostile routes about one collection round: a health body nested thousands of levels deep, a
 * scrape with 100,000 series (one label holding ids), and well-behaved metrics to pair them with,
 * so a test can check that one broken source leaves the others counted.
 */
import type { HostileHandler, HostileRoutes } from './index';

/** 3,000 nested arrays (6 KB) under the checks of an otherwise ordinary health answer. */
export const DEEP_HEALTH_LEVELS = 3000;

/**
 * `/series-100k`: a route label holding user ids, so each of 6,666 routes has one counter series and
 * 14 histogram series (12 buckets, sum, count): 99,991 series with the process gauge.
 */
export const SERIES_100K_ROUTES = 6666;
export const SERIES_100K = SERIES_100K_ROUTES * 15 + 1;
export const EXPLODED_FAMILY = 'http_request_duration_seconds';

const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

let series100k: string | undefined;

/** Built once and kept: 6.9 MB of text, the same for every request (rates are 0, which is fine for memory tests). */
export function series100kBody(): string {
  if (series100k) return series100k;
  const lines: string[] = ['# HELP http_requests_total Requests.', '# TYPE http_requests_total counter'];
  for (let i = 0; i < SERIES_100K_ROUTES; i++)
    lines.push(`http_requests_total{method="GET",route="/users/${100000 + i}",status="200"} ${i + 1}`);
  lines.push(`# HELP ${EXPLODED_FAMILY} Latency.`, `# TYPE ${EXPLODED_FAMILY} histogram`);
  for (let i = 0; i < SERIES_100K_ROUTES; i++) {
    const labels = `method="GET",route="/users/${100000 + i}"`;
    LE.forEach((le, b) => lines.push(`${EXPLODED_FAMILY}_bucket{${labels},le="${le}"} ${Math.min(i + 1, b + 1)}`));
    lines.push(`${EXPLODED_FAMILY}_sum{${labels}} ${(i + 1) * 0.05}`, `${EXPLODED_FAMILY}_count{${labels}} ${i + 1}`);
  }
  lines.push('# TYPE process_resident_memory_bytes gauge', 'process_resident_memory_bytes 123456789');
  series100k = lines.join('\n') + '\n';
  return series100k;
}

let smallScrapes = 0;

/** Ordinary metrics whose counters grow with every scrape, so rates and percentiles are non-zero. */
const metricsSmall: HostileHandler = (_req, res) => {
  const n = ++smallScrapes * 10;
  const lines = ['# TYPE http_requests_total counter'];
  for (const route of ['/a', '/b']) lines.push(`http_requests_total{method="GET",route="${route}",status="200"} ${n}`);
  lines.push('# TYPE http_request_duration_seconds histogram');
  for (const route of ['/a', '/b']) {
    LE.forEach((le, b) =>
      lines.push(
        `http_request_duration_seconds_bucket{method="GET",route="${route}",le="${le}"} ${b < 4 ? Math.round(n / 2) : n}`,
      ),
    );
    lines.push(
      `http_request_duration_seconds_sum{method="GET",route="${route}"} ${n * 0.03}`,
      `http_request_duration_seconds_count{method="GET",route="${route}"} ${n}`,
    );
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(lines.join('\n') + '\n');
};

export const roundRoutes: HostileRoutes = {
  /** A 200 JSON health answer whose one check is 3,000 arrays deep. */
  '/health-deep': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"status":"ok","checks":${'['.repeat(DEEP_HEALTH_LEVELS)}${']'.repeat(DEEP_HEALTH_LEVELS)}}`);
  },
  '/metrics-small': metricsSmall,
  '/series-100k': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(series100kBody());
  },
};

/**
 * Routes that never answer and remember each request until its socket closes, so a test can
 * assert that the client gave up (every socket closed) without timing anything.
 */
export class HangObserver {
  readonly open = new Set<string>();
  /** Every request that arrived, by route name. */
  readonly seen: string[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  /** A handler for `name` that never answers. */
  route(name: string): HostileHandler {
    return (req) => {
      const id = `${name}#${this.seen.length}`;
      this.seen.push(name);
      this.open.add(id);
      this.changed();
      req.socket.once('close', () => {
        this.open.delete(id);
        this.changed();
      });
    };
  }

  /** Resolves once `test` holds (checked now and on every request and close). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private changed(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }
}
