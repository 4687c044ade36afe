/**
 * A service whose metrics arrive over OTLP (pushed to the tracing receiver, not scraped): what the
 * target registry remembers of it is the resource's service.name. Free of the editor API.
 */
import { otlpTargetId } from '../../core/traces/metricsHub';

export interface OtlpSpec {
  kind: 'otlp';
  /** The sender's service.name. */
  service: string;
}

/** The target's id, also its recent-list input: `otlp:<service.name>` (the hub's snapshot target id). */
export function otlpInput(spec: Pick<OtlpSpec, 'service'>): string {
  return otlpTargetId(spec.service);
}

export function otlpLabel(spec: Pick<OtlpSpec, 'service'>): string {
  return `${spec.service} (OTLP)`;
}
