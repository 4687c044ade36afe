/**
 * What one collection round of an attach session produces. The status bar, dashboard, analyzers,
 * alerts and CLI all read these. Every section is optional: a broken source leaves its section
 * undefined and adds an entry to `errors`, and the others still arrive.
 */

/**
 * 'unknown': a check or source whose status could not be read; 'no-verdict': the health endpoint
 * answered, but with nothing that says healthy or not (an HTML page, a redirect, text or JSON
 * without a status): reachable, not known to be healthy.
 */
export type HealthState = 'healthy' | 'degraded' | 'down' | 'unknown' | 'no-verdict';

export interface HealthCheckResult {
  name: string;
  status: HealthState;
  /** Free text from the service (a message, a value): shown as text, never HTML. */
  detail?: string;
}

export interface HealthSnapshot {
  state: HealthState;
  /** Why it is not healthy, one line each. */
  reasons: string[];
  checks: HealthCheckResult[];
  httpStatus?: number;
  latencyMs?: number;
  /** The path that answered (the configured health path, or a fallback such as /status). */
  path?: string;
}

export interface LatencyStats {
  avgMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface RouteStats extends LatencyStats {
  route: string;
  method?: string;
  /** Requests per second over the last interval. */
  requestRate: number;
  /** Share of requests that failed (5xx by default), 0..1. */
  errorRate: number;
}

export interface HttpStats extends LatencyStats {
  requestRate: number;
  errorRate: number;
  routes: RouteStats[];
}

export interface PoolStats {
  name?: string;
  size?: number;
  active?: number;
  idle?: number;
  pending?: number;
  /** Acquisitions per second. */
  acquireRate?: number;
  acquireWaitP95Ms?: number;
  /** Average time a connection is held, ms, when the service exposes it. */
  holdTimeMs?: number;
  /** Configured maximum size (HikariCP `_max`, Go `max_open_connections`). */
  max?: number;
  /** Average acquire wait over the last interval, ms. */
  acquireWaitAvgMs?: number;
}

export interface CacheStats {
  name?: string;
  hitRate?: number;
  hitsPerSec?: number;
  missesPerSec?: number;
  evictionsPerSec?: number;
  size?: number;
  maxSize?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
}

export interface QueryStats {
  /** Statement label as the service exposes it (e.g. the demo's `query` label). */
  query: string;
  /** Statement name when the service exposes one beside the SQL text (the demo's `statement` label). */
  statement?: string;
  rate: number;
  avgMs?: number;
  p95Ms?: number;
}

export interface ProcessStats {
  pid: number;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes?: number;
  openConnections?: number;
}

export interface SystemStats {
  cpuPercent: number;
  memUsedBytes: number;
  memTotalBytes: number;
  diskUsedBytes?: number;
  diskTotalBytes?: number;
  netRxBytesPerSec?: number;
  netTxBytesPerSec?: number;
}

/**
 * Bucket increases of one latency histogram over the last interval (cumulative counts, bounds in
 * ms), kept so the history store can merge them and give correct percentiles over long ranges.
 */
export interface HistogramDelta {
  /** Series name, e.g. 'http.duration', 'http.route.duration', 'pool.wait', 'query.duration'. */
  series: string;
  labels: Record<string, string>;
  buckets: { le: number; count: number }[];
  sumMs: number;
  count: number;
}

/** One instance of a service read through a Prometheus server (its `instance` label). */
export interface InstanceStats extends LatencyStats {
  instance: string;
  job?: string;
  /** Prometheus's `up`: false when the server's last scrape of this instance failed. */
  up: boolean;
  requestRate?: number;
  errorRate?: number;
  routes?: RouteStats[];
  cpuPercent?: number;
  rssBytes?: number;
  heapUsedBytes?: number;
}

/** An alert of the Prometheus server's own rules, shown beside PerfLens's alerts. */
export interface ServerAlert {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds when it became active. */
  activeAt?: number;
  value?: number;
  /** True when the alert's labels satisfy the target's selector (it is about this service). */
  matchesTarget: boolean;
}

export interface Snapshot {
  targetId: string;
  /** Epoch milliseconds of the collection round. */
  time: number;
  health?: HealthSnapshot;
  http?: HttpStats;
  pools?: PoolStats[];
  caches?: CacheStats[];
  queries?: QueryStats[];
  process?: ProcessStats;
  system?: SystemStats;
  /** Which preset matched which metric family, e.g. { httpRequests: 'http_requests_total (prom-client)' }. */
  presets?: Record<string, string>;
  /** Latency histogram increases this interval (absent on the first round: there is no previous scrape). */
  histograms?: HistogramDelta[];
  /** Seconds between the two scrapes the rates were computed from. */
  intervalSeconds?: number;
  /** Per-instance breakdown when the numbers come from a Prometheus server (several instances). */
  instances?: InstanceStats[];
  /** The Prometheus server's own pending and firing alerts, when read from one. */
  serverAlerts?: ServerAlert[];
  /** Per source failures this round: { source: 'scrape', kind: 'timeout', message }. */
  errors: { source: 'scrape' | 'health' | 'process' | 'system' | 'prometheus'; kind: string; message: string }[];
}
