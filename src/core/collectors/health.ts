/**
 * Health endpoint reading. Understands a plain JSON verdict (`status`, `checks{name:{status,…}}`),
 * Spring Boot Actuator (`components`), the IETF health-check draft (`checks{name:[{status}]}`),
 * and plain `/healthz`-style text; an unreachable service or a 5xx is "down" with the reason.
 * An answer with no verdict in it (HTML, a redirect, JSON without a status, text without a verdict
 * word) is 'no-verdict': reachable, but not known to be healthy.
 */
import type { HealthCheckResult, HealthSnapshot, HealthState } from '../session/types';
import type { ConnectPolicy } from '../util/connect';
import type { HttpFn } from '../util/http';
import { httpRequest } from '../util/http';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import { joinUrl } from '../util/target';
import { keepShape } from '../util/keepShape';
import { describeMarkup, isMarkup, redirectReason, verdictOfWords } from './healthVerdict';

export { healthPathCandidates, healthStateLabel } from './healthVerdict';

export type { HttpFn } from '../util/http';

const HEALTHY = new Set([
  'healthy',
  'ok',
  'up',
  'pass',
  'passing',
  'green',
  'good',
  'alive',
  'live',
  'ready',
  'success',
  'true',
]);
const DEGRADED = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial', 'partially_healthy', 'slow']);
const DOWN = new Set([
  'unhealthy',
  'down',
  'fail',
  'failed',
  'failing',
  'error',
  'critical',
  'red',
  'out_of_service',
  'dead',
  'false',
  'unavailable',
]);

/** Maps the many spellings of a status (a word, a boolean, a short sentence) onto our three states. */
export function normalizeHealthState(value: unknown): HealthState {
  if (value === true) return 'healthy';
  if (value === false) return 'down';
  if (typeof value !== 'string') return 'unknown';
  // The usual answer, already in the form the sets hold.
  if (HEALTHY.has(value)) return 'healthy';
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (HEALTHY.has(v)) return 'healthy';
  if (DEGRADED.has(v)) return 'degraded';
  if (DOWN.has(v)) return 'down';
  return verdictOfWords(value) ?? 'unknown';
}

const MAX_DETAIL = 200;

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > MAX_DETAIL ? t.slice(0, MAX_DETAIL - 1) + '…' : t;
}

/**
 * How deep nested check lists are followed. Real services nest one or two levels; the body comes
 * from the service, so a walk without a bound would let it choose our stack depth.
 */
export const MAX_CHECK_DEPTH = 16;
const PREVIEW_DEPTH = 3;
const PREVIEW_ITEMS = 8;

/** A JSON-like preview of a value, bounded in depth and width (JSON.stringify is neither). */
function preview(v: unknown, depth = 0): string {
  if (v === null || typeof v !== 'object')
    return typeof v === 'string' ? JSON.stringify(v.length > MAX_DETAIL ? v.slice(0, MAX_DETAIL) : v) : String(v);
  if (depth >= PREVIEW_DEPTH) return Array.isArray(v) ? '[…]' : '{…}';
  const entries: string[] = [];
  if (Array.isArray(v)) for (const x of v.slice(0, PREVIEW_ITEMS + 1)) entries.push(preview(x, depth + 1));
  else
    for (const k of Object.keys(v)) {
      if (entries.length > PREVIEW_ITEMS) break;
      entries.push(`${JSON.stringify(k)}:${preview((v as Record<string, unknown>)[k], depth + 1)}`);
    }
  if (entries.length > PREVIEW_ITEMS) entries[PREVIEW_ITEMS] = '…';
  return Array.isArray(v) ? `[${entries.join(',')}]` : `{${entries.join(',')}}`;
}

const DETAIL_KEYS = ['message', 'error', 'output', 'reason', 'description'] as const;

function detailOf(o: Record<string, unknown>): string | undefined {
  for (const k of DETAIL_KEYS) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return short(v);
  }
  if (o.details !== undefined && typeof o.details === 'object') return short(preview(o.details));
  // The first few other fields, as `key=value`.
  const rest: string[] = [];
  for (const k of Object.keys(o)) {
    if (k === 'status' || k === 'name') continue;
    const v = o[k];
    rest.push(`${k}=${typeof v === 'object' ? preview(v) : String(v)}`);
    if (rest.length === PREVIEW_ITEMS) break;
  }
  return rest.length ? short(rest.join(', ')) : undefined;
}

function checkFrom(name: string, raw: unknown, depth = 0): HealthCheckResult {
  if (Array.isArray(raw)) {
    if (depth >= MAX_CHECK_DEPTH)
      return {
        name,
        status: 'unknown',
        detail: `its lists are nested more than ${MAX_CHECK_DEPTH} levels deep; PerfLens reads no further`,
      };
    // IETF draft: each check name maps to a list of observations; the worst one counts.
    const parts = raw.map((r, i) => checkFrom(`${name}[${i}]`, r, depth + 1));
    const worst =
      parts.find((p) => p.status === 'down') ??
      parts.find((p) => p.status === 'degraded') ??
      parts.find((p) => p.status === 'unknown') ??
      parts[0];
    return { name, status: worst?.status ?? 'unknown', ...(worst?.detail ? { detail: worst.detail } : {}) };
  }
  if (raw !== null && typeof raw === 'object') {
    const o = raw as Record<string, unknown>;
    const detail = detailOf(o);
    return { name, status: normalizeHealthState(o.status ?? o.state ?? o.healthy), ...(detail ? { detail } : {}) };
  }
  return { name, status: normalizeHealthState(raw) };
}

function checksOf(body: Record<string, unknown>): HealthCheckResult[] {
  const container = body.checks ?? body.components ?? body.details;
  if (Array.isArray(container)) {
    return container.map((c, i) =>
      checkFrom(
        typeof (c as { name?: unknown })?.name === 'string' ? (c as { name: string }).name : `check ${i + 1}`,
        c,
      ),
    );
  }
  if (container && typeof container === 'object')
    return Object.entries(container as Record<string, unknown>).map(([n, v]) => checkFrom(n, v));
  return [];
}

function worst(states: HealthState[]): HealthState {
  if (states.includes('down')) return 'down';
  if (states.includes('degraded')) return 'degraded';
  if (states.includes('unknown')) return 'unknown';
  return 'healthy';
}

/** The fields of a JSON health body that carry its verdict, first found wins; other keys ("errors": 0) never do. */
const VERDICT_KEYS = ['status', 'state', 'health', 'healthy', 'ok'] as const;

function reportedStatus(o: Record<string, unknown>): { key: string; value: unknown } | undefined {
  for (const key of VERDICT_KEYS) {
    const value = o[key];
    if (typeof value === 'string' || typeof value === 'boolean') return { key, value };
  }
  return undefined;
}

export interface HealthAnswerContext {
  /** The URL asked, to say where a redirect points relative to it. */
  url?: string;
  /** The Location header of a redirect. */
  location?: string;
}

/** The largest health answer kept until the next one (see interpretHealth). */
const KEPT_ANSWER_CHARS = 64 * 1024;

/** Reads one health response: status code, content type and body in, snapshot out (its JSON kept: see below). */
export function interpretHealth(
  status: number,
  contentType: string,
  body: Buffer | string,
  context: HealthAnswerContext = {},
): HealthSnapshot {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
  const markup = isMarkup(contentType, text);
  let json: unknown;
  if (!markup && (/json/i.test(contentType) || /^[{[]/.test(text))) {
    try {
      json = JSON.parse(text);
      // The next answer is most likely built the same way: its shapes and the code that reads
      // them stay alive until then (keepShape.ts). A large answer is not kept.
      if (text.length <= KEPT_ANSWER_CHARS && json !== null && typeof json === 'object')
        keepShape('health answer', json);
    } catch {
      json = undefined;
    }
  }
  const object =
    json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const checks = object ? checksOf(object) : [];
  const reasons = checks
    .filter((c) => c.status !== 'healthy')
    .map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`);
  const reported = object ? reportedStatus(object) : undefined;
  let state: HealthState;
  if (status >= 500) {
    state = 'down';
    reasons.unshift(
      `The health endpoint answered HTTP ${status}${reported !== undefined ? ` with status "${String(reported.value)}"` : json === undefined && text && !markup ? `: ${short(text)}` : ''}.`,
    );
  } else if (status === 429) {
    state = 'degraded';
    reasons.unshift('The health endpoint answered HTTP 429 (too many requests).');
  } else if (status === 401 || status === 403) {
    state = 'no-verdict';
    reasons.unshift(
      `The health endpoint needs authorisation (HTTP ${status}); PerfLens cannot read it, so there is no health verdict.`,
    );
  } else if (status >= 400) {
    state = 'down';
    reasons.unshift(`The health endpoint answered HTTP ${status}.`);
  } else if (status >= 300) {
    state = 'no-verdict';
    reasons.unshift(redirectReason(status, context.url, context.location));
  } else if (markup) {
    state = 'no-verdict';
    reasons.unshift(
      `The health endpoint answered ${describeMarkup(text)}, not a health verdict. Give the path of the service's health check.`,
    );
  } else if (object) {
    const top =
      reported !== undefined
        ? normalizeHealthState(reported.value)
        : checks.length
          ? worst(checks.map((c) => c.status))
          : 'unknown';
    // Any check that is not healthy makes an otherwise healthy service degraded.
    state =
      top === 'healthy' && checks.some((c) => c.status !== 'healthy')
        ? 'degraded'
        : top === 'unknown'
          ? 'no-verdict'
          : top;
    if (state === 'no-verdict') {
      reasons.unshift(
        reported !== undefined
          ? `The service reports ${reported.key} "${short(String(reported.value))}", which is not a health verdict PerfLens recognises.`
          : checks.length
            ? 'None of the health checks reports a status PerfLens recognises.'
            : 'The health endpoint answered JSON without a status field, so there is no health verdict.',
      );
    } else if (state !== 'healthy' && reasons.length === 0)
      reasons.push(`The service reports ${reported?.key ?? 'status'} "${String(reported?.value)}".`);
  } else if (json !== undefined) {
    // A bare JSON value: true, "ok", or something that is no verdict (a number, a list).
    const s = normalizeHealthState(json);
    state = s === 'unknown' ? 'no-verdict' : s;
    if (state !== 'healthy')
      reasons.push(
        state === 'no-verdict'
          ? `The health endpoint answered ${short(text)}, which is not a health verdict.`
          : short(text),
      );
  } else if (text === '') {
    // An empty 2xx: the status code is the whole answer, as many /healthz handlers give it.
    state = 'healthy';
  } else {
    // Plain text (`ok`, `healthy`, `degraded: cache slow`, `Service Unavailable - …`).
    state = verdictOfWords(text) ?? 'no-verdict';
    if (state === 'no-verdict')
      reasons.push(`The health endpoint answered text with no health verdict in it: "${short(text)}".`);
    else if (state !== 'healthy') reasons.push(short(text));
  }
  return { state, reasons, checks, httpStatus: status };
}

export interface HealthOptions {
  timeoutMs?: number;
  http?: HttpFn;
  /** Where the health check may connect; default loopback only. */
  connect?: ConnectPolicy;
  /** Stops the request in flight (a command's deadline): a failure, not a "down" verdict. */
  signal?: AbortSignal;
}

/** The answer a health search settled on, with what the endpoint sent (for `probe`'s table). */
export interface HealthAnswer {
  snapshot: HealthSnapshot;
  url: string;
  contentType?: string;
}

/**
 * Asks the health paths in order until one gives a verdict. A 404 or 405 means "not here"; an
 * answer with no verdict (an HTML page, a redirect) is kept in case no later path has one, since
 * services often serve a web UI on one candidate and their health check on another. Unreachable
 * → down with the reason; no path answers → 'not-found'.
 */
export async function findHealth(
  baseUrl: string,
  paths: readonly string[],
  opts: HealthOptions = {},
): Promise<Result<HealthAnswer, 'not-found' | 'invalid-url' | 'aborted'>> {
  const http = opts.http ?? httpRequest;
  const timeoutMs = opts.timeoutMs ?? 2000;
  let noVerdict: HealthAnswer | undefined;
  const unique = [...new Set(paths)];
  for (const p of unique) {
    const url = joinUrl(baseUrl, p);
    const r = await http(url, {
      timeoutMs,
      maxBytes: 1024 * 1024,
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' },
      connect: opts.connect,
      signal: opts.signal,
    });
    if (!r.ok) {
      if (r.error.kind === 'invalid-url' || r.error.kind === 'aborted') return fail(r.error.kind, r.error.message);
      // The service answered an earlier path: this one failing says nothing more about its health.
      if (noVerdict) break;
      const why = r.error.kind === 'timeout' ? `${url} did not answer within ${timeoutMs} ms.` : r.error.message;
      return ok({ snapshot: { state: 'down', reasons: [why], checks: [] }, url });
    }
    if (r.value.status === 404 || r.value.status === 405) continue;
    const contentType = r.value.headers['content-type'];
    const snapshot: HealthSnapshot = {
      ...interpretHealth(r.value.status, contentType ?? '', r.value.body, { url, location: r.value.headers.location }),
      latencyMs: r.value.elapsedMs,
      path: p,
    };
    const answer: HealthAnswer = { snapshot, url, ...(contentType ? { contentType } : {}) };
    if (snapshot.state !== 'no-verdict') return ok(answer);
    noVerdict ??= answer;
  }
  if (noVerdict) {
    const others = unique.filter((p) => p !== noVerdict!.snapshot.path);
    const reasons = noVerdict.snapshot.reasons;
    if (others.length)
      reasons[0] = `${reasons[0] ?? ''} No other health path gave a verdict either (${others.join(', ')}).`.trim();
    return ok(noVerdict);
  }
  return fail(
    'not-found',
    `No health endpoint at ${paths.map((p) => joinUrl(baseUrl, p)).join(', ')} (all answered 404). Set the health path in the target settings.`,
  );
}

/** The health of a service from the first of its health paths that gives a verdict (see findHealth). */
export async function checkHealth(
  baseUrl: string,
  paths: readonly string[],
  opts: HealthOptions = {},
): Promise<Result<HealthSnapshot, 'not-found' | 'invalid-url' | 'aborted'>> {
  const r = await findHealth(baseUrl, paths, opts);
  return r.ok ? ok(r.value.snapshot) : r;
}
