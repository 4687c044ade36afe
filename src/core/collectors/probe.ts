import type { ConnectPolicy } from '../util/connect';
import { httpRequest } from '../util/http';
import { joinUrl } from '../util/target';

/** What one endpoint of a target answered. */
export interface EndpointProbe {
  /** The path probed, e.g. /metrics. */
  path: string;
  url: string;
  /** True when an HTTP answer arrived, whatever its status; false on refusal, timeout or a network error. */
  reachable: boolean;
  status?: number;
  contentType?: string;
  /** Request start to full body, in milliseconds. */
  latencyMs?: number;
  /** Why the endpoint is unusable: the transport failure, or what a non-2xx status means. */
  error?: string;
}

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
export const DEFAULT_HEALTH_PATH = '/health';
export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

/** An endpoint is usable when it answered with a 2xx status and, for metrics, with metrics. */
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
  if (status === 404) return `HTTP 404: nothing is served at ${path}. If the service exposes ${which} elsewhere, give that path.`;
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
  const what = type.includes('html') || /^<(!doctype|html)/i.test(head) ? 'an HTML page' : type.includes('json') || /^[{[]/.test(head) ? 'JSON' : undefined;
  return what ? `${path} answered ${what}, not Prometheus metrics. Give the path of the service's scrape endpoint (often /metrics).` : undefined;
}

async function probeEndpoint(baseUrl: string, path: string, timeoutMs: number, which: 'metrics' | 'health', connect: ConnectPolicy | undefined): Promise<EndpointProbe> {
  const url = joinUrl(baseUrl, path);
  // Accept what Prometheus itself would ask for, so a content-negotiating exporter answers in text.
  const accept = which === 'metrics' ? 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1' : 'application/json, */*;q=0.5';
  const r = await httpRequest(url, { timeoutMs, headers: { accept }, connect });
  if (!r.ok) return { path, url, reachable: false, error: r.error.message };
  const { status, headers, elapsedMs } = r.value;
  const probe: EndpointProbe = { path, url, reachable: true, status, latencyMs: Math.round(elapsedMs * 10) / 10 };
  if (headers['content-type']) probe.contentType = headers['content-type'];
  const meaning = statusMeaning(status, path, which) ?? (which === 'metrics' ? notMetrics(probe.contentType, r.value.body, path) : undefined);
  if (meaning) probe.error = meaning;
  return probe;
}

/** Checks, in parallel, that a target's metrics and health endpoints answer, with status, content type and latency. */
export async function probeTarget(baseUrl: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const metricsPath = normalizePath(opts.metricsPath ?? DEFAULT_METRICS_PATH);
  const healthPath = normalizePath(opts.healthPath ?? DEFAULT_HEALTH_PATH);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const base = baseUrlOf(baseUrl, metricsPath);
  const [metrics, health] = await Promise.all([probeEndpoint(base, metricsPath, timeoutMs, 'metrics', opts.connect), probeEndpoint(base, healthPath, timeoutMs, 'health', opts.connect)]);
  return { baseUrl: base, metrics, health };
}
