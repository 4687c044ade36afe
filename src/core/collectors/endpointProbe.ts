/**
 * The shape of one endpoint's probe, in a module of its own: types only, no Node or DOM, so the
 * dashboard page can share it with the engine that fills it in.
 */
import type { HealthState } from '../session/types';

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
  /** Health only: the verdict read from the answer, as attach sessions and `report` read it. */
  verdict?: HealthState;
}
