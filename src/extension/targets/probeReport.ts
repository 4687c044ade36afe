import type { EndpointProbe, ProbeResult } from '../../core/collectors/probe';
import { endpointOk } from '../../core/collectors/probe';
import type { ConnectPolicy } from '../../core/util/connect';
import { formatMs } from '../../shared/format';

export type ProbeFunction = (
  baseUrl: string,
  opts: { metricsPath: string; healthPath: string; timeoutMs: number; connect: ConnectPolicy },
) => Promise<ProbeResult>;

/** One line per endpoint, e.g. "/metrics reachable: HTTP 200, text/plain, 4 ms". */
export function describeEndpoint(e: EndpointProbe): string {
  if (!e.reachable) return `${e.path} not reachable: ${e.error ?? 'no answer'}`;
  if (!endpointOk(e)) return `${e.path} answers HTTP ${e.status ?? '?'}${e.error ? `: ${e.error}` : ''}`;
  const parts = [
    e.status !== undefined ? `HTTP ${e.status}` : undefined,
    e.contentType,
    e.latencyMs !== undefined ? formatMs(e.latencyMs) : undefined,
  ];
  return `${e.path} reachable: ${parts.filter(Boolean).join(', ')}`;
}

/** A one-sentence verdict for a notification. */
export function summarizeProbe(p: ProbeResult): string {
  const m = endpointOk(p.metrics);
  const h = endpointOk(p.health);
  if (m && h) return `${p.metrics.path} and ${p.health.path} both answer.`;
  if (m) return `${p.metrics.path} answers; ${p.health.path} does not.`;
  if (h) return `${p.health.path} answers; ${p.metrics.path} does not.`;
  return `neither ${p.metrics.path} nor ${p.health.path} answers. Is the service running there?`;
}
