/**
 * The preset table: which metric names real exporters use for the things PerfLens reads (HTTP
 * traffic, connection pools, caches, per-query timings, process resources), in priority order.
 * Detection (presets.ts) picks, per concept, the preset whose metric is present in a scrape.
 */

export type Concept =
  | 'httpRequests'
  | 'httpDuration'
  | 'poolSize'
  | 'poolMax'
  | 'poolActive'
  | 'poolIdle'
  | 'poolPending'
  | 'poolWait'
  | 'poolWaitCount'
  | 'poolWaitSecondsTotal'
  | 'poolHold'
  | 'poolAcquires'
  | 'cacheHits'
  | 'cacheMisses'
  | 'cacheEvictions'
  | 'cacheSize'
  | 'cacheMaxSize'
  | 'cacheMemory'
  | 'cacheMemoryLimit'
  | 'queryDuration'
  | 'processCpu'
  | 'processRss'
  | 'heap';

/** A connection pool's concepts, read together (one breakdown label for all of them). */
export const POOL_CONCEPTS: readonly Concept[] = [
  'poolSize',
  'poolMax',
  'poolActive',
  'poolIdle',
  'poolPending',
  'poolWait',
  'poolWaitCount',
  'poolWaitSecondsTotal',
  'poolHold',
  'poolAcquires',
];

/** A cache's concepts, read together. */
export const CACHE_CONCEPTS: readonly Concept[] = [
  'cacheHits',
  'cacheMisses',
  'cacheEvictions',
  'cacheSize',
  'cacheMaxSize',
  'cacheMemory',
  'cacheMemoryLimit',
];

export const CONCEPTS: readonly Concept[] = [
  'httpRequests',
  'httpDuration',
  ...POOL_CONCEPTS,
  ...CACHE_CONCEPTS,
  'queryDuration',
  'processCpu',
  'processRss',
  'heap',
];

export type MetricShape = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Which label carries what. A label named here must exist on the metric for the mapping to match. */
export interface LabelRoles {
  route?: string;
  method?: string;
  status?: string;
  /** Pool or cache name. */
  name?: string;
  /** Query text or statement name. */
  query?: string;
}

export interface MetricMapping {
  /** Counter: the sample name (with `_total` where the exporter writes it). Others: the family's base name. */
  metric: string;
  shape: MetricShape;
  /** Scale of the values; inferred from the name (`_seconds`, `_ms`) when omitted. */
  unit?: 'seconds' | 'milliseconds' | 'bytes' | 'ratio';
  labels?: LabelRoles;
  /** Only samples carrying these label values count (e.g. Micrometer's `result="hit"`). */
  match?: Record<string, string>;
  /** Name to report for pools/caches when the metric has no name label (e.g. "redis"). */
  fixedName?: string;
}

export interface Preset {
  id: string;
  title: string;
  /** Alternatives per concept, first present wins. */
  mappings: Partial<Record<Concept, MetricMapping[]>>;
}

const c = (metric: string, labels?: LabelRoles, extra: Partial<MetricMapping> = {}): MetricMapping => ({
  metric,
  shape: 'counter',
  labels,
  ...extra,
});
const g = (metric: string, labels?: LabelRoles, extra: Partial<MetricMapping> = {}): MetricMapping => ({
  metric,
  shape: 'gauge',
  labels,
  ...extra,
});
const h = (metric: string, labels?: LabelRoles, extra: Partial<MetricMapping> = {}): MetricMapping => ({
  metric,
  shape: 'histogram',
  labels,
  ...extra,
});
const s = (metric: string, labels?: LabelRoles, extra: Partial<MetricMapping> = {}): MetricMapping => ({
  metric,
  shape: 'summary',
  labels,
  ...extra,
});

const nodeProcess = {
  processCpu: [c('process_cpu_seconds_total')],
  processRss: [g('process_resident_memory_bytes')],
  heap: [g('nodejs_heap_size_used_bytes')],
};

const goProcess = {
  processCpu: [c('process_cpu_seconds_total')],
  processRss: [g('process_resident_memory_bytes')],
  heap: [g('go_memstats_heap_alloc_bytes')],
};

/**
 * OpenTelemetry's HTTP server duration histogram, under both semantic conventions as Prometheus
 * exporters write them: the stable `http.server.request.duration` (seconds; http.request.method,
 * http.response.status_code, http.route) and the older `http.server.duration` (milliseconds;
 * http.method, http.status_code, http.route). Dots become underscores; some exporters append the
 * unit (`_seconds`, `_milliseconds`), the JavaScript one does not. `http.route` is there only
 * when a framework knows the route (plain `http` has none), so each is also read without it.
 * Requests are the histogram's `_count`.
 */
function otelHttp(shape: 'counter' | 'histogram'): MetricMapping[] {
  const conventions = [
    {
      names: ['http_server_request_duration_seconds', 'http_server_request_duration'],
      unit: 'seconds',
      method: 'http_request_method',
      status: 'http_response_status_code',
    },
    {
      names: ['http_server_duration_milliseconds', 'http_server_duration'],
      unit: 'milliseconds',
      method: 'http_method',
      status: 'http_status_code',
    },
  ] as const;
  const out: MetricMapping[] = [];
  for (const conv of conventions) {
    for (const name of conv.names) {
      for (const route of ['http_route', undefined]) {
        const labels: LabelRoles = { method: conv.method, ...(route ? { route } : {}) };
        out.push(
          shape === 'counter'
            ? c(`${name}_count`, { ...labels, status: conv.status }, { unit: conv.unit })
            : h(name, labels, { unit: conv.unit }),
        );
      }
    }
  }
  return out;
}

/** In priority order: on equal evidence the earlier preset wins. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'demo',
    title: 'PerfLens demo service',
    mappings: {
      httpRequests: [c('http_requests_total', { route: 'route', method: 'method', status: 'status' })],
      httpDuration: [h('http_request_duration_seconds', { route: 'route', method: 'method' })],
      poolSize: [g('db_pool_size')],
      poolActive: [g('db_pool_active')],
      poolIdle: [g('db_pool_idle')],
      poolPending: [g('db_pool_pending')],
      poolWait: [h('db_pool_acquire_wait_seconds')],
      poolHold: [h('db_pool_hold_seconds')],
      poolAcquires: [c('db_pool_acquires_total')],
      cacheHits: [c('cache_hits_total', { name: 'cache' })],
      cacheMisses: [c('cache_misses_total', { name: 'cache' })],
      cacheEvictions: [c('cache_evictions_total', { name: 'cache' })],
      cacheSize: [g('cache_size')],
      cacheMaxSize: [g('cache_max_size')],
      cacheMemory: [g('cache_memory_bytes', { name: 'cache' })],
      queryDuration: [h('db_query_duration_seconds', { query: 'sql', name: 'statement' })],
      ...nodeProcess,
    },
  },
  {
    id: 'prom-client',
    title: 'prom-client (Node.js)',
    mappings: {
      httpRequests: [
        c('http_requests_total', { route: 'route', method: 'method', status: 'status_code' }),
        c('http_request_duration_seconds_count', { route: 'route', method: 'method', status: 'status_code' }),
        c('http_request_duration_seconds_count', { route: 'path', method: 'method', status: 'status_code' }),
      ],
      httpDuration: [
        h('http_request_duration_seconds', { route: 'route', method: 'method' }),
        h('http_request_duration_seconds', { route: 'path', method: 'method' }),
      ],
      ...nodeProcess,
    },
  },
  {
    id: 'python-fastapi',
    title: 'prometheus_client + prometheus-fastapi-instrumentator (Python)',
    mappings: {
      httpRequests: [c('http_requests_total', { route: 'handler', method: 'method', status: 'status' })],
      httpDuration: [h('http_request_duration_seconds', { route: 'handler', method: 'method' })],
      processCpu: [c('process_cpu_seconds_total')],
      processRss: [g('process_resident_memory_bytes')],
    },
  },
  {
    id: 'micrometer',
    title: 'Micrometer / Spring Boot',
    mappings: {
      httpRequests: [c('http_server_requests_seconds_count', { route: 'uri', method: 'method', status: 'status' })],
      httpDuration: [
        h('http_server_requests_seconds', { route: 'uri', method: 'method' }),
        s('http_server_requests_seconds', { route: 'uri', method: 'method' }),
      ],
      poolSize: [g('hikaricp_connections', { name: 'pool' })],
      poolMax: [g('hikaricp_connections_max', { name: 'pool' })],
      poolActive: [g('hikaricp_connections_active', { name: 'pool' })],
      poolIdle: [g('hikaricp_connections_idle', { name: 'pool' })],
      poolPending: [g('hikaricp_connections_pending', { name: 'pool' })],
      poolWait: [
        h('hikaricp_connections_acquire_seconds', { name: 'pool' }),
        s('hikaricp_connections_acquire_seconds', { name: 'pool' }),
      ],
      poolHold: [
        h('hikaricp_connections_usage_seconds', { name: 'pool' }),
        s('hikaricp_connections_usage_seconds', { name: 'pool' }),
      ],
      poolAcquires: [c('hikaricp_connections_acquire_seconds_count', { name: 'pool' })],
      cacheHits: [c('cache_gets_total', { name: 'cache' }, { match: { result: 'hit' } })],
      cacheMisses: [c('cache_gets_total', { name: 'cache' }, { match: { result: 'miss' } })],
      cacheEvictions: [c('cache_evictions_total', { name: 'cache' })],
      cacheSize: [g('cache_size', { name: 'cache' })],
      processCpu: [g('process_cpu_usage', undefined, { unit: 'ratio' })],
      heap: [g('jvm_memory_used_bytes', undefined, { match: { area: 'heap' } })],
    },
  },
  {
    id: 'prometheus-server',
    title: 'Prometheus server (client_golang)',
    mappings: {
      httpRequests: [c('prometheus_http_requests_total', { route: 'handler', status: 'code' })],
      httpDuration: [h('prometheus_http_request_duration_seconds', { route: 'handler' })],
      ...goProcess,
    },
  },
  {
    id: 'go',
    title: 'Go client_golang (promhttp) + database/sql collector',
    mappings: {
      // promhttp's Instrument* helpers label with whichever of handler, code and method the
      // service's vectors declare; an exporter that serves only its own /metrics (node_exporter)
      // has just promhttp's count of scrapes by code.
      httpRequests: [
        c('http_requests_total', { route: 'handler', method: 'method', status: 'code' }),
        c('http_requests_total', { route: 'handler', status: 'code' }),
        c('http_requests_total', { method: 'method', status: 'code' }),
        c('promhttp_metric_handler_requests_total', { status: 'code' }),
      ],
      httpDuration: [
        h('http_request_duration_seconds', { route: 'handler', method: 'method' }),
        h('http_request_duration_seconds', { route: 'handler' }),
        h('http_request_duration_seconds', { method: 'method' }),
      ],
      poolSize: [g('go_sql_open_connections', { name: 'db_name' })],
      poolMax: [g('go_sql_max_open_connections', { name: 'db_name' })],
      poolActive: [g('go_sql_in_use_connections', { name: 'db_name' })],
      poolIdle: [g('go_sql_idle_connections', { name: 'db_name' })],
      poolWaitCount: [c('go_sql_wait_count_total', { name: 'db_name' })],
      poolWaitSecondsTotal: [c('go_sql_wait_duration_seconds_total', { name: 'db_name' })],
      ...goProcess,
    },
  },
  {
    id: 'redis',
    title: 'redis_exporter',
    mappings: {
      cacheHits: [c('redis_keyspace_hits_total', undefined, { fixedName: 'redis' })],
      cacheMisses: [c('redis_keyspace_misses_total', undefined, { fixedName: 'redis' })],
      cacheEvictions: [c('redis_evicted_keys_total', undefined, { fixedName: 'redis' })],
      cacheSize: [g('redis_db_keys', undefined, { fixedName: 'redis' })],
      cacheMemory: [g('redis_memory_used_bytes', undefined, { fixedName: 'redis' })],
      cacheMemoryLimit: [g('redis_memory_max_bytes', undefined, { fixedName: 'redis' })],
    },
  },
  {
    id: 'opentelemetry',
    title: 'OpenTelemetry Prometheus exporter',
    mappings: { httpRequests: otelHttp('counter'), httpDuration: otelHttp('histogram') },
  },
];
