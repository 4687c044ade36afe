/**
 * What the spans of a window say, as findings with their evidence (trace ids, counts, time): per
 * route where the time goes, N+1 statements, slow statements joined to the SQL in the workspace,
 * repeated outbound calls and routes that fail often.
 */
import type { Finding } from '../analyzers/types';
import { round } from '../analyzers/types';
import { statementKey } from './statementKey';
import type { ExtractedStatement } from '../queries/types';
import type { SpanStore } from './spanStore';
import type { Repetition } from './traceSummary';
import { commonestLocation } from './rollup';
import type { SourceLocation } from './semconv';

export interface TraceInsightSettings {
  /** A statement run this many times or more under one parent span is an N+1 (default 5). */
  nPlusOneThreshold: number;
  /** The same outbound call this many times or more under one parent span (default 5). */
  repeatedCallThreshold: number;
  /** A statement whose p95 is at least this (ms) is slow (default 100). */
  slowStatementMs: number;
  /** A route failing at least this share of its requests (default 0.05), once it has 5 or more failures… */
  errorRate: number;
  minErrors: number;
}

export const DEFAULT_TRACE_INSIGHT_SETTINGS: TraceInsightSettings = {
  nPlusOneThreshold: 5,
  repeatedCallThreshold: 5,
  slowStatementMs: 100,
  errorRate: 0.05,
  minErrors: 3,
};

export interface RouteReport {
  route: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  /** Average per request, in ms. */
  breakdown: { codeMs: number; dbMs: number; httpMs: number; otherMs: number };
  slowestTraceId?: string;
  errorTraceId?: string;
  /**
   * The handler's source location as the spans name it (code.* attributes of the server span or its
   * handler child; the most common over the window). `file` is as sent: absolute, or relative to
   * the service's working folder.
   */
  location?: SourceLocation;
}

export type TraceFindingKind = 'n-plus-one' | 'slow-statement' | 'repeated-call' | 'error-hot-spot';

export interface TraceFinding extends Finding {
  kind: TraceFindingKind;
  traceId: string;
  statement?: string;
  count?: number;
  /** Where the statement is written in the workspace (path relative to the workspace, 1-based line). */
  location?: { file: string; line: number };
}

export interface TraceReport {
  routes: RouteReport[];
  findings: TraceFinding[];
}

const r1 = (x: number) => round(x, 1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function locator(workspace: readonly ExtractedStatement[]) {
  const byKey = new Map<string, ExtractedStatement>();
  for (const st of workspace) if (st.file) byKey.set(statementKey(st.sql), st);
  return (key: string) => {
    const st = byKey.get(key);
    return st?.file ? { file: st.file, line: st.range.start.line + 1 } : undefined;
  };
}

export function analyzeTraces(
  store: SpanStore,
  window: { from: number; to: number },
  settings: TraceInsightSettings = DEFAULT_TRACE_INSIGHT_SETTINGS,
  workspace: readonly ExtractedStatement[] = [],
): TraceReport {
  const locate = locator(workspace);
  const routes: RouteReport[] = store
    .rollups('route', window.from, window.to)
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .map((r) => {
      const out: RouteReport = {
        route: r.key,
        count: r.count,
        p50Ms: r1(r.sketch.quantile(0.5) ?? 0),
        p95Ms: r1(r.sketch.quantile(0.95) ?? 0),
        p99Ms: r1(r.sketch.quantile(0.99) ?? 0),
        errorRate: round(r.errors / r.count, 4),
        breakdown: {
          codeMs: r1(r.codeMs / r.count),
          dbMs: r1(r.dbMs / r.count),
          httpMs: r1(r.httpMs / r.count),
          otherMs: r1(r.otherMs / r.count),
        },
      };
      if (r.slowestTraceId) out.slowestTraceId = r.slowestTraceId;
      if (r.errorTraceId) out.errorTraceId = r.errorTraceId;
      const location = commonestLocation(r);
      if (location) out.location = location;
      return out;
    });

  const findings: TraceFinding[] = [];
  // Repetitions per route and key, across the requests of the window.
  const groups = new Map<string, { route: string; rep: Repetition; hits: { traceId: string; rep: Repetition }[] }>();
  const requests = store.requests(window.from, window.to);
  for (const req of requests)
    for (const rep of req.repetitions) {
      const min = rep.kind === 'statement' ? settings.nPlusOneThreshold : settings.repeatedCallThreshold;
      if (rep.count < min) continue;
      const id = `${rep.kind}|${req.route}|${rep.key}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { route: req.route, rep, hits: [] }));
      g.hits.push({ traceId: req.traceId, rep });
    }
  for (const g of groups.values()) {
    const perRequest = median(g.hits.map((h) => h.rep.count));
    const example = g.hits.find((h) => h.rep.count === perRequest)!;
    const costMs = g.hits.reduce((a, h) => a + h.rep.totalMs, 0) / g.hits.length;
    const location = g.rep.kind === 'statement' ? locate(g.rep.key) : undefined;
    const nPlusOne = g.rep.kind === 'statement';
    const what = nPlusOne ? 'statement' : 'outbound call';
    findings.push({
      id: `traces.${nPlusOne ? 'n-plus-one' : 'repeated-call'}:${g.route}:${g.rep.key}`,
      analyzer: 'traces',
      kind: nPlusOne ? 'n-plus-one' : 'repeated-call',
      severity: 'warning',
      title: nPlusOne
        ? `N+1 on ${g.route}: one statement run ${perRequest} times per request`
        : `${g.route} calls ${g.rep.key} ${perRequest} times per request`,
      route: g.route,
      target: g.rep.text,
      ...(nPlusOne ? { statement: g.rep.text } : {}),
      count: perRequest,
      traceId: example.traceId,
      ...(location ? { location } : {}),
      evidence: {
        window,
        numbers: {
          perRequest,
          requestsAffected: g.hits.length,
          requestsOnRoute: requests.filter((q) => q.route === g.route).length,
          avgCostMs: r1(costMs),
          threshold: nPlusOne ? settings.nPlusOneThreshold : settings.repeatedCallThreshold,
        },
        text: `${g.hits.length} request(s) to ${g.route} ran the same ${what} ${perRequest} times under one parent span (median), costing ${r1(costMs)} ms per request; trace ${example.traceId}.`,
      },
      recommendation: nPlusOne
        ? 'Fetch the rows in one statement (a join or WHERE … IN (…)) instead of one statement per item.'
        : 'Batch the calls into one request, or cache the answer for the duration of the request.',
    });
  }

  for (const s of store.rollups('statement', window.from, window.to)) {
    const p95 = s.sketch.quantile(0.95) ?? 0;
    if (p95 < settings.slowStatementMs || !s.slowestTraceId) continue;
    const location = locate(s.key);
    findings.push({
      id: `traces.slow-statement:${s.key}`,
      analyzer: 'traces',
      kind: 'slow-statement',
      severity: p95 >= settings.slowStatementMs * 5 ? 'critical' : 'warning',
      title: `Slow statement: p95 ${r1(p95)} ms over ${s.count} run(s)`,
      target: s.text,
      statement: s.text,
      count: s.count,
      traceId: s.slowestTraceId,
      ...(location ? { location } : {}),
      evidence: {
        window,
        numbers: {
          count: s.count,
          p50Ms: r1(s.sketch.quantile(0.5) ?? 0),
          p95Ms: r1(p95),
          slowestMs: r1(s.slowestMs),
          thresholdMs: settings.slowStatementMs,
          ...(s.system ? { system: s.system } : {}),
        },
        text: `${s.count} run(s) of this ${s.system ?? 'database'} statement took ${r1(p95)} ms at p95 (threshold ${settings.slowStatementMs} ms); the slowest, ${r1(s.slowestMs)} ms, is in trace ${s.slowestTraceId}.`,
      },
      recommendation: 'Explain the statement (PerfLens: Show Query Plan) and index the columns it filters or sorts on.',
    });
  }

  for (const r of routes) {
    const errors = Math.round(r.errorRate * r.count);
    if (r.errorRate < settings.errorRate || errors < settings.minErrors || !r.errorTraceId) continue;
    findings.push({
      id: `traces.error-hot-spot:${r.route}`,
      analyzer: 'traces',
      kind: 'error-hot-spot',
      severity: r.errorRate >= 0.25 ? 'critical' : 'warning',
      title: `${r.route} fails ${r1(r.errorRate * 100)} % of requests`,
      route: r.route,
      count: errors,
      traceId: r.errorTraceId,
      evidence: {
        window,
        numbers: { errors, requests: r.count, errorRatePct: r1(r.errorRate * 100) },
        text: `${errors} of ${r.count} request(s) to ${r.route} failed (threshold ${settings.errorRate * 100} %); one is trace ${r.errorTraceId}.`,
      },
      recommendation: 'Open the failed trace to see which span failed and its status message.',
    });
  }
  return { routes, findings };
}
