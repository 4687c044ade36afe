import type { ConnectPolicy } from '../util/connect';
import { httpRequest } from '../util/http';
import { joinUrl } from '../util/target';
import { findHealth } from './health';
import type { EndpointProbe } from './endpointProbe';
import { DEFAULT_HEALTH_PATH, healthPathCandidates, healthStateLabel } from './healthVerdict';

export type { EndpointProbe } from './endpointProbe';

export interface ProbeResult {
  baseUrl: string;
  metrics: EndpointProbe;
  health: EndpointProbe;
}

export interface ProbeOptions {
  metricsPath?: string;
  healthPath?: string;
  timeoutMs?: number;
  /** Where the probe may connect; default loopback only. */
  connect?: ConnectPolicy;
}

export const DEFAULT_METRICS_PATH = '/metrics';
export { DEFAULT_HEALTH_PATH };
export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

/**
 * An endpoint is usable when it answered with a 2xx status and, for metrics, with metrics; for
 * health, with a verdict that is not "down" (an HTML page or a redirect is no health check).
 */
export function endpointOk(e: EndpointProbe): boolean {
  return e.reachable && e.status !== undefined && e.status >= 200 && e.status < 300 && e.error === undefined;
}

export function probeOk(p: ProbeResult): boolean {
  return endpointOk(p.metrics) && endpointOk(p.health);
}

function normalizePath(p: string): string {
  const trimmed = p.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Users often paste the scrape URL itself (http://localhost:3000/metrics); the base is what comes
 * before the metrics path.
 */
export function baseUrlOf(url: string, metricsPath = DEFAULT_METRICS_PATH): string {
  const base = url.replace(/\/+$/, '');
  const suffix = normalizePath(metricsPath).replace(/\/+$/, '');
  return suffix && suffix !== '/' && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
}

function statusMeaning(status: number, path: string, which: 'metrics' | 'health'): string | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 404)
    return `HTTP 404: nothing is served at ${path}. If the service exposes ${which} elsewhere, give that path.`;
  if (status === 401 || status === 403) return `HTTP ${status}: ${path} needs credentials PerfLens does not send.`;
  if (which === 'health' && status === 503) return `HTTP 503: the service reports itself unhealthy.`;
  return `HTTP ${status}: ${path} answered with an error status.`;
}

/**
 * A 2xx page that is not an exposition (an app route, a login page, a JSON API) means the metrics
 * path is wrong; the scrape would fail on it, so the probe says so now.
 */
function notMetrics(contentType: string | undefined, body: Buffer, path: string): string | undefined {
  const type = (contentType ?? '').toLowerCase();
  const head = body.subarray(0, 256).toString('utf8').trimStart();
  const what =
    type.includes('html') || /^<(!doctype|html)/i.test(head)
      ? 'an HTML page'
      : type.includes('json') || /^[{[]/.test(head)
        ? 'JSON'
        : undefined;
  return what
    ? `${path} answered ${what}, not Prometheus metrics. Give the path of the service's scrape endpoint (often /metrics).`
    : undefined;
}

async function probeMetrics(
  baseUrl: string,
  path: string,
  timeoutMs: number,
  connect: ConnectPolicy | undefined,
): Promise<EndpointProbe> {
  const url = joinUrl(baseUrl, path);
  // Accept what Prometheus itself would ask for, so a content-negotiating exporter answers in text.
  const accept = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';
  const r = await httpRequest(url, { timeoutMs, headers: { accept }, connect });
  if (!r.ok) return { path, url, reachable: false, error: r.error.message };
  const { status, headers, elapsedMs } = r.value;
  const probe: EndpointProbe = { path, url, reachable: true, status, latencyMs: Math.round(elapsedMs * 10) / 10 };
  if (headers['content-type']) probe.contentType = headers['content-type'];
  const meaning = statusMeaning(status, path, 'metrics') ?? notMetrics(probe.contentType, r.value.body, path);
  if (meaning) probe.error = meaning;
  return probe;
}

/**
 * Health asks the same candidate paths, in the same order, as an attach session and `report`
 * (the given health path, /status, then the conventional ones) and reads the verdict the same way.
 */
async function probeHealth(
  baseUrl: string,
  healthPath: string,
  timeoutMs: number,
  connect: ConnectPolicy | undefined,
): Promise<EndpointProbe> {
  const candidates = healthPathCandidates(healthPath);
  const r = await findHealth(baseUrl, candidates, { timeoutMs, ...(connect ? { connect } : {}) });
  if (!r.ok) {
    const tried = candidates.join(', ');
    return r.error.kind === 'not-found'
      ? {
          path: healthPath,
          url: joinUrl(baseUrl, healthPath),
          reachable: true,
          status: 404,
          error: `HTTP 404: nothing is served at ${tried}. If the service has a health check elsewhere, give that path as the health path.`,
        }
      : { path: healthPath, url: joinUrl(baseUrl, healthPath), reachable: false, error: r.error.message };
  }
  const { snapshot: h, url, contentType } = r.value;
  const probe: EndpointProbe = { path: h.path ?? healthPath, url, reachable: h.httpStatus !== undefined };
  if (h.httpStatus !== undefined) probe.status = h.httpStatus;
  if (contentType) probe.contentType = contentType;
  if (h.latencyMs !== undefined) probe.latencyMs = Math.round(h.latencyMs * 10) / 10;
  if (h.httpStatus === undefined) {
    probe.error = h.reasons[0] ?? 'no answer';
    return probe;
  }
  probe.verdict = h.state;
  const status = h.httpStatus;
  if (h.state === 'no-verdict') probe.error = `${healthStateLabel(h.state)}: ${h.reasons.join(' ')}`;
  else if (h.state === 'down')
    probe.error =
      status >= 200 && status < 300
        ? `HTTP ${status}, but the service reports itself unhealthy: ${h.reasons.join('; ')}`
        : (statusMeaning(status, probe.path, 'health') ?? h.reasons.join('; '));
  else if (status < 200 || status >= 300) probe.error = statusMeaning(status, probe.path, 'health');
  return probe;
}

/** Checks, in parallel, that a target's metrics and health endpoints answer, with status, content type and latency. */
export async function probeTarget(baseUrl: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const metricsPath = normalizePath(opts.metricsPath ?? DEFAULT_METRICS_PATH);
  const healthPath = normalizePath(opts.healthPath ?? DEFAULT_HEALTH_PATH);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const base = baseUrlOf(baseUrl, metricsPath);
  const [metrics, health] = await Promise.all([
    probeMetrics(base, metricsPath, timeoutMs, opts.connect),
    probeHealth(base, healthPath, timeoutMs, opts.connect),
  ]);
  return { baseUrl: base, metrics, health };
}
