/**
 * What a span is, read from its kind and attributes under both the current OpenTelemetry semantic
 * conventions and the older names instrumentations still send (db.system.name / db.system,
 * db.query.text / db.statement, http.request.method / http.method, url.path / http.target,
 * code.function.name / code.function, …).
 */
import type { AttributeValue, SpanRecord } from './types';
import { SPAN_KIND } from './types';

/** The first of the keys (current name first, then older ones) with a non-empty value; read for every span stored. */
function first(attrs: Record<string, AttributeValue>, a: string, b?: string, c?: string): AttributeValue | undefined {
  let v = attrs[a];
  if (v !== undefined && v !== '') return v;
  if (b === undefined) return undefined;
  v = attrs[b];
  if (v !== undefined && v !== '') return v;
  if (c === undefined) return undefined;
  v = attrs[c];
  return v !== undefined && v !== '' ? v : undefined;
}

function text(attrs: Record<string, AttributeValue>, a: string, b?: string, c?: string): string | undefined {
  const v = first(attrs, a, b, c);
  return v === undefined ? undefined : String(v);
}

export type SpanCategory = 'db' | 'http' | 'other-remote' | 'local';

export function dbSystem(span: SpanRecord): string | undefined {
  return text(span.attributes, 'db.system.name', 'db.system');
}

export function dbStatement(span: SpanRecord): string | undefined {
  return text(span.attributes, 'db.query.text', 'db.statement');
}

export function httpMethod(span: SpanRecord): string | undefined {
  return text(span.attributes, 'http.request.method', 'http.method');
}

export function httpStatus(span: SpanRecord): number | undefined {
  const v = Number(first(span.attributes, 'http.response.status_code', 'http.status_code'));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** The outbound call's target, without query string: method and host/path. */
export function outboundTarget(span: SpanRecord): string {
  const url = text(span.attributes, 'url.full', 'http.url');
  let where = url;
  if (url) {
    try {
      const u = new URL(url);
      where = `${u.host}${normalisePath(u.pathname)}`;
    } catch {
      where = url.split('?')[0];
    }
  } else {
    const host = text(span.attributes, 'server.address', 'net.peer.name', 'http.host') ?? '';
    const path = text(span.attributes, 'url.path', 'http.target');
    where = `${host}${path ? normalisePath(path.split('?')[0]!) : ''}` || span.name;
  }
  return `${httpMethod(span) ?? ''} ${where}`.trim();
}

export function category(span: SpanRecord): SpanCategory {
  if (dbSystem(span) || dbStatement(span)) return 'db';
  const remote = span.kind === SPAN_KIND.client || span.kind === SPAN_KIND.producer;
  if (remote && httpMethod(span)) return 'http';
  if (remote) return 'other-remote';
  return 'local';
}

/** Path segments that are ids (numbers, UUIDs, long hex) become {id}, so /users/42 and /users/43 are one route. */
export function normalisePath(path: string): string {
  return (
    path
      .split('/')
      .map((seg) =>
        /^\d+$/.test(seg) ||
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) ||
        /^[0-9a-f]{16,}$/i.test(seg)
          ? '{id}'
          : seg,
      )
      .join('/')
      .replace(/\/+$/, '') || '/'
  );
}

/** "GET /api/orders/{id}": the framework's http.route when it sent one, else the path with ids folded. */
export function routeOf(span: SpanRecord): string {
  const method = httpMethod(span);
  const route = text(span.attributes, 'http.route');
  const target = text(span.attributes, 'url.path', 'http.target');
  const path = route ?? (target !== undefined ? normalisePath(target.split('?')[0]!) : undefined);
  if (path === undefined) return span.name;
  return method ? `${method} ${path}` : path;
}

export function isError(span: SpanRecord): boolean {
  if (span.statusCode === 2) return true;
  const status = httpStatus(span);
  return span.kind === SPAN_KIND.server && status !== undefined && status >= 500;
}

export interface CodeLocation {
  function?: string;
  file?: string;
  line?: number;
}

/** Where the span's code is, from code.* attributes (new names first, then the older ones). */
export function codeLocation(span: SpanRecord): CodeLocation | undefined {
  const fn = text(span.attributes, 'code.function.name', 'code.function');
  const ns = text(span.attributes, 'code.namespace');
  const file = text(span.attributes, 'code.file.path', 'code.filepath');
  const line = Number(first(span.attributes, 'code.line.number', 'code.lineno'));
  if (!fn && !file) return undefined;
  const out: CodeLocation = {};
  if (fn) out.function = ns && !fn.includes('.') ? `${ns}.${fn}` : fn;
  if (file) out.file = file;
  if (Number.isInteger(line) && line > 0) out.line = line;
  return out;
}

/** Where a route's handler is written: a file, with the line and function when the span says. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line?: number;
  function?: string;
}

function withFile(span: SpanRecord): SourceLocation | undefined {
  const loc = codeLocation(span);
  if (!loc?.file) return undefined;
  const out: SourceLocation = { file: loc.file };
  if (loc.line !== undefined) out.line = loc.line;
  if (loc.function !== undefined) out.function = loc.function;
  return out;
}

/**
 * Where one request's handler is, from code.* attributes: the server span's own, else that of its
 * longest direct child in the same process carrying a file (instrumentations that set them do so
 * on the handler's span, which runs for most of the request, while middleware spans before it are
 * short). Client and server children are other calls and hops: their code.* say where a call was
 * made or another service's code, not this route's handler.
 */
export function handlerLocation(root: SpanRecord, children: readonly SpanRecord[]): SourceLocation | undefined {
  const own = withFile(root);
  if (own) return own;
  let best: { loc: SourceLocation; ms: number } | undefined;
  for (const c of children) {
    if (c.kind !== SPAN_KIND.internal && c.kind !== SPAN_KIND.unspecified) continue;
    const loc = withFile(c);
    if (loc && (!best || c.durationMs > best.ms)) best = { loc, ms: c.durationMs };
  }
  return best?.loc;
}
