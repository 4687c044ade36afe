/**
 * Where a traced route's lens goes in a file, and its text ("p95 240 ms · 38 req · 41 % in DB").
 * The handler's location from the spans' code.* attributes comes first: the lens sits at that file
 * and line, in any language, when the file is inside a workspace folder (an absolute path as is, a
 * relative one under each folder); a location outside the workspace gets no lens. Only a route
 * whose spans name no location is found through the route table as written (the path as a string
 * literal, e.g. `'GET /api/orders'` or `app.get('/api/orders', …)`). Plain data, so it is tested
 * without an editor.
 */
import * as path from 'node:path';
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

export interface LensDocument {
  /** The document's absolute path on disk. */
  fsPath: string;
  text: string;
}

const normal = (p: string) => (process.platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));

function inside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The paths a span's `file` may name inside the workspace folders (none when it is outside them all). */
export function workspacePaths(file: string, folders: readonly string[]): string[] {
  const candidates = path.isAbsolute(file) ? [path.resolve(file)] : folders.map((f) => path.resolve(f, file));
  return candidates.filter((c) => folders.some((f) => inside(normal(f), normal(c)))).map(normal);
}

export function routeLenses(
  doc: LensDocument,
  routes: readonly RouteReport[],
  folders: readonly string[],
): RouteLensSpec[] {
  const out: RouteLensSpec[] = [];
  const lines = doc.text.split('\n');
  const here = normal(doc.fsPath);
  for (const r of routes) {
    if (r.location) {
      if (workspacePaths(r.location.file, folders).includes(here)) {
        const line = Math.min(Math.max(0, (r.location.line ?? 1) - 1), lines.length - 1);
        out.push({ line, route: r.route, title: routeLensTitle(r) });
      }
      continue;
    }
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
