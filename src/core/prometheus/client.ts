/**
 * A small client for the Prometheus HTTP API (also served by Thanos, Mimir, VictoriaMetrics).
 *
 * Plain HTTP over src/core/util/http.ts rather than a package: the JS clients on npm are either
 * unmaintained for years or pull in axios/fetch polyfills and a query DSL we don't need, and none
 * maps Prometheus's error envelope (errorType bad_data / timeout / execution) to typed failures.
 * Four endpoints and one JSON envelope are little code, and every failure stays a value.
 */
import type { ConnectPolicy } from '../util/connect';
import type { HttpGetOptions, HttpResponse, HttpFailureKind } from '../util/http';
import { httpRequest } from '../util/http';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';

export type PrometheusAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string };

export type PrometheusFailureKind =
  | 'invalid-url'
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'not-found'
  | 'bad-query'
  | 'query-failed'
  | 'server-error'
  | 'invalid-response'
  | 'bad-selector'
  | 'empty';

export type PrometheusResult<T> = Result<T, PrometheusFailureKind>;

export type HttpFn = (url: string, opts: HttpGetOptions) => Promise<Result<HttpResponse, HttpFailureKind>>;

export interface PrometheusClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:9090 (a path prefix such as /prometheus is kept). */
  baseUrl: string;
  auth?: PrometheusAuth;
  /** Server-side evaluation limit sent as `timeout`. Default 10 s. */
  queryTimeoutMs?: number;
  /**
   * Client-side limit on the whole HTTP exchange. Default: the query timeout plus 2 s, so the
   * server's own timeout (a clearer message) normally comes first.
   */
  requestTimeoutMs?: number;
  /** Injected for tests of transport failures; defaults to httpRequest. */
  http?: HttpFn;
  /** Where the client may connect; default loopback only (perflens.allowRemoteTargets widens it). */
  connect?: ConnectPolicy;
  /**
   * Called with the `warnings` of a successful answer (e.g. Thanos's partial response): the data
   * came back, but may be incomplete, and the user should know.
   */
  onWarnings?: (what: string, warnings: string[]) => void;
}

/** One series of an instant vector: labels and one value (NaN/±Inf kept as numbers). */
export interface VectorSample {
  labels: Record<string, string>;
  /** Epoch milliseconds. */
  time: number;
  value: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  /** Epoch milliseconds and values, in time order. */
  points: { time: number; value: number }[];
}

export interface PrometheusAlert {
  name: string;
  state: 'pending' | 'firing' | 'inactive';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds when the alert became active. */
  activeAt?: number;
  value?: number;
}

export interface BuildInfo {
  version: string;
  revision?: string;
}

interface ApiEnvelope {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Prometheus values are strings ("1.5", "NaN", "+Inf"); Number() reads all of them but "+Inf". */
function parseValue(v: unknown): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN;
}

function parsePair(p: unknown): { time: number; value: number } | undefined {
  if (!Array.isArray(p) || p.length !== 2) return undefined;
  return { time: Math.round(Number(p[0]) * 1000), value: parseValue(p[1]) };
}

/** Renders milliseconds as a PromQL/API duration (integer ms keeps every value exact). */
export function promDuration(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

export class PrometheusClient {
  readonly baseUrl: string;
  private readonly http: HttpFn;
  private readonly connect?: ConnectPolicy;
  private readonly queryTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly onWarnings?: (what: string, warnings: string[]) => void;

  constructor(opts: PrometheusClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.http = opts.http ?? httpRequest;
    this.connect = opts.connect;
    this.queryTimeoutMs = opts.queryTimeoutMs ?? 10_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? this.queryTimeoutMs + 2000;
    this.headers = { accept: 'application/json' };
    this.onWarnings = opts.onWarnings;
    if (opts.auth?.kind === 'bearer') this.headers.authorization = `Bearer ${opts.auth.token}`;
    if (opts.auth?.kind === 'basic')
      this.headers.authorization = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`, 'utf8').toString('base64')}`;
  }

  /** Instant query; `time` (epoch ms) defaults to the server's now. */
  async query(expr: string, time?: number): Promise<PrometheusResult<VectorSample[]>> {
    const params: Record<string, string> = { query: expr, timeout: promDuration(this.queryTimeoutMs) };
    if (time !== undefined) params.time = (time / 1000).toFixed(3);
    const r = await this.call('api/v1/query', params, `the query ${expr}`);
    if (!r.ok) return r;
    const data = r.value as { resultType?: string; result?: unknown };
    if (data?.resultType === 'scalar') {
      const p = parsePair(data.result);
      return p ? ok([{ labels: {}, ...p }]) : this.invalid('a scalar without a value');
    }
    if (data?.resultType !== 'vector' || !Array.isArray(data.result))
      return this.invalid(`result type ${String(data?.resultType)} where an instant vector was expected`);
    const out: VectorSample[] = [];
    for (const s of data.result as { metric?: Record<string, string>; value?: unknown }[]) {
      const p = parsePair(s.value);
      if (!p) return this.invalid('a vector sample without a [time, value] pair');
      out.push({ labels: s.metric ?? {}, ...p });
    }
    return ok(out);
  }

  /**
   * The raw samples of a range selector such as `up{job="demo"}[1m]` at `time`: what the server
   * stored, with its own timestamps (used to learn the scrape interval).
   */
  async rawSamples(expr: string, time?: number): Promise<PrometheusResult<RangeSeries[]>> {
    const params: Record<string, string> = { query: expr, timeout: promDuration(this.queryTimeoutMs) };
    if (time !== undefined) params.time = (time / 1000).toFixed(3);
    const r = await this.call('api/v1/query', params, `the query ${expr}`);
    if (!r.ok) return r;
    return this.matrix(r.value);
  }

  /** Range query from `start` to `end` (epoch ms) every `stepMs`. */
  async queryRange(expr: string, start: number, end: number, stepMs: number): Promise<PrometheusResult<RangeSeries[]>> {
    const params = {
      query: expr,
      start: (start / 1000).toFixed(3),
      end: (end / 1000).toFixed(3),
      step: (Math.max(1, stepMs) / 1000).toString(),
      timeout: promDuration(this.queryTimeoutMs),
    };
    const r = await this.call('api/v1/query_range', params, `the range query ${expr}`);
    if (!r.ok) return r;
    return this.matrix(r.value);
  }

  private matrix(value: unknown): PrometheusResult<RangeSeries[]> {
    const data = value as { resultType?: string; result?: unknown };
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result))
      return this.invalid(`result type ${String(data?.resultType)} where a range matrix was expected`);
    const out: RangeSeries[] = [];
    for (const s of data.result as { metric?: Record<string, string>; values?: unknown[] }[]) {
      const points: { time: number; value: number }[] = [];
      for (const v of s.values ?? []) {
        const p = parsePair(v);
        if (!p) return this.invalid('a range point without a [time, value] pair');
        points.push(p);
      }
      out.push({ labels: s.metric ?? {}, points });
    }
    return ok(out);
  }

  /** The server's own alerts (pending and firing) from its rule evaluation. */
  async alerts(): Promise<PrometheusResult<PrometheusAlert[]>> {
    const r = await this.call('api/v1/alerts', undefined, 'the alerts request');
    if (!r.ok) return r;
    const list = (r.value as { alerts?: unknown })?.alerts;
    if (!Array.isArray(list)) return this.invalid('an alerts answer without an alerts list');
    return ok(
      (
        list as {
          labels?: Record<string, string>;
          annotations?: Record<string, string>;
          state?: string;
          activeAt?: string;
          value?: unknown;
        }[]
      ).map((a) => {
        const labels = a.labels ?? {};
        const activeAt = a.activeAt ? Date.parse(a.activeAt) : NaN;
        const value = parseValue(a.value);
        return {
          name: labels.alertname ?? '(unnamed)',
          state: a.state === 'firing' || a.state === 'pending' ? a.state : 'inactive',
          labels,
          annotations: a.annotations ?? {},
          ...(Number.isFinite(activeAt) && activeAt > 0 ? { activeAt } : {}),
          ...(a.value !== undefined && !Number.isNaN(value) ? { value } : {}),
        };
      }),
    );
  }

  /** Version of the server: also the cheapest way to check the URL and credentials. */
  async buildInfo(): Promise<PrometheusResult<BuildInfo>> {
    const r = await this.call('api/v1/status/buildinfo', undefined, 'the build-info request');
    if (!r.ok) return r;
    const d = r.value as { version?: unknown; revision?: unknown };
    if (typeof d?.version !== 'string') return this.invalid('a build-info answer without a version');
    return ok({ version: d.version, ...(typeof d.revision === 'string' ? { revision: d.revision } : {}) });
  }

  private invalid<T>(what: string): PrometheusResult<T> {
    return fail(
      'invalid-response',
      `${this.baseUrl} answered with ${what}. Is this a Prometheus-compatible query API?`,
    );
  }

  /**
   * One API call. Queries go as POST form bodies (long PromQL never hits URL limits; every
   * Prometheus-compatible server accepts it); the rest are GETs.
   */
  private async call(
    path: string,
    params: Record<string, string> | undefined,
    what: string,
  ): Promise<PrometheusResult<unknown>> {
    const url = `${this.baseUrl}/${path}`;
    // Range answers over many series are big; 64 MB still bounds memory if a selector is far too wide.
    const opts: HttpGetOptions = {
      timeoutMs: this.requestTimeoutMs,
      maxBytes: 64 * 1024 * 1024,
      headers: { ...this.headers },
      connect: this.connect,
    };
    if (params) {
      opts.method = 'POST';
      opts.body = new URLSearchParams(params).toString();
      opts.headers!['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await this.http(url, opts);
    if (!res.ok) {
      const e = res.error;
      if (e.kind === 'invalid-url') return fail('invalid-url', `The Prometheus server URL is not valid: ${e.message}`);
      if (e.kind === 'timeout')
        return fail(
          'timeout',
          `The Prometheus server at ${this.baseUrl} did not answer ${what} within ${this.requestTimeoutMs} ms. Try a shorter window, a narrower selector, or a longer query timeout.`,
          e,
        );
      if (e.kind === 'too-large')
        return fail(
          'query-failed',
          `The answer to ${what} is larger than 64 MB: narrow the selector or shorten the range.`,
          e,
        );
      if (e.kind === 'refused')
        return fail(
          'unreachable',
          `Could not reach the Prometheus server at ${this.baseUrl}: connection refused. Is it running, and is the URL right (Prometheus listens on port 9090 by default)?`,
          e,
        );
      return fail('unreachable', `Could not reach the Prometheus server at ${this.baseUrl}: ${e.message}`, e);
    }
    const { status } = res.value;
    if (status === 401 || status === 403) {
      return fail(
        'unauthorized',
        `The Prometheus server at ${this.baseUrl} refused the request (HTTP ${status}). Check the credentials (the CLI reads PERFLENS_PROMETHEUS_TOKEN, or PERFLENS_PROMETHEUS_USER and PERFLENS_PROMETHEUS_PASSWORD).`,
      );
    }
    let body: ApiEnvelope | undefined;
    try {
      body = JSON.parse(res.value.body.toString('utf8')) as ApiEnvelope;
    } catch {
      body = undefined;
    }
    if (status === 404)
      return fail(
        'not-found',
        `${url} does not exist (HTTP 404). Check the server URL, including any path prefix (e.g. http://host:9090 or http://host/prometheus).`,
      );
    if (!body || typeof body !== 'object') {
      return fail(
        status >= 500 ? 'server-error' : 'invalid-response',
        `${url} answered HTTP ${status} with a body that is not the Prometheus API's JSON. Is this a Prometheus server?`,
      );
    }
    if (body.status === 'success' && status >= 200 && status < 300) {
      if (Array.isArray(body.warnings) && body.warnings.length > 0) this.onWarnings?.(what, body.warnings.map(String));
      return ok(body.data);
    }
    const text = body.error ?? `HTTP ${status}`;
    const errorType = body.errorType !== 'bad_data' && isDeadlineText(text) ? 'timeout' : body.errorType;
    switch (errorType) {
      case 'bad_data':
        return fail('bad-query', `Prometheus rejected ${what}: ${text}`);
      case 'timeout':
      case 'canceled':
        return fail(
          'timeout',
          `Prometheus gave up on ${what} (${text}). Try a shorter window or a narrower selector, or raise the query timeout.`,
        );
      case 'execution':
        return fail('query-failed', `Prometheus could not evaluate ${what}: ${text}`);
      default:
        return fail('server-error', `Prometheus answered HTTP ${status} to ${what}: ${text}`);
    }
  }
}

/**
 * Where the server's deadline strikes decides what Prometheus calls it: "timeout" ("query timed
 * out in expression evaluation") or, when it strikes while series are read from storage,
 * "execution" ("expanding series: context deadline exceeded"). The text says it either way.
 */
function isDeadlineText(text: string): boolean {
  return /timed out|deadline exceeded/i.test(text);
}
