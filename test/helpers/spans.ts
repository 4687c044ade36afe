/** SpanRecords for tests of the span store and trace analyzers: a request and what ran under it. */
import type { AttributeValue, SpanRecord } from '../../src/core/traces/types';

let next = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function traceId(): string {
  return hex(next++, 32);
}

export function span(
  trace: string,
  opts: {
    name?: string;
    kind?: number;
    parent?: SpanRecord;
    start: number;
    ms: number;
    attrs?: Record<string, AttributeValue>;
    error?: boolean;
  },
): SpanRecord {
  const s: SpanRecord = {
    traceId: trace,
    spanId: hex(next++, 16),
    name: opts.name ?? 'span',
    kind: opts.kind ?? 1,
    startMs: opts.start,
    durationMs: opts.ms,
    statusCode: opts.error ? 2 : 0,
    service: 'svc',
    attributes: opts.attrs ?? {},
  };
  if (opts.parent) s.parentSpanId = opts.parent.spanId;
  return s;
}

/**
 * One GET request to `path` at `start` lasting `ms`, with `queries` sequential sqlite queries of
 * `queryMs` each (the statement text given) right under it. Children come first, as exporters send them.
 */
export function request(
  path: string,
  start: number,
  ms: number,
  queries: { sql: string; ms: number; times: number }[] = [],
  opts: { error?: boolean; oldSemconv?: boolean } = {},
): SpanRecord[] {
  const t = traceId();
  const attrs: Record<string, AttributeValue> = opts.oldSemconv
    ? { 'http.method': 'GET', 'http.target': path, 'http.status_code': opts.error ? 500 : 200 }
    : { 'http.request.method': 'GET', 'url.path': path, 'http.response.status_code': opts.error ? 500 : 200 };
  const root = span(t, { name: 'GET', kind: 2, start, ms, attrs });
  const children: SpanRecord[] = [];
  let at = start + 1;
  for (const q of queries)
    for (let i = 0; i < q.times; i++) {
      const dbAttrs: Record<string, AttributeValue> = opts.oldSemconv
        ? { 'db.system': 'sqlite', 'db.statement': q.sql }
        : { 'db.system.name': 'sqlite', 'db.query.text': q.sql };
      children.push(span(t, { name: 'sqlite', kind: 3, parent: root, start: at, ms: q.ms, attrs: dbAttrs }));
      at += q.ms;
    }
  return [...children, root];
}
