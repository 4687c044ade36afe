/**
 * Spans for better-sqlite3, which has no OpenTelemetry instrumentation of its own: every run, get,
 * all, iterate of a prepared statement and every exec becomes a CLIENT span with
 * db.system.name=sqlite and db.query.text, under the span that was active when it ran. Statements
 * are patched through their prototype (the native Statement class), reached from the first
 * statement prepare() returns. Statements run outside any span (start-up, migrations, seeding a
 * database with thousands of inserts) make no span: they belong to no request, and a flood of them
 * would push the requests' spans out of the exporter's queue.
 */
import type { Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';

const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const;
const MAX_QUERY_TEXT = 4096;

interface PreparedStatement {
  source?: string;
}
type AnyFn = (...args: unknown[]) => unknown;

function operationOf(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';
}

export class BetterSqlite3Instrumentation extends InstrumentationBase {
  private patchedStatements = new WeakSet<object>();

  constructor() {
    super('perflens-better-sqlite3', '0.1.0', {});
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'better-sqlite3',
      ['>=7'],
      (exports: { prototype: Record<string, AnyFn> }) => {
        const proto = exports.prototype;
        const patchStatements = (stmt: object) => {
          const sProto = Object.getPrototypeOf(stmt) as Record<string, AnyFn> | null;
          if (!sProto || this.patchedStatements.has(sProto)) return;
          this.patchedStatements.add(sProto);
          for (const m of STATEMENT_METHODS)
            if (typeof sProto[m] === 'function') this._wrap(sProto, m, (fn: AnyFn) => this.traced(fn));
        };
        const inSpan = <T>(sql: string, run: () => T) => this.inSpan(sql, run);
        this._wrap(proto, 'prepare', (original: AnyFn) => {
          return function prepare(this: unknown, ...args: unknown[]) {
            const stmt = original.apply(this, args) as object;
            patchStatements(stmt);
            return stmt;
          };
        });
        this._wrap(proto, 'exec', (original: AnyFn) => {
          return function exec(this: unknown, sql: unknown, ...rest: unknown[]) {
            return inSpan(String(sql), () => original.call(this, sql, ...rest));
          };
        });
        return exports;
      },
      (exports: { prototype: Record<string, AnyFn> }) => {
        this._unwrap(exports.prototype, 'prepare');
        this._unwrap(exports.prototype, 'exec');
      },
    );
  }

  private traced(fn: AnyFn): AnyFn {
    const inSpan = <T>(sql: string, run: () => T) => this.inSpan(sql, run);
    return function (this: PreparedStatement, ...args: unknown[]) {
      return inSpan(String(this.source ?? ''), () => fn.apply(this, args));
    };
  }

  private inSpan<T>(sql: string, run: () => T): T {
    if (!trace.getSpan(context.active())) return run();
    const operation = operationOf(sql);
    const span: Span = this.tracer.startSpan(
      operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'sqlite',
          'db.operation.name': operation,
          'db.query.text': sql.slice(0, MAX_QUERY_TEXT),
        },
      },
      context.active(),
    );
    try {
      return context.with(trace.setSpan(context.active(), span), run);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  }
}
