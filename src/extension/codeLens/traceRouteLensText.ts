/**
 * Where a traced route's handler is in a file, found through the route table as written (the path
 * as a string literal, e.g. `'GET /api/orders'` or `app.get('/api/orders', …)`), and the lens text:
 * "p95 240 ms · 38 req · 41 % in DB". Plain data, so it is tested without an editor.
 */
import type { RouteReport } from '../../core/traces/analyze';
import { formatMs } from '../../shared/format';

export interface RouteLensSpec {
  /** 0-based. */
  line: number;
  route: string;
  title: string;
}

export function routeLensTitle(r: RouteReport): string {
  const { codeMs, dbMs, httpMs, otherMs } = r.breakdown;
  const total = codeMs + dbMs + httpMs + otherMs;
  const parts = [`p95 ${formatMs(r.p95Ms)}`, `${r.count} req`];
  if (total > 0) parts.push(`${Math.round((dbMs / total) * 100)} % in DB`);
  if (total > 0 && httpMs > 0) parts.push(`${Math.round((httpMs / total) * 100)} % outbound HTTP`);
  if (r.errorRate > 0) parts.push(`${(r.errorRate * 100).toFixed(1)} % errors`);
  return parts.join(' · ');
}

export function routeLenses(text: string, routes: readonly RouteReport[]): RouteLensSpec[] {
  const out: RouteLensSpec[] = [];
  const lines = text.split('\n');
  for (const r of routes) {
    const space = r.route.indexOf(' ');
    const path = space > 0 ? r.route.slice(space + 1) : r.route;
    if (!path.startsWith('/') || path === '/') continue;
    // The path as a whole string literal, or the route key "METHOD /path" as one.
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{id\\\}/g, '[^/\'"`]+');
    const literal = new RegExp(`['"\`](?:[A-Z]+ )?${escaped}['"\`]`);
    const line = lines.findIndex((l) => literal.test(l));
    if (line >= 0) out.push({ line, route: r.route, title: routeLensTitle(r) });
  }
  return out.sort((a, b) => a.line - b.line);
}
