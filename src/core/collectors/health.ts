/**
 * Health endpoint reading. Understands the seed's JSON (`status`, `checks{name:{status,…}}`),
 * Spring Boot Actuator (`components`), the IETF health-check draft (`checks{name:[{status}]}`),
 * and plain `/healthz`-style text; an unreachable service or a 5xx is "down" with the reason.
 */
import type { HealthCheckResult, HealthSnapshot, HealthState } from '../session/types';
import type { HttpFailureKind, HttpGetOptions, HttpResponse } from '../util/http';
import { httpRequest } from '../util/http';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import { joinUrl } from '../util/target';

export type HttpFn = (url: string, opts?: HttpGetOptions) => Promise<Result<HttpResponse, HttpFailureKind>>;

const HEALTHY = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green', 'good', 'alive', 'live', 'ready', 'success', 'true']);
const DEGRADED = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial', 'partially_healthy', 'slow']);
const DOWN = new Set(['unhealthy', 'down', 'fail', 'failed', 'failing', 'error', 'critical', 'red', 'out_of_service', 'dead', 'false', 'unavailable']);

/** Maps the many spellings of a status onto our three states. */
export function normalizeHealthState(value: unknown): HealthState {
  if (value === true) return 'healthy';
  if (value === false) return 'down';
  if (typeof value !== 'string') return 'unknown';
  const v = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (HEALTHY.has(v)) return 'healthy';
  if (DEGRADED.has(v)) return 'degraded';
  if (DOWN.has(v)) return 'down';
  return 'unknown';
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
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v.length > MAX_DETAIL ? v.slice(0, MAX_DETAIL) : v) : String(v);
  if (depth >= PREVIEW_DEPTH) return Array.isArray(v) ? '[…]' : '{…}';
  const entries = Array.isArray(v) ? v.slice(0, PREVIEW_ITEMS + 1).map((x) => preview(x, depth + 1)) : Object.entries(v).slice(0, PREVIEW_ITEMS + 1).map(([k, x]) => `${JSON.stringify(k)}:${preview(x, depth + 1)}`);
  if (entries.length > PREVIEW_ITEMS) entries[PREVIEW_ITEMS] = '…';
  return Array.isArray(v) ? `[${entries.join(',')}]` : `{${entries.join(',')}}`;
}

function detailOf(o: Record<string, unknown>): string | undefined {
  for (const k of ['message', 'error', 'output', 'reason', 'description']) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return short(v);
  }
  if (o.details !== undefined && typeof o.details === 'object') return short(preview(o.details));
  const rest = Object.entries(o).filter(([k]) => k !== 'status' && k !== 'name').slice(0, PREVIEW_ITEMS);
  return rest.length ? short(rest.map(([k, v]) => `${k}=${typeof v === 'object' ? preview(v) : String(v)}`).join(', ')) : undefined;
}

function checkFrom(name: string, raw: unknown, depth = 0): HealthCheckResult {
  if (Array.isArray(raw)) {
    if (depth >= MAX_CHECK_DEPTH) return { name, status: 'unknown', detail: `its lists are nested more than ${MAX_CHECK_DEPTH} levels deep; PerfLens reads no further` };
    // IETF draft: each check name maps to a list of observations; the worst one counts.
    const parts = raw.map((r, i) => checkFrom(`${name}[${i}]`, r, depth + 1));
    const worst = parts.find((p) => p.status === 'down') ?? parts.find((p) => p.status === 'degraded') ?? parts.find((p) => p.status === 'unknown') ?? parts[0];
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
    return container.map((c, i) => checkFrom(typeof (c as { name?: unknown })?.name === 'string' ? (c as { name: string }).name : `check ${i + 1}`, c));
  }
  if (container && typeof container === 'object') return Object.entries(container as Record<string, unknown>).map(([n, v]) => checkFrom(n, v));
  return [];
}

function worst(states: HealthState[]): HealthState {
  if (states.includes('down')) return 'down';
  if (states.includes('degraded')) return 'degraded';
  if (states.includes('unknown')) return 'unknown';
  return 'healthy';
}

/** Reads one health response (pure: status code, content type and body in, snapshot out). */
export function interpretHealth(status: number, contentType: string, body: Buffer | string): HealthSnapshot {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
  let json: unknown;
  if (/json/i.test(contentType) || /^[{[]/.test(text)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const checks = json && typeof json === 'object' && !Array.isArray(json) ? checksOf(json as Record<string, unknown>) : [];
  const reasons = checks.filter((c) => c.status !== 'healthy').map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`);
  const reported = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).status : undefined;
  let state: HealthState;
  if (status >= 500) {
    state = 'down';
    reasons.unshift(`The health endpoint answered HTTP ${status}${reported !== undefined ? ` with status "${String(reported)}"` : !json && text && !/^</.test(text) ? `: ${short(text)}` : ''}.`);
  } else if (status === 429) {
    state = 'degraded';
    reasons.unshift('The health endpoint answered HTTP 429 (too many requests).');
  } else if (status === 401 || status === 403) {
    state = 'unknown';
    reasons.unshift(`The health endpoint needs authorisation (HTTP ${status}); PerfLens cannot read it.`);
  } else if (status >= 400) {
    state = 'down';
    reasons.unshift(`The health endpoint answered HTTP ${status}.`);
  } else if (json !== undefined) {
    const top = reported !== undefined ? normalizeHealthState(reported) : checks.length ? worst(checks.map((c) => c.status)) : 'healthy';
    // As in the seed: any check that is not healthy makes an otherwise healthy service degraded.
    state = top === 'healthy' && checks.some((c) => c.status !== 'healthy') ? 'degraded' : top;
    if (state !== 'healthy' && reasons.length === 0) reasons.push(`The service reports status "${String(reported)}".`);
  } else {
    // Plain text (`ok`, `healthy`, `degraded: cache slow`) or an empty 200.
    const word = /^[a-z_-]+/i.exec(text)?.[0] ?? '';
    const s = text === '' ? 'healthy' : normalizeHealthState(word);
    state = s === 'unknown' ? 'healthy' : s;
    if (state !== 'healthy') reasons.push(short(text));
  }
  return { state, reasons, checks, httpStatus: status };
}

export interface HealthOptions {
  timeoutMs?: number;
  http?: HttpFn;
  /** Stops the request in flight (a command's deadline): a failure, not a "down" verdict. */
  signal?: AbortSignal;
}

/**
 * Asks the first health path that exists (the configured one, then the others: a 404 means
 * "not here", not "down"). Unreachable → down with the reason; no path answers → 'not-found'.
 */
export async function checkHealth(baseUrl: string, paths: readonly string[], opts: HealthOptions = {}): Promise<Result<HealthSnapshot, 'not-found' | 'invalid-url' | 'aborted'>> {
  const http = opts.http ?? httpRequest;
  for (const p of [...new Set(paths)]) {
    const url = joinUrl(baseUrl, p);
    const r = await http(url, { timeoutMs: opts.timeoutMs ?? 2000, maxBytes: 1024 * 1024, headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' }, signal: opts.signal });
    if (!r.ok) {
      if (r.error.kind === 'invalid-url' || r.error.kind === 'aborted') return fail(r.error.kind, r.error.message);
      const why = r.error.kind === 'timeout' ? `${url} did not answer within ${opts.timeoutMs ?? 2000} ms.` : r.error.message;
      return ok({ state: 'down', reasons: [why], checks: [] });
    }
    if (r.value.status === 404 || r.value.status === 405) continue;
    return ok({ ...interpretHealth(r.value.status, r.value.headers['content-type'] ?? '', r.value.body), latencyMs: r.value.elapsedMs, path: p });
  }
  return fail('not-found', `No health endpoint at ${paths.map((p) => joinUrl(baseUrl, p)).join(', ')} (all answered 404). Set the health path in the target settings.`);
}
