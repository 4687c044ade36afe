/**
 * Messages between the Trace panel (extension host) and its page (webview), named and checked as
 * every webview protocol is (./messageCheck.ts). Both sides switch over `type` exhaustively and end
 * in assertNever. Span names, attribute keys and values came from a traced service: the page sets
 * them with textContent, never as HTML.
 */
import type { Waterfall, WaterfallRow } from '../../core/traces/waterfall';
import { field, messageChecker } from './messageCheck';

export type { Waterfall, WaterfallRow };

export type HostToTrace = { type: 'trace'; data: Waterfall } | { type: 'empty'; message: string };

export type TraceToHost = { type: 'ready' } | { type: 'rendered'; traceId: string; rows: number; renderMs: number };

/** Checks a message from the page before the host acts on it: a page is code the host does not trust. */
export const checkTraceToHost = messageChecker<TraceToHost>('trace', {
  ready: {},
  rendered: { traceId: field.string, rows: field.index, renderMs: field.finiteNumber },
});
