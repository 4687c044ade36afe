/**
 * Spans in sql.js, beside the metric history: the raw spans for a window (to show one trace and
 * to find its repetitions), one summary per request, and per-minute rollups per route and per
 * statement whose latency sketches merge into exact-to-1 % percentiles over any range of minutes.
 *
 * Receiving and storing are decoupled: the receiver queues a batch and answers; the queue drains
 * in the background, and while it holds more than `maxQueuedSpans` the receiver tells senders to
 * retry later. A cap on spans stored per minute keeps a flood from crowding out the rest.
 */
import type { Database, Statement } from '../util/sqljs';
import { loadSqlJs } from '../util/sqljs';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { statementKey } from './statementKey';
import { LatencySketch } from './sketch';
import { type Rollup, mergeRollup, note, noteLocation, rowToRollup } from './rollup';
import { dbStatement, dbSystem, isError } from './semconv';
import { summariseTrace, type TraceSummary } from './traceSummary';
import type { SpanRecord } from './types';
import { SPAN_KIND } from './types';
import type { SpanSink } from './receiver';

export type { Rollup } from './rollup';

export interface SpanStoreOptions {
  clock?: Clock;
  /** How long spans, summaries and rollups are kept (default 1 hour). */
  retentionMs?: number;
  /** Spans accepted per minute of receiving; the rest are refused (default 120,000). */
  maxSpansPerMinute?: number;
  /** Raw spans kept at most; the oldest go first (default 300,000). */
  maxStoredSpans?: number;
  /** Spans waiting to be stored before senders are asked to retry (default 50,000). */
  maxQueuedSpans?: number;
}

export const DEFAULT_RETENTION_MS = 3_600_000;
export const DEFAULT_MAX_SPANS_PER_MINUTE = 120_000;

const SCHEMA = `
CREATE TABLE spans (trace_id TEXT, span_id TEXT, parent_id TEXT, name TEXT, kind INTEGER, start_ms REAL,
  duration_ms REAL, status INTEGER, status_message TEXT, service TEXT, attrs TEXT);
CREATE INDEX spans_trace ON spans (trace_id);
CREATE INDEX spans_start ON spans (start_ms);
CREATE TABLE requests (trace_id TEXT, span_id TEXT, route TEXT, service TEXT, start_ms REAL, duration_ms REAL,
  error INTEGER, code_ms REAL, db_ms REAL, http_ms REAL, other_ms REAL, repetitions TEXT);
CREATE INDEX requests_start ON requests (start_ms);
CREATE TABLE rollups (minute INTEGER, kind TEXT, key TEXT, text TEXT, system TEXT, count INTEGER, errors INTEGER,
  code_ms REAL, db_ms REAL, http_ms REAL, other_ms REAL, sketch TEXT, slowest_trace TEXT, slowest_ms REAL,
  error_trace TEXT, locations TEXT, PRIMARY KEY (minute, kind, key));
`;

const MINUTE = 60_000;
/** Spans of recent traces held in memory for summarising requests. */
const RECENT_SPANS = 100_000;

function rowToSpan(r: unknown[]): SpanRecord {
  const span: SpanRecord = {
    traceId: r[0] as string,
    spanId: r[1] as string,
    name: r[3] as string,
    kind: r[4] as number,
    startMs: r[5] as number,
    durationMs: r[6] as number,
    statusCode: r[7] as number,
    service: r[9] as string,
    attributes: JSON.parse(r[10] as string) as SpanRecord['attributes'],
  };
  if (r[2]) span.parentSpanId = r[2] as string;
  if (r[8]) span.statusMessage = r[8] as string;
  return span;
}

export class SpanStore implements SpanSink {
  private readonly clock: Clock;
  private readonly queue: SpanRecord[][] = [];
  private queued = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  private minute = -1;
  private acceptedThisMinute = 0;
  private readonly dirty = new Map<string, { minute: number; kind: 'route' | 'statement'; r: Rollup }>();
  private readonly insertSpan: Statement;
  private readonly insertRequest: Statement;
  private lastPrune = 0;
  /** Spans of recent traces by trace id, so a request is summarised without reading its spans back. */
  private readonly recent = new Map<string, SpanRecord[]>();
  private recentCount = 0;
  private readonly statementKeys = new Map<string, string>();
  /** Spans refused by the per-minute cap since the store opened. */
  refusedByCap = 0;

  private constructor(
    private readonly db: Database,
    private readonly opts: SpanStoreOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    db.run(SCHEMA);
    this.insertSpan = db.prepare('INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?,?)');
    this.insertRequest = db.prepare('INSERT INTO requests VALUES (?,?,?,?,?,?,?,?,?,?,?,?)');
  }

  static async open(opts: SpanStoreOptions = {}): Promise<SpanStore> {
    const SQL = await loadSqlJs();
    return new SpanStore(new SQL.Database(), opts);
  }

  ingest(spans: SpanRecord[]): { rejected: number; reason?: string } {
    const max = this.opts.maxSpansPerMinute ?? DEFAULT_MAX_SPANS_PER_MINUTE;
    const minute = Math.floor(this.clock.now() / MINUTE);
    if (minute !== this.minute) [this.minute, this.acceptedThisMinute] = [minute, 0];
    const room = Math.max(0, max - this.acceptedThisMinute);
    const taken = spans.length > room ? spans.slice(0, room) : spans;
    const rejected = spans.length - taken.length;
    this.acceptedThisMinute += taken.length;
    this.refusedByCap += rejected;
    if (taken.length) {
      this.queue.push(taken);
      this.queued += taken.length;
      this.scheduleDrain();
    }
    return rejected
      ? {
          rejected,
          reason: `more than ${max} spans arrived this minute, the limit (--max-spans-per-minute raises it)`,
        }
      : { rejected: 0 };
  }

  retryAfterSeconds(): number {
    return this.queued > (this.opts.maxQueuedSpans ?? 50_000) ? 1 : 0;
  }

  /** Resolves once every queued span is stored. */
  idle(): Promise<void> {
    if (!this.queued && !this.draining) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.drainSome());
  }

  private drainSome(): void {
    const batch = this.queue.shift();
    if (batch) {
      this.queued -= batch.length;
      this.store(batch);
    }
    if (this.queue.length) {
      setImmediate(() => this.drainSome());
      return;
    }
    this.draining = false;
    this.flushRollups();
    this.prune();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private store(batch: SpanRecord[]): void {
    this.db.run('BEGIN');
    try {
      for (const s of batch) {
        this.insertSpan.run([
          s.traceId,
          s.spanId,
          s.parentSpanId ?? null,
          s.name,
          s.kind,
          s.startMs,
          s.durationMs,
          s.statusCode,
          s.statusMessage ?? null,
          s.service,
          JSON.stringify(s.attributes),
        ]);
        this.remember(s);
        const stmt = dbStatement(s);
        if (stmt) {
          const key = this.statementKey(stmt);
          const r = this.rollup(s.startMs, 'statement', key, stmt);
          note(r, s.traceId, s.durationMs, isError(s));
          r.system ??= dbSystem(s);
        }
      }
      for (const root of batch.filter((s) => s.kind === SPAN_KIND.server))
        this.addRequest(summariseTrace(root, this.recent.get(root.traceId) ?? [root], (sql) => this.statementKey(sql)));
      this.db.run('COMMIT');
    } catch (e) {
      this.db.run('ROLLBACK');
      throw e;
    }
  }

  private remember(s: SpanRecord): void {
    let l = this.recent.get(s.traceId);
    if (!l) this.recent.set(s.traceId, (l = []));
    l.push(s);
    if (++this.recentCount <= RECENT_SPANS) return;
    // Oldest traces first (a Map iterates in insertion order) until a fifth of the room is free.
    for (const [id, spans] of this.recent) {
      this.recent.delete(id);
      this.recentCount -= spans.length;
      if (this.recentCount <= RECENT_SPANS * 0.8) break;
    }
  }

  /** The statement's normalised key; statements repeat, so each text is lexed once. */
  private statementKey(sql: string): string {
    let key = this.statementKeys.get(sql);
    if (key === undefined) {
      if (this.statementKeys.size >= 10_000) this.statementKeys.clear();
      this.statementKeys.set(sql, (key = statementKey(sql)));
    }
    return key;
  }

  private addRequest(t: TraceSummary): void {
    this.insertRequest.run([
      t.traceId,
      t.spanId,
      t.route,
      t.service,
      t.startMs,
      t.durationMs,
      t.error ? 1 : 0,
      t.codeMs,
      t.dbMs,
      t.httpMs,
      t.otherMs,
      JSON.stringify(t.repetitions),
    ]);
    const r = this.rollup(t.startMs, 'route', t.route, t.route);
    note(r, t.traceId, t.durationMs, t.error);
    r.codeMs += t.codeMs;
    r.dbMs += t.dbMs;
    r.httpMs += t.httpMs;
    r.otherMs += t.otherMs;
    if (t.location) noteLocation(r, t.location);
  }

  private rollup(timeMs: number, kind: 'route' | 'statement', key: string, text: string): Rollup {
    const minute = Math.floor(timeMs / MINUTE);
    const id = `${minute}|${kind}|${key}`;
    let d = this.dirty.get(id);
    if (!d) {
      const stmt = this.db.prepare('SELECT * FROM rollups WHERE minute = ? AND kind = ? AND key = ?');
      stmt.bind([minute, kind, key]);
      const existing = stmt.step() ? rowToRollup(stmt.get()) : undefined;
      stmt.free();
      const r = existing ?? {
        key,
        text,
        count: 0,
        errors: 0,
        sketch: new LatencySketch(),
        codeMs: 0,
        dbMs: 0,
        httpMs: 0,
        otherMs: 0,
        slowestMs: 0,
      };
      this.dirty.set(id, (d = { minute, kind, r }));
    }
    return d.r;
  }

  private flushRollups(): void {
    if (!this.dirty.size) return;
    const up = this.db.prepare('INSERT OR REPLACE INTO rollups VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
    for (const { minute, kind, r } of this.dirty.values())
      up.run([
        minute,
        kind,
        r.key,
        r.text,
        r.system ?? null,
        r.count,
        r.errors,
        r.codeMs,
        r.dbMs,
        r.httpMs,
        r.otherMs,
        JSON.stringify(r.sketch),
        r.slowestTraceId ?? null,
        r.slowestMs,
        r.errorTraceId ?? null,
        r.locations ? JSON.stringify(r.locations) : null,
      ]);
    up.free();
    this.dirty.clear();
  }

  private prune(): void {
    const now = this.clock.now();
    if (now - this.lastPrune < 10_000) return;
    this.lastPrune = now;
    const cutoff = now - (this.opts.retentionMs ?? DEFAULT_RETENTION_MS);
    this.db.run('DELETE FROM spans WHERE start_ms < ?', [cutoff]);
    this.db.run('DELETE FROM requests WHERE start_ms < ?', [cutoff]);
    this.db.run('DELETE FROM rollups WHERE minute < ?', [Math.floor(cutoff / MINUTE)]);
    const max = this.opts.maxStoredSpans ?? 300_000;
    const over = this.count('spans') - max;
    if (over > 0)
      this.db.run('DELETE FROM spans WHERE rowid IN (SELECT rowid FROM spans ORDER BY start_ms LIMIT ?)', [over]);
  }

  count(table: 'spans' | 'requests' | 'rollups'): number {
    return Number(this.db.exec(`SELECT COUNT(*) FROM ${table}`)[0]?.values[0]?.[0] ?? 0);
  }

  /** Every stored span of one trace, by start time. */
  trace(traceId: string): SpanRecord[] {
    const stmt = this.db.prepare('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ms');
    stmt.bind([traceId]);
    const out: SpanRecord[] = [];
    while (stmt.step()) out.push(rowToSpan(stmt.get()));
    stmt.free();
    return out;
  }

  /** Request summaries that started in [from, to), newest first. */
  requests(from: number, to: number): TraceSummary[] {
    const stmt = this.db.prepare('SELECT * FROM requests WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms DESC');
    stmt.bind([from, to]);
    const out: TraceSummary[] = [];
    while (stmt.step()) {
      const r = stmt.get();
      out.push({
        traceId: r[0] as string,
        spanId: r[1] as string,
        route: r[2] as string,
        service: r[3] as string,
        startMs: r[4] as number,
        durationMs: r[5] as number,
        error: r[6] === 1,
        codeMs: r[7] as number,
        dbMs: r[8] as number,
        httpMs: r[9] as number,
        otherMs: r[10] as number,
        repetitions: JSON.parse(r[11] as string) as TraceSummary['repetitions'],
      });
    }
    stmt.free();
    return out;
  }

  /** Route or statement rollups of the minutes overlapping [from, to), merged per key. */
  rollups(kind: 'route' | 'statement', from: number, to: number): Rollup[] {
    this.flushRollups();
    const stmt = this.db.prepare('SELECT * FROM rollups WHERE kind = ? AND minute >= ? AND minute <= ?');
    stmt.bind([kind, Math.floor(from / MINUTE), Math.floor((to - 1) / MINUTE)]);
    const merged = new Map<string, Rollup>();
    while (stmt.step()) {
      const r = rowToRollup(stmt.get());
      const m = merged.get(r.key);
      if (!m) merged.set(r.key, r);
      else mergeRollup(m, r);
    }
    stmt.free();
    return [...merged.values()];
  }

  close(): void {
    this.insertSpan.free();
    this.insertRequest.free();
    this.db.close();
  }
}
