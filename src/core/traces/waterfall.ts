/**
 * One trace laid out as a waterfall: spans in tree order (each child after its parent, siblings by
 * start time), each with its depth and its bar's offset and width as shares of the trace's extent.
 * A span whose parent was not received starts a tree of its own at depth 0, so a partial trace is
 * still shown whole; a parent loop (hostile or broken ids) is cut where it closes.
 */
import type { AttributeValue, SpanRecord } from './types';
import { dbStatement } from './semconv';

function text(attrs: Record<string, AttributeValue>, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof attrs[k] === 'string' && attrs[k]) return attrs[k];
  return undefined;
}

export interface WaterfallRow {
  spanId: string;
  parentSpanId?: string;
  depth: number;
  name: string;
  service: string;
  /** internal, server, client, producer, consumer or unspecified. */
  kind: string;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  /** What tells same-named spans apart: a statement's text, a request's route or path (else absent). */
  detail?: string;
  /** ms from the trace's first start. */
  offsetMs: number;
  durationMs: number;
  /** The bar: left edge and width as shares (0..1) of the trace's extent. */
  left: number;
  width: number;
  /** Attribute keys and values as text, keys sorted. */
  attributes: [string, string][];
}

export interface Waterfall {
  traceId: string;
  /** Epoch ms of the first span's start. */
  startMs: number;
  /** From the first start to the last end. */
  durationMs: number;
  rows: WaterfallRow[];
}

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'] as const;

export function layoutWaterfall(traceId: string, spans: readonly SpanRecord[]): Waterfall {
  if (!spans.length) return { traceId, startMs: 0, durationMs: 0, rows: [] };
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.startMs + Math.max(0, s.durationMs)));
  const extent = end - start;
  const byId = new Map<string, SpanRecord>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const s of byId.values()) {
    const p = s.parentSpanId;
    if (p && p !== s.spanId && byId.has(p)) {
      let l = children.get(p);
      if (!l) children.set(p, (l = []));
      l.push(s);
    } else roots.push(s);
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => a.startMs - b.startMs || a.name.localeCompare(b.name);
  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const visit = (root: SpanRecord) => {
    // Iterative depth-first walk: a deep chain of spans cannot overflow the stack.
    const stack: [SpanRecord, number][] = [[root, 0]];
    while (stack.length) {
      const [s, depth] = stack.pop()!;
      if (placed.has(s.spanId)) continue;
      placed.add(s.spanId);
      rows.push(row(s, depth, start, extent));
      const kids = [...(children.get(s.spanId) ?? [])].sort(byStart);
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1]);
    }
  };
  for (const r of roots.sort(byStart)) visit(r);
  // Spans only reachable through a parent loop: shown from the earliest one, at depth 0.
  for (const s of [...byId.values()].sort(byStart)) if (!placed.has(s.spanId)) visit(s);
  return { traceId, startMs: start, durationMs: extent, rows };
}

function row(s: SpanRecord, depth: number, start: number, extent: number): WaterfallRow {
  const offsetMs = s.startMs - start;
  const durationMs = Math.max(0, s.durationMs);
  const r: WaterfallRow = {
    spanId: s.spanId,
    depth,
    name: s.name,
    service: s.service,
    kind: KIND_NAMES[s.kind] ?? 'unspecified',
    status: STATUS_NAMES[s.statusCode] ?? 'unset',
    offsetMs,
    durationMs,
    left: extent > 0 ? offsetMs / extent : 0,
    width: extent > 0 ? durationMs / extent : 1,
    attributes: Object.keys(s.attributes)
      .sort()
      .map((k) => [k, String(s.attributes[k])]),
  };
  if (s.parentSpanId) r.parentSpanId = s.parentSpanId;
  if (s.statusMessage) r.statusMessage = s.statusMessage;
  const detail = dbStatement(s) ?? text(s.attributes, 'http.route', 'url.path', 'http.target', 'url.full', 'http.url');
  if (detail && detail !== s.name) r.detail = detail.length > 200 ? `${detail.slice(0, 200)}…` : detail;
  return r;
}
