/**
 * Spans in sql.js, beside the metric history: the raw spans for a window (to show one trace and
 * to find its repetitions), one summary per request, and per-minute rollups per route and per
 * statement whose latency sketches merge into exact-to-1 % percentiles over any range of minutes.
 *
 * Receiving and storing are decoupled: the receiver queues a batch and answers; the queue drains
 * in the background, and while it holds more than `maxQueuedSpans` the receiver tells senders to
 * retry later. A cap on spans stored per minute keeps a flood from crowding out the rest.
 *
 * Spans and request summaries are stored a received batch to a row (spanRows.ts says why), so
 * the retention and the stored-span cap drop a batch whole: once its newest span is past the
 * retention, and oldest batches first when there are more than `maxStoredSpans` spans.
 */
import type { Database, Statement } from '../util/sqljs';
import { loadSqlJs } from '../util/sqljs';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { statementKey } from './statementKey';
import { type Rollup, emptyRollup, mergeRollup, note, noteLocation, rowToRollup } from './rollup';
import { dbStatement, dbSystem, isError } from './semconv';
import { summariseTrace, type TraceSummary } from './traceSummary';
import type { SpanRecord } from './types';
import { SPAN_KIND } from './types';
import type { SpanSink } from './receiver';
import {
  SCHEMA,
  decodeRequests,
  decodeSpans,
  encodeRequests,
  encodeSpans,
  timeRange,
  traceIdBytes,
  traceIdKey,
} from './spanRows';

export type { Rollup } from './rollup';

export interface SpanStoreOptions {
  clock?: Clock;
  /** How long spans, summaries and rollups are kept (default 1 hour). */
  retentionMs?: number;
  /** Spans accepted per minute of receiving; the rest are refused (default 120,000). */
  maxSpansPerMinute?: number;
  /** Raw spans kept at most; the oldest batches go first, whole (default 300,000). */
  maxStoredSpans?: number;
  /** Spans waiting to be stored before senders are asked to retry (default 50,000). */
  maxQueuedSpans?: number;
}

export const DEFAULT_RETENTION_MS = 3_600_000;
export const DEFAULT_MAX_SPANS_PER_MINUTE = 120_000;

const MINUTE = 60_000;
/** Spans of recent traces held in memory for summarising requests. */
const RECENT_SPANS = 100_000;
/** Rollups held in memory between batches (the current minutes'); past this they are read back when needed. */
const CACHED_ROLLUPS = 5_000;

export class SpanStore implements SpanSink {
  private readonly clock: Clock;
  private readonly queue: SpanRecord[][] = [];
  private queued = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  private minute = -1;
  private acceptedThisMinute = 0;
  /** Rollups of recent minutes by `minute|kind|key`; `dirty` ones are not yet written. */
  private readonly cached = new Map<string, { minute: number; kind: 'route' | 'statement'; r: Rollup }>();
  private readonly dirty = new Set<string>();
  /** The latest minute a rollup was counted into. */
  private latestMinute = -Infinity;
  private readonly insertSpans: Statement;
  private readonly insertRequests: Statement;
  private readonly readRollup: Statement;
  private readonly writeRollup: Statement;
  private lastPrune = 0;
  /** Spans of recent traces by trace id, so a request is summarised without reading its spans back. */
  private readonly recent = new Map<string, SpanRecord[]>();
  private recentCount = 0;
  private readonly statementKeys = new Map<string, string>();
  /** Spans held in memory for requests not summarised yet (their server span has not arrived). */
  get pendingSpans(): number {
    return this.recentCount;
  }
  /** Spans refused by the per-minute cap since the store opened. */
  refusedByCap = 0;

  private constructor(
    private readonly db: Database,
    private readonly opts: SpanStoreOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    db.run(SCHEMA);
    this.insertSpans = db.prepare('INSERT INTO span_batches VALUES (?,?,?,?,?)');
    this.insertRequests = db.prepare('INSERT INTO request_batches VALUES (?,?,?,?)');
    this.readRollup = db.prepare('SELECT * FROM rollups WHERE minute = ? AND kind = ? AND key = ?');
    this.writeRollup = db.prepare('INSERT OR REPLACE INTO rollups VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
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
      const [oldest, newest] = timeRange(batch, (s) => s.startMs);
      this.insertSpans.run([oldest, newest, batch.length, traceIdBytes(batch), encodeSpans(batch)]);
      for (const s of batch) {
        this.remember(s);
        const stmt = dbStatement(s);
        if (stmt) {
          const key = this.statementKey(stmt);
          const r = this.rollup(s.startMs, 'statement', key, stmt);
          note(r, s.traceId, s.durationMs, isError(s));
          r.system ??= dbSystem(s);
        }
      }
      const requests: TraceSummary[] = [];
      for (const root of batch)
        if (root.kind === SPAN_KIND.server) {
          const covered = new Set<SpanRecord>();
          const spans = this.recent.get(root.traceId) ?? [root];
          requests.push(this.addRequest(summariseTrace(root, spans, (sql) => this.statementKey(sql), covered)));
          this.forget(root.traceId, covered);
        }
      if (requests.length) {
        const [first, last] = timeRange(requests, (t) => t.startMs);
        this.insertRequests.run([first, last, requests.length, encodeRequests(requests)]);
      }
      this.db.run('COMMIT');
    } catch (e) {
      this.db.run('ROLLBACK');
      // What was counted into the cached rollups is not stored: read them back when next needed.
      this.cached.clear();
      this.dirty.clear();
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

  /**
   * Drops spans a request summary has read: no later summary reads them (each stops at a nested
   * server span), so the recent spans are only those whose request has not arrived yet.
   */
  private forget(traceId: string, covered: Set<SpanRecord>): void {
    const spans = this.recent.get(traceId);
    if (!spans) return;
    const left = spans.filter((s) => !covered.has(s));
    this.recentCount -= spans.length - left.length;
    if (left.length) this.recent.set(traceId, left);
    else this.recent.delete(traceId);
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

  private addRequest(t: TraceSummary): TraceSummary {
    const r = this.rollup(t.startMs, 'route', t.route, t.route);
    note(r, t.traceId, t.durationMs, t.error);
    r.codeMs += t.codeMs;
    r.dbMs += t.dbMs;
    r.httpMs += t.httpMs;
    r.otherMs += t.otherMs;
    if (t.location) noteLocation(r, t.location);
    return t;
  }

  private rollup(timeMs: number, kind: 'route' | 'statement', key: string, text: string): Rollup {
    const minute = Math.floor(timeMs / MINUTE);
    if (minute > this.latestMinute) this.latestMinute = minute;
    const id = `${minute}|${kind}|${key}`;
    let d = this.cached.get(id);
    if (!d) {
      this.readRollup.bind([minute, kind, key]);
      const existing = this.readRollup.step() ? rowToRollup(this.readRollup.get()) : undefined;
      this.readRollup.reset();
      const r = existing ?? emptyRollup(key, text);
      this.cached.set(id, (d = { minute, kind, r }));
    }
    this.dirty.add(id);
    return d.r;
  }

  private flushRollups(): void {
    for (const id of this.dirty) {
      const { minute, kind, r } = this.cached.get(id)!;
      this.writeRollup.run([
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
    }
    this.dirty.clear();
    // Every cached rollup is now stored, so dropping one loses nothing (it is read back if a late
    // span needs it): only the latest two minutes' stay.
    if (this.cached.size > CACHED_ROLLUPS) this.cached.clear();
    for (const [id, d] of this.cached) if (d.minute < this.latestMinute - 1) this.cached.delete(id);
  }

  private prune(): void {
    const now = this.clock.now();
    if (now - this.lastPrune < 10_000) return;
    this.lastPrune = now;
    const cutoff = now - (this.opts.retentionMs ?? DEFAULT_RETENTION_MS);
    // A batch's spans and requests go together, once the newest of them is past the retention.
    this.db.run('DELETE FROM span_batches WHERE newest_ms < ?', [cutoff]);
    this.db.run('DELETE FROM request_batches WHERE newest_ms < ?', [cutoff]);
    const cutoffMinute = Math.floor(cutoff / MINUTE);
    this.db.run('DELETE FROM rollups WHERE minute < ?', [cutoffMinute]);
    for (const [id, d] of this.cached) if (d.minute < cutoffMinute) this.cached.delete(id);
    const max = this.opts.maxStoredSpans ?? 300_000;
    const over = this.count('spans') - max;
    // Oldest batches first, whole, until at least `over` spans are gone.
    if (over > 0)
      this.db.run(
        `DELETE FROM span_batches WHERE rowid IN (SELECT rowid FROM (SELECT rowid, n,
           SUM(n) OVER (ORDER BY newest_ms, rowid ROWS UNBOUNDED PRECEDING) AS upto FROM span_batches)
         WHERE upto - n < ?)`,
        [over],
      );
  }

  count(table: 'spans' | 'requests' | 'rollups'): number {
    const sql =
      table === 'rollups' ? 'SELECT COUNT(*) FROM rollups' : `SELECT SUM(n) FROM ${table.slice(0, -1)}_batches`;
    return Number(this.db.exec(sql)[0]?.values[0]?.[0] ?? 0);
  }

  /**
   * Bytes of sql.js memory the store's tables hold: their pages (free ones included, which an
   * in-memory database keeps for reuse) times the page size. Bounded by the retention and
   * `maxStoredSpans` once both are reached: deleted batches' pages are reused, not added to.
   */
  databaseBytes(): number {
    const pragma = (name: string) => Number(this.db.exec(`PRAGMA temp.${name}`)[0]?.values[0]?.[0] ?? 0);
    return pragma('page_count') * pragma('page_size');
  }

  /** Every stored span of one trace, by start time. */
  trace(traceId: string): SpanRecord[] {
    const stmt = this.db.prepare('SELECT spans FROM span_batches WHERE instr(trace_ids, ?) > 0');
    stmt.bind([traceIdKey(traceId)]);
    const out: SpanRecord[] = [];
    while (stmt.step()) out.push(...decodeSpans(stmt.get()[0] as Uint8Array, traceId));
    stmt.free();
    return out.sort((a, b) => a.startMs - b.startMs);
  }

  /** Request summaries that started in [from, to), newest first. */
  requests(from: number, to: number): TraceSummary[] {
    const stmt = this.db.prepare('SELECT requests FROM request_batches WHERE newest_ms >= ? AND oldest_ms < ?');
    stmt.bind([from, to]);
    const out: TraceSummary[] = [];
    while (stmt.step())
      for (const t of decodeRequests(stmt.get()[0] as Uint8Array)) if (t.startMs >= from && t.startMs < to) out.push(t);
    stmt.free();
    return out.sort((a, b) => b.startMs - a.startMs);
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
    for (const st of [this.insertSpans, this.insertRequests, this.readRollup, this.writeRollup]) st.free();
    this.db.close();
  }
}
