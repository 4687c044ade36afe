import type Database from 'better-sqlite3';
import * as http from 'node:http';
import * as inspector from 'node:inspector';
import { LruTtlCache } from './cache';
import { RequestAuditTrail } from './leak';
import type { DemoConfig } from './config';
import { healthReport } from './health';
import type { CentralityResult, GraphNode } from './hot';
import { computeCentrality, degreeCentrality } from './hot';
import { DemoMetrics, sqlLabel } from './metrics';
import { ConnectionPool, PoolTimeoutError } from './pool';
import type { Client } from 'pg';
import type { DemoConn } from './demoDb';
import { dollarParams, isSqlite } from './demoDb';

export const DEMO_VERSION = '0.1.0';

// The statements stay plain string literals so PerfLens's SQL extractor finds them in this file.
const WORKSPACES_SQL = 'SELECT id, name, created_at FROM workspaces ORDER BY id';
const ENTITIES_SQL = 'SELECT id, name, type, degree FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';
const ENTITY_DEGREES_SQL = 'SELECT id, degree FROM entities WHERE workspace_id = ?';
// The top-entities route reads its list, then each entity by id: one statement per item (an N+1).
const TOP_ENTITY_IDS_SQL = 'SELECT id FROM entities WHERE workspace_id = ? ORDER BY degree DESC LIMIT ?';
const ENTITY_BY_ID_SQL = 'SELECT id, name, type, degree, description FROM entities WHERE id = ?';

export interface Faults {
  latencyMs: number;
  errorRate: number;
  hot: boolean;
  /** Keep a record of every answered /api request, never evicting one (a memory leak). */
  leak: boolean;
}

interface RequestState {
  /** Injected latency is spent once per /api request: inside the connection hold when there is one. */
  latencySpent: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (
  url: URL,
  req: http.IncomingMessage,
  state: RequestState,
) => Promise<{ status?: number; body: unknown; text?: string; contentType?: string }>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function intParam(url: URL, name: string, dflt: number | undefined, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    if (dflt === undefined) throw new HttpError(400, `Query parameter ${name} is required.`);
    return dflt;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new HttpError(400, `Query parameter ${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

export class DemoApp {
  readonly metrics = new DemoMetrics();
  readonly pool: ConnectionPool<DemoConn>;
  readonly entitiesCache: LruTtlCache<unknown>;
  readonly graphCache: LruTtlCache<GraphNode[]>;
  readonly faults: Faults;
  readonly auditTrail = new RequestAuditTrail();
  readonly server: http.Server;
  private readonly statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
  private readonly startedAt = Date.now();
  private readonly routes: Map<string, Handler>;

  /** `pgClients`: run on PostgreSQL (--pg-url) over these connections instead of the SQLite file. */
  constructor(
    private readonly config: DemoConfig,
    pgClients?: Client[],
  ) {
    this.faults = { latencyMs: config.latencyMs, errorRate: config.errorRate, hot: config.hot, leak: config.leak };
    this.pool = new ConnectionPool<DemoConn>(
      pgClients ? { connections: pgClients, close: (c) => void (c as Client).end() } : config.dbPath,
      pgClients ? pgClients.length : config.poolSize,
      config.poolTimeoutMs,
      this.metrics.poolObserver(),
    );
    this.metrics.watchPool(this.pool);
    const ttlMs = config.cacheTtlSeconds * 1000;
    this.entitiesCache = new LruTtlCache(config.cacheSize, ttlMs, Date.now, this.metrics.cacheEvents('entities'));
    this.metrics.watchCache('entities', this.entitiesCache);
    // One entry per workspace is enough for the graph; it follows the entities cache's on/off switch.
    this.graphCache = new LruTtlCache<GraphNode[]>(
      config.cacheSize === 0 ? 0 : 64,
      ttlMs,
      Date.now,
      this.metrics.cacheEvents('graph'),
    );
    this.metrics.watchCache('graph', this.graphCache as LruTtlCache<unknown>);
    this.routes = new Map<string, Handler>([
      ['GET /api/workspaces', (_u, _r, s) => this.workspaces(s)],
      ['GET /api/graph/entities', (u, _r, s) => this.entities(u, s)],
      ['GET /api/graph/centrality', (u, _r, s) => this.centrality(u, s)],
      ['GET /api/graph/top-entities', (u, _r, s) => this.topEntities(u, s)],
      ['GET /health', () => this.health()],
      ['GET /status', () => Promise.resolve({ body: this.status() })],
      ['GET /metrics', () => this.metricsText()],
      ['GET /admin/faults', () => Promise.resolve({ body: this.faults })],
      ['POST /admin/faults', (_u, r) => this.setFaults(r)],
    ]);
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () =>
        resolve((this.server.address() as { port: number }).port),
      );
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        this.pool.close();
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const key = `${method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
    const handler = this.routes.get(key);
    // Routes are labelled by their pattern, never by the raw path, so label cardinality stays fixed.
    const route = handler ? key.slice(method.length + 1) : 'unmatched';
    res.on('finish', () => {
      this.metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
      this.metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
    });
    try {
      if (!handler)
        throw new HttpError(this.knownPath(url.pathname) ? 405 : 404, `No route for ${method} ${url.pathname}.`);
      const state: RequestState = { latencySpent: false };
      const isApi = route.startsWith('/api/');
      if (isApi && this.faults.errorRate > 0 && Math.random() < this.faults.errorRate) {
        throw new HttpError(500, 'Injected fault (error rate set through /admin/faults).');
      }
      const out = await handler(url, req, state);
      if (isApi && !state.latencySpent && this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      const body = out.text ?? JSON.stringify(out.body);
      res.writeHead(out.status ?? 200, { 'content-type': out.contentType ?? 'application/json; charset=utf-8' });
      res.end(body);
      if (isApi && this.faults.leak) this.auditTrail.remember(route, out.status ?? 200);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : e instanceof PoolTimeoutError ? 503 : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof HttpError) && !(e instanceof PoolTimeoutError))
        process.stderr.write(`demo-service: ${method} ${url.pathname} failed: ${message}\n`);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: message }));
    }
  }

  private knownPath(pathname: string): boolean {
    const p = pathname.replace(/\/+$/, '');
    return [...this.routes.keys()].some((k) => k.endsWith(` ${p}`));
  }

  /** Runs one statement on a pooled connection, timing it per statement, then spends the injected latency while still holding the connection. */
  private async query<T>(state: RequestState, statement: string, sql: string, params: unknown[]): Promise<T[]> {
    return this.pool.use(async (conn) => {
      const end = this.metrics.queryDuration.startTimer({ statement, sql: sqlLabel(sql) });
      let rows: T[];
      if (isSqlite(conn)) {
        let prepared = this.statements.get(conn);
        if (!prepared) this.statements.set(conn, (prepared = new Map()));
        let stmt = prepared.get(sql);
        if (!stmt) prepared.set(sql, (stmt = conn.prepare(sql)));
        rows = stmt.all(...params) as T[];
      } else rows = (await conn.query(dollarParams(sql), params)).rows as T[];
      end();
      if (!state.latencySpent && this.faults.latencyMs > 0) {
        state.latencySpent = true;
        await sleep(this.faults.latencyMs);
      }
      return rows;
    });
  }

  private async workspaces(state: RequestState) {
    const rows = await this.query(state, 'workspaces_list', WORKSPACES_SQL, []);
    return { body: { workspaces: rows } };
  }

  private async entities(url: URL, state: RequestState) {
    const workspaceId = intParam(url, 'workspace_id', undefined, 1, 1_000_000);
    const limit = intParam(url, 'limit', 50, 1, 1000);
    const cacheKey = `entities:${workspaceId}:${limit}`;
    const cached = this.entitiesCache.get(cacheKey);
    if (cached !== undefined) return { body: { workspace_id: workspaceId, limit, cached: true, entities: cached } };
    const rows = await this.query(state, 'entities_by_workspace', ENTITIES_SQL, [workspaceId, limit]);
    this.entitiesCache.set(cacheKey, rows);
    return { body: { workspace_id: workspaceId, limit, cached: false, entities: rows } };
  }

  private async topEntities(url: URL, state: RequestState) {
    const workspaceId = intParam(url, 'workspace_id', undefined, 1, 1_000_000);
    const limit = intParam(url, 'limit', 10, 1, 100);
    const ids = await this.query<{ id: number }>(state, 'top_entity_ids', TOP_ENTITY_IDS_SQL, [workspaceId, limit]);
    const entities: unknown[] = [];
    for (const { id } of ids) entities.push(...(await this.query(state, 'entity_by_id', ENTITY_BY_ID_SQL, [id])));
    return { body: { workspace_id: workspaceId, limit, entities } };
  }

  private async centrality(url: URL, state: RequestState) {
    const workspaceId = intParam(url, 'workspace_id', undefined, 1, 1_000_000);
    const iterations = intParam(url, 'iterations', 400, 1, 5000);
    const cacheKey = `graph:${workspaceId}`;
    let nodes = this.graphCache.get(cacheKey);
    if (!nodes) {
      nodes = await this.query<GraphNode>(state, 'entity_degrees_by_workspace', ENTITY_DEGREES_SQL, [workspaceId]);
      this.graphCache.set(cacheKey, nodes);
    }
    const result: CentralityResult = this.faults.hot ? computeCentrality(nodes, iterations) : degreeCentrality(nodes);
    return {
      body: {
        workspace_id: workspaceId,
        method: this.faults.hot ? 'power-iteration' : 'degree',
        nodes: nodes.length,
        ...result,
      },
    };
  }

  private async health() {
    const report = await healthReport(this.pool, this.entitiesCache, this.config.dbPath);
    return { status: report.status === 'unhealthy' ? 503 : 200, body: report };
  }

  private status() {
    const address = this.server.address();
    return {
      service: 'perflens-demo-service',
      version: DEMO_VERSION,
      pid: process.pid,
      node: process.version,
      started_at: new Date(this.startedAt).toISOString(),
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      inspector: inspector.url() ?? null,
      config: {
        host: this.config.host,
        port: typeof address === 'object' && address ? address.port : this.config.port,
        poolSize: this.config.poolSize,
        poolTimeoutMs: this.config.poolTimeoutMs,
        cacheSize: this.config.cacheSize,
        cacheTtlSeconds: this.config.cacheTtlSeconds,
        dbPath: this.config.dbPath,
        traffic: this.config.traffic,
      },
      faults: this.faults,
      pool: this.pool.stats(),
      caches: { entities: this.entitiesCache.stats(), graph: this.graphCache.stats() },
      audit_trail_records: this.auditTrail.size,
    };
  }

  private async metricsText() {
    return {
      text: await this.metrics.registry.metrics(),
      body: undefined,
      contentType: this.metrics.registry.contentType,
    };
  }

  private async setFaults(req: http.IncomingMessage) {
    const raw = await readBody(req, 64 * 1024);
    let input: unknown;
    try {
      input = JSON.parse(raw || '{}');
    } catch {
      throw new HttpError(400, 'The body must be JSON like {"latencyMs": 50, "errorRate": 0.1, "hot": true}.');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new HttpError(400, 'The body must be a JSON object.');
    const next = { ...this.faults };
    for (const [k, v] of Object.entries(input)) {
      if (k === 'latencyMs' && typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 60_000) next.latencyMs = v;
      else if (k === 'errorRate' && typeof v === 'number' && v >= 0 && v <= 1) next.errorRate = v;
      else if (k === 'hot' && typeof v === 'boolean') next.hot = v;
      else if (k === 'leak' && typeof v === 'boolean') next.leak = v;
      else
        throw new HttpError(
          400,
          `Invalid fault ${k}=${JSON.stringify(v)}: latencyMs is 0–60000, errorRate 0–1, hot and leak true/false.`,
        );
    }
    Object.assign(this.faults, next);
    return { body: this.faults };
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `The body is larger than ${limit} bytes.`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
