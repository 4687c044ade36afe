/**
 * One request, summarised from its server span and the spans under it: where its time went (own
 * code, database, outbound HTTP, other remote calls) and the repetitions inside it (the same
 * normalised statement, or the same outbound call, several times under one parent span).
 */
import { statementKey as defaultStatementKey } from './statementKey';
import {
  category,
  dbStatement,
  handlerLocation,
  isError,
  outboundTarget,
  routeOf,
  type SourceLocation,
} from './semconv';
import type { SpanRecord } from './types';
import { SPAN_KIND } from './types';

export interface Repetition {
  kind: 'statement' | 'outbound';
  /** The normalised statement (sqlMatchKey) or "METHOD host/path". */
  key: string;
  /** One example as sent (the statement's text). */
  text: string;
  parentSpanId: string;
  count: number;
  totalMs: number;
}

export interface TraceSummary {
  traceId: string;
  spanId: string;
  route: string;
  service: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  codeMs: number;
  dbMs: number;
  httpMs: number;
  otherMs: number;
  /** Repeated twice or more; the analyzer applies its threshold. */
  repetitions: Repetition[];
  /** The handler's source location, when the server span or a direct child carries code.* attributes. */
  location?: SourceLocation;
}

type Interval = [number, number];

function unionLength(intervals: Interval[]): number {
  if (!intervals.length) return 0;
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [s, e] = sorted[0]!;
  for (const [a, b] of sorted.slice(1)) {
    if (a > e) {
      total += e - s;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  return total + (e - s);
}

/** The spans under `root` in its own service: nested server spans (another hop) and theirs are left out. */
function descendants(root: SpanRecord, byParent: Map<string, SpanRecord[]>): SpanRecord[] {
  const out: SpanRecord[] = [];
  const stack = [...(byParent.get(root.spanId) ?? [])];
  while (stack.length) {
    const s = stack.pop()!;
    if (s.kind === SPAN_KIND.server) continue;
    out.push(s);
    stack.push(...(byParent.get(s.spanId) ?? []));
  }
  return out;
}

/**
 * `covered`, when given, receives the spans the summary read (the root and the spans under it in
 * its own service): no other request's summary reads them, since each stops at a nested server span.
 */
export function summariseTrace(
  root: SpanRecord,
  traceSpans: readonly SpanRecord[],
  statementKey: (sql: string) => string = defaultStatementKey,
  covered?: Set<SpanRecord>,
): TraceSummary {
  const byParent = new Map<string, SpanRecord[]>();
  for (const s of traceSpans) {
    if (!s.parentSpanId) continue;
    let l = byParent.get(s.parentSpanId);
    if (!l) byParent.set(s.parentSpanId, (l = []));
    l.push(s);
  }
  const start = root.startMs;
  const end = root.startMs + root.durationMs;
  const clip = (s: SpanRecord): Interval | undefined => {
    const a = Math.max(start, s.startMs);
    const b = Math.min(end, s.startMs + s.durationMs);
    return b > a ? [a, b] : undefined;
  };
  const parts = { db: [] as Interval[], http: [] as Interval[], other: [] as Interval[] };
  const groups = new Map<string, Repetition>();
  const under = descendants(root, byParent);
  if (covered) {
    covered.add(root);
    for (const s of under) covered.add(s);
  }
  for (const s of under) {
    const c = category(s);
    if (c === 'local') continue;
    const iv = clip(s);
    if (iv) (c === 'db' ? parts.db : c === 'http' ? parts.http : parts.other).push(iv);
    if (c === 'other-remote' || !s.parentSpanId) continue;
    const stmt = c === 'db' ? dbStatement(s) : undefined;
    if (c === 'db' && !stmt) continue;
    const key = c === 'db' ? statementKey(stmt!) : outboundTarget(s);
    const id = `${c}|${s.parentSpanId}|${key}`;
    const g = groups.get(id);
    if (g) {
      g.count++;
      g.totalMs += s.durationMs;
    } else
      groups.set(id, {
        kind: c === 'db' ? 'statement' : 'outbound',
        key,
        text: stmt ?? key,
        parentSpanId: s.parentSpanId,
        count: 1,
        totalMs: s.durationMs,
      });
  }
  const db = unionLength(parts.db);
  const http = unionLength(parts.http);
  const other = unionLength(parts.other);
  const location = handlerLocation(root, byParent.get(root.spanId) ?? []);
  const external = unionLength([...parts.db, ...parts.http, ...parts.other]);
  // Overlapping calls of different kinds are shared out in proportion, so the parts add up to the whole.
  const scale = db + http + other > external && db + http + other > 0 ? external / (db + http + other) : 1;
  return {
    traceId: root.traceId,
    spanId: root.spanId,
    route: routeOf(root),
    service: root.service,
    startMs: root.startMs,
    durationMs: root.durationMs,
    error: isError(root),
    codeMs: Math.max(0, root.durationMs - external),
    dbMs: db * scale,
    httpMs: http * scale,
    otherMs: other * scale,
    repetitions: [...groups.values()].filter((g) => g.count >= 2),
    ...(location ? { location } : {}),
  };
}
