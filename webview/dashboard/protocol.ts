/**
 * Messages between the Dashboard panel (extension host) and its page (webview). Both sides
 * switch over `type` exhaustively and end in assertNever, so adding a message without handling
 * it is a compile error on each side.
 */

export interface EndpointView {
  path: string;
  url: string;
  reachable: boolean;
  status?: number;
  contentType?: string;
  latencyMs?: number;
  error?: string;
}

export interface TargetView {
  /** host:port, or "pid N". */
  label: string;
  /** The base URL of an HTTP target. */
  url?: string;
  pid?: number;
  /** ISO-8601 time of attaching. */
  attachedAt: string;
  probe?: { metrics: EndpointView; health: EndpointView; probedAt: string };
}

export type HostToDashboard =
  | { type: 'state'; target: TargetView | null; probing: boolean }
  | { type: 'error'; message: string };

export type DashboardToHost = { type: 'ready' } | { type: 'reprobe' } | { type: 'attach' } | { type: 'detach' };

const DASHBOARD_TO_HOST_TYPES: ReadonlySet<string> = new Set<DashboardToHost['type']>(['ready', 'reprobe', 'attach', 'detach']);

/** Messages from a webview are checked before use: the host never trusts their shape. */
export function isDashboardToHost(value: unknown): value is DashboardToHost {
  return typeof value === 'object' && value !== null && DASHBOARD_TO_HOST_TYPES.has((value as { type?: unknown }).type as string);
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
