import type { EndpointProbe, ProbeResult } from '../../core/collectors/probe';
import { endpointOk } from '../../core/collectors/probe';
import type { ConnectPolicy } from '../../core/util/connect';
import { formatMs } from '../../shared/format';

/** The reachability of a target's endpoints, as PerfLens stores and shows it: the probe's own result. */
export type EndpointReport = EndpointProbe;
export type ProbeReport = ProbeResult;

export type ProbeFunction = (baseUrl: string, opts: { metricsPath: string; healthPath: string; timeoutMs: number; connect: ConnectPolicy }) => Promise<ProbeReport>;

/** Answering 2xx with what the path should serve: an endpoint PerfLens can collect from (the core's rule). */
export const endpointUsable: (e: EndpointReport) => boolean = endpointOk;

/** One line per endpoint, e.g. "/metrics reachable: HTTP 200, text/plain, 4 ms". */
export function describeEndpoint(e: EndpointReport): string {
  if (!e.reachable) return `${e.path} not reachable: ${e.error ?? 'no answer'}`;
  if (!endpointUsable(e)) return `${e.path} answers HTTP ${e.status ?? '?'}${e.error ? `: ${e.error}` : ''}`;
  const parts = [e.status !== undefined ? `HTTP ${e.status}` : undefined, e.contentType, e.latencyMs !== undefined ? formatMs(e.latencyMs) : undefined];
  return `${e.path} reachable: ${parts.filter(Boolean).join(', ')}`;
}

/** A one-sentence verdict for a notification. */
export function summarizeProbe(p: ProbeReport): string {
  const m = endpointUsable(p.metrics);
  const h = endpointUsable(p.health);
  if (m && h) return `${p.metrics.path} and ${p.health.path} both answer.`;
  if (m) return `${p.metrics.path} answers; ${p.health.path} does not.`;
  if (h) return `${p.health.path} answers; ${p.metrics.path} does not.`;
  return `neither ${p.metrics.path} nor ${p.health.path} answers. Is the service running there?`;
}
