import * as path from 'node:path';

/** Everything the demo service can be told at start-up, from flags first, then env vars. */
export interface DemoConfig {
  host: string;
  /** 0 picks any free port; the chosen one is printed on the first stdout line. */
  port: number;
  poolSize: number;
  /** How long a request may wait for a pooled connection before it is answered 503 (DB_POOL_TIMEOUT). */
  poolTimeoutMs: number;
  /** Entries in the entities cache; 0 turns the cache off (every request reaches the database). */
  cacheSize: number;
  cacheTtlSeconds: number;
  latencyMs: number;
  errorRate: number;
  /** Whether /api/graph/centrality runs the CPU-hot computation. */
  hot: boolean;
  /** Whether every /api request leaves a record that is never evicted (a memory leak to find). */
  leak: boolean;
  dbPath: string;
  /** Run on this PostgreSQL database instead of the SQLite file (seeded with the same rows when empty). */
  pgUrl?: string;
  /** Set when the launcher should re-run node with --inspect; only read by scripts/demo-service.mjs. */
  inspect?: string;
  /** Exit when stdin closes, so a test harness that dies never leaves the service behind. */
  exitOnStdinClose: boolean;
  /** Whether the service sends itself gentle, varied requests, so charts show something at once. */
  traffic: boolean;
}

export class ConfigError extends Error {}

interface OptionSpec {
  flag: string;
  env: string;
  key: keyof DemoConfig;
  kind: 'int' | 'number' | 'rate' | 'bool' | 'string';
}

const OPTIONS: OptionSpec[] = [
  { flag: 'host', env: 'HOST', key: 'host', kind: 'string' },
  { flag: 'port', env: 'PORT', key: 'port', kind: 'int' },
  { flag: 'pool-size', env: 'DB_POOL_SIZE', key: 'poolSize', kind: 'int' },
  { flag: 'pool-timeout', env: 'DB_POOL_TIMEOUT', key: 'poolTimeoutMs', kind: 'number' },
  { flag: 'cache-size', env: 'CACHE_MAX_SIZE', key: 'cacheSize', kind: 'int' },
  { flag: 'cache-ttl', env: 'CACHE_TTL', key: 'cacheTtlSeconds', kind: 'number' },
  { flag: 'latency-ms', env: 'DEMO_LATENCY_MS', key: 'latencyMs', kind: 'number' },
  { flag: 'error-rate', env: 'DEMO_ERROR_RATE', key: 'errorRate', kind: 'rate' },
  { flag: 'hot', env: 'DEMO_HOT', key: 'hot', kind: 'bool' },
  { flag: 'leak', env: 'DEMO_LEAK', key: 'leak', kind: 'bool' },
  { flag: 'db', env: 'DEMO_DB_PATH', key: 'dbPath', kind: 'string' },
  { flag: 'pg-url', env: 'DEMO_PG_URL', key: 'pgUrl', kind: 'string' },
  { flag: 'inspect', env: 'DEMO_INSPECT', key: 'inspect', kind: 'string' },
  { flag: 'exit-on-stdin-close', env: 'DEMO_EXIT_ON_STDIN_CLOSE', key: 'exitOnStdinClose', kind: 'bool' },
  { flag: 'traffic', env: 'DEMO_TRAFFIC', key: 'traffic', kind: 'bool' },
];

export function defaultConfig(distDir: string): DemoConfig {
  return {
    host: '127.0.0.1',
    port: 3100,
    poolSize: 5,
    poolTimeoutMs: 30_000,
    cacheSize: 1000,
    cacheTtlSeconds: 300,
    latencyMs: 0,
    errorRate: 0,
    hot: true,
    leak: false,
    // ./data/graphrag.db, next to the service rather than wherever it was started from.
    dbPath: path.resolve(distDir, '..', 'data', 'graphrag.db'),
    exitOnStdinClose: false,
    traffic: true,
  };
}

function convert(spec: OptionSpec, raw: string, source: string): DemoConfig[keyof DemoConfig] {
  const bad = (why: string) => new ConfigError(`${source}: ${JSON.stringify(raw)} ${why}`);
  switch (spec.kind) {
    case 'string':
      if (!raw) throw bad('must not be empty');
      return raw;
    case 'bool': {
      const v = raw.toLowerCase();
      if (['', '1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw bad('is not true/false');
    }
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw bad('is not a whole number ≥ 0');
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw bad('is not a number ≥ 0');
      // DB_POOL_TIMEOUT and --pool-timeout are seconds, as the env var has always meant.
      return spec.key === 'poolTimeoutMs' ? n * 1000 : n;
    }
    case 'rate': {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0 || n > 1) throw bad('is not a share between 0 and 1');
      return n;
    }
  }
}

/** Reads env vars, then flags (--name value, --name=value, bare --bool); flags win. */
export function parseConfig(argv: string[], env: Record<string, string | undefined>, distDir: string): DemoConfig {
  const cfg = defaultConfig(distDir);
  const set = (spec: OptionSpec, raw: string, source: string) => {
    (cfg as unknown as Record<string, unknown>)[spec.key] = convert(spec, raw, source);
  };
  for (const spec of OPTIONS) {
    const v = env[spec.env];
    if (v !== undefined && v !== '') set(spec, v, spec.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ConfigError(`Unexpected argument ${arg}. Run with --help for the options.`);
    const spec = OPTIONS.find((o) => o.flag === m[1]);
    if (!spec) throw new ConfigError(`Unknown option --${m[1]}. Run with --help for the options.`);
    let raw = m[2];
    if (raw === undefined) {
      // Booleans and --inspect may stand alone; everything else takes the next word.
      if (spec.kind === 'bool') raw = 'true';
      else if (spec.key === 'inspect' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')))
        raw = '127.0.0.1:9229';
      else {
        raw = argv[++i];
        if (raw === undefined) throw new ConfigError(`Option --${spec.flag} needs a value.`);
      }
    }
    set(spec, raw, `--${spec.flag}`);
  }
  if (cfg.poolSize < 1) throw new ConfigError('--pool-size must be at least 1.');
  if (cfg.port > 65535) throw new ConfigError(`--port ${cfg.port} is not a valid port.`);
  cfg.dbPath = path.resolve(cfg.dbPath);
  return cfg;
}

export const USAGE = `PerfLens demo service: a small GraphRAG-style API over SQLite, for trying PerfLens.

Options (flag / env var, default):
  --host / HOST                       127.0.0.1
  --port / PORT                       3100 (0 = any free port)
  --pool-size / DB_POOL_SIZE          5 connections
  --pool-timeout / DB_POOL_TIMEOUT    30 s wait for a connection before 503
  --cache-size / CACHE_MAX_SIZE       1000 entries (0 = no cache)
  --cache-ttl / CACHE_TTL             300 s
  --latency-ms / DEMO_LATENCY_MS      0 ms added to every /api request
  --error-rate / DEMO_ERROR_RATE      0 (share of /api requests answered 500)
  --hot / DEMO_HOT                    true (--hot=false: centrality is cheap)
  --leak / DEMO_LEAK                  false (--leak: every /api request leaves ~100 KB that is never freed)
  --db / DEMO_DB_PATH                 <service>/data/graphrag.db
  --pg-url / DEMO_PG_URL              none: PostgreSQL instead of the SQLite file (seeded with the same rows)
  --inspect[=host:port] / DEMO_INSPECT  start node with the inspector (launcher only)
  --exit-on-stdin-close               exit when stdin closes (test harnesses)
  --traffic / DEMO_TRAFFIC            true: send itself 1–5 varied requests/s (--traffic=false: only yours)
`;
