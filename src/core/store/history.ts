/**
 * Metric history in sql.js: raw samples for hours, 1-minute rollups for days and 1-hour rollups for
 * the retention period (30 days by default). Rollups keep
 * min/max/sum/count, and latency histograms keep their bucket counts, which add up across rows,
 * so a p95 over a week is computed from a week of buckets (not averaged from hourly p95s).
 * Everything lives in memory and is persisted to one file by atomic, debounced writes.
 */
import { histogramQuantile } from '../metrics/quantile';
import type { HistogramDelta, Snapshot } from '../session/types';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { Result } from '../util/result';
import { fail, fileErrorReason, ok } from '../util/result';
import type { Database, SqlValue, Statement } from '../util/sqljs';
import { UserFileError } from '../util/userFile';
import { AlertLog, alertRow } from './alerts';
import type { AlertEvent, AlertHistoryFilter, StoredAlertEvent } from './alerts';
import type { MovedAside } from './dbFile';
import { HistoryFileRefused } from './dbFile';
import { FileLockBusyError } from './fileLock';
import { ensureHistorySchema } from './schema';
import { flattenSnapshot } from './flatten';
import type { HistogramPart } from './histogramCodec';
import { decodeHistogram, encodeHistogram, labelsJson, mergeHistogram } from './histogramCodec';
import type { HistoryFile } from './historyFile';
import type { PendingChanges, RollupTable, SeriesKey } from './pending';
import { combineRollup, rollupFromRow } from './pending';
import type { HistoryStoreOptions, LatencyOverRange, RangeResult, Resolution, SeriesInfo } from './storeTypes';

export type {
  HistoryStoreOptions,
  LatencyOverRange,
  RangePoint,
  RangeResult,
  Resolution,
  SeriesInfo,
} from './storeTypes';

interface Accumulator {
  t: number;
  min: number;
  max: number;
  sum: number;
  n: number;
  hist?: HistogramPart;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class HistoryStore {
  readonly retentionMs: number;
  readonly rawRetentionMs: number;
  readonly minuteRetentionMs: number;
  /** The alert-history table (see alerts.ts). */
  readonly alerts: AlertLog;
  private readonly clock: Clock;
  private readonly seriesIds = new Map<string, number>();
  /** The reverse of seriesIds, for the changes kept for the next save (by name, not id). */
  private readonly seriesKeys = new Map<number, SeriesKey>();
  private readonly minuteAcc = new Map<number, Accumulator>();
  private readonly hourAcc = new Map<number, Accumulator>();
  private lastRetention = -Infinity;
  private saveTimer?: unknown;
  private saving?: Promise<Result<void, 'io' | 'refused'>>;
  private dirtyFlag = false;
  private inTx = false;
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  constructor(
    private db: Database,
    private readonly opts: HistoryStoreOptions,
    /** Set when the file at open time was damaged and was moved aside. */
    readonly movedAside?: MovedAside,
    /** The file this history is saved to (none: kept in memory only). */
    private readonly historyFile?: HistoryFile,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.retentionMs = (opts.retentionDays ?? 30) * DAY;
    this.rawRetentionMs = (opts.rawRetentionHours ?? 6) * HOUR;
    this.minuteRetentionMs = (opts.minuteRetentionHours ?? 48) * HOUR;
    ensureHistorySchema(db);
    this.tuneConnection();
    this.alerts = new AlertLog(
      () => this.db,
      () => this.touch(),
    );
    this.loadSeriesIds();
  }

  private loadSeriesIds(): void {
    this.seriesIds.clear();
    this.seriesKeys.clear();
    for (const row of this.rows('SELECT id, target, name, labels FROM series')) {
      this.seriesIds.set(`${row[1]}\0${row[2]}\0${row[3]}`, row[0] as number);
      this.seriesKeys.set(row[0] as number, [row[1] as string, row[2] as string, row[3] as string]);
    }
  }

  /** Changes to keep for the next save (only when there is a file to save to). */
  private get pending(): PendingChanges | undefined {
    return this.historyFile?.pending;
  }

  /**
   * The database lives in sql.js's in-memory file system, where every commit copies journal and
   * pages through JS: no journal file and no syncs (durability comes from the atomic file save).
   * Connection settings are lost when export() reopens the database, so this runs again after.
   */
  private tuneConnection(): void {
    this.db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;');
  }

  /**
   * Writes are grouped into one open transaction, committed before anything reads or saves
   * (group commit): per-sample autocommits would dominate the cost of recording.
   */
  private begin(): void {
    if (!this.inTx) {
      this.db.exec('BEGIN');
      this.inTx = true;
    }
  }

  private commit(): void {
    if (this.inTx) {
      this.inTx = false;
      this.db.exec('COMMIT');
    }
  }

  get dirty(): boolean {
    return this.dirtyFlag;
  }

  /** Prepared once and reused; export() frees every statement, so the cache is dropped then. */
  private stmt(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  private run(sql: string, params: SqlValue[]): void {
    const st = this.stmt(sql);
    try {
      st.run(params);
    } finally {
      st.reset();
    }
  }

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const st = this.stmt(sql);
    try {
      st.bind(params);
      const out: SqlValue[][] = [];
      while (st.step()) out.push(st.get());
      return out;
    } finally {
      st.reset();
    }
  }

  private seriesId(target: string, name: string, labels: Record<string, string>): number {
    const lj = labelsJson(labels);
    const key = `${target}\0${name}\0${lj}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      this.begin();
      this.run('INSERT INTO series (target, name, labels) VALUES (?, ?, ?)', [target, name, lj]);
      id = Number(this.rows('SELECT last_insert_rowid()')[0]![0]);
      this.seriesIds.set(key, id);
      this.seriesKeys.set(id, [target, name, lj]);
      this.pending?.addSeries([target, name, lj]);
    }
    return id;
  }

  /** Records every number of a snapshot (and its latency histograms) at the snapshot's time. */
  recordSnapshot(s: Snapshot): void {
    for (const v of flattenSnapshot(s)) this.recordValue(s.targetId, v.name, v.labels, s.time, v.value);
    for (const h of s.histograms ?? []) this.recordHistogram(s.targetId, h, s.time);
  }

  recordValue(target: string, name: string, labels: Record<string, string>, t: number, value: number): void {
    if (!Number.isFinite(value)) return;
    this.ingest(this.seriesId(target, name, labels), t, value, undefined);
  }

  /** One interval's histogram increase (buckets in ms, as in Snapshot.histograms). */
  recordHistogram(target: string, h: HistogramDelta, t: number): void {
    if (!(h.count > 0)) return;
    this.ingest(this.seriesId(target, h.series, h.labels), t, h.sumMs / h.count, {
      buckets: h.buckets,
      sumMs: h.sumMs,
      count: h.count,
    });
  }

  private ingest(id: number, t: number, value: number, hist: HistogramPart | undefined): void {
    const now = this.clock.now();
    this.begin();
    // Samples older than a table's window would be deleted at once, so they skip it (backfills).
    if (t >= now - this.rawRetentionMs) {
      const encoded = hist ? encodeHistogram(hist) : null;
      this.run('INSERT OR REPLACE INTO raw (series, t, value, hist) VALUES (?, ?, ?, ?)', [id, t, value, encoded]);
      this.pending?.addRaw(this.seriesKeys.get(id)!, t, value, encoded);
    }
    this.accumulate(this.minuteAcc, 'rollup_1m', MINUTE, this.minuteRetentionMs, id, t, value, hist);
    this.accumulate(this.hourAcc, 'rollup_1h', HOUR, this.retentionMs, id, t, value, hist);
    this.touch();
    if (now - this.lastRetention >= 10 * MINUTE) this.applyRetention();
  }

  private accumulate(
    accs: Map<number, Accumulator>,
    table: RollupTable,
    width: number,
    keepMs: number,
    id: number,
    t: number,
    value: number,
    hist: HistogramPart | undefined,
  ): void {
    const bucket = Math.floor(t / width) * width;
    let acc = accs.get(id);
    if (acc && acc.t !== bucket) {
      this.flushOne(table, id, acc, keepMs, width);
      acc = undefined;
    }
    if (!acc) accs.set(id, (acc = { t: bucket, min: value, max: value, sum: 0, n: 0 }));
    acc.min = Math.min(acc.min, value);
    acc.max = Math.max(acc.max, value);
    acc.sum += value;
    acc.n++;
    if (hist) acc.hist = mergeHistogram(acc.hist, hist);
  }

  /** Merges an accumulator into its rollup row (read, combine, write: rows also merge across flushes). */
  private flushOne(table: RollupTable, id: number, acc: Accumulator, keepMs: number, width: number): void {
    if (acc.n === 0 || acc.t + width < this.clock.now() - keepMs) return;
    const old = this.rows(`SELECT vmin, vmax, vsum, n, hist FROM ${table} WHERE series = ? AND t = ?`, [id, acc.t])[0];
    const part = { min: acc.min, max: acc.max, sum: acc.sum, n: acc.n, ...(acc.hist ? { hist: acc.hist } : {}) };
    const c = combineRollup(part, old ? rollupFromRow(old) : undefined);
    this.run(`INSERT OR REPLACE INTO ${table} (series, t, vmin, vmax, vsum, n, hist) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      id,
      acc.t,
      c.min,
      c.max,
      c.sum,
      c.n,
      c.hist ? encodeHistogram(c.hist) : null,
    ]);
    this.pending?.addRollup(table, this.seriesKeys.get(id)!, acc.t, part);
  }

  /** Writes the open minute/hour buckets so queries and saves see everything recorded so far. */
  private flushOpenBuckets(): void {
    this.begin();
    for (const [id, acc] of this.minuteAcc) this.flushOne('rollup_1m', id, acc, this.minuteRetentionMs, MINUTE);
    for (const [id, acc] of this.hourAcc) this.flushOne('rollup_1h', id, acc, this.retentionMs, HOUR);
    this.minuteAcc.clear();
    this.hourAcc.clear();
    this.commit();
  }

  /** Deletes what is past each table's window (raw: hours, 1 min: days, 1 h and alerts: retention). */
  applyRetention(): void {
    const now = this.clock.now();
    this.begin();
    this.lastRetention = now;
    const ids = [...this.seriesIds.values()];
    for (const [table, keep] of [
      ['raw', this.rawRetentionMs],
      ['rollup_1m', this.minuteRetentionMs],
      ['rollup_1h', this.retentionMs],
    ] as const) {
      // Per series, so each delete walks the (series, t) primary key instead of the whole table.
      for (const id of ids) this.run(`DELETE FROM ${table} WHERE series = ? AND t < ?`, [id, now - keep]);
    }
    this.alerts.deleteBefore(now - this.retentionMs);
    this.pending?.dropBefore({
      raw: now - this.rawRetentionMs,
      rollup_1m: now - this.minuteRetentionMs,
      rollup_1h: now - this.retentionMs,
      alerts: now - this.retentionMs,
    });
  }

  /** The resolution a chart of [from, to] should read: raw up to 2 h, 1 min up to 2 days, else 1 h. */
  chooseResolution(from: number, to: number): Resolution {
    const now = this.clock.now();
    const span = to - from;
    if (span <= 2 * HOUR && from >= now - this.rawRetentionMs) return 'raw';
    if (span <= 2 * DAY && from >= now - this.minuteRetentionMs) return '1m';
    return '1h';
  }

  private lookup(target: string, name: string, labels: Record<string, string>): number | undefined {
    return this.seriesIds.get(`${target}\0${name}\0${labelsJson(labels)}`);
  }

  /** Points of one series in [from, to] for a chart. */
  query(
    target: string,
    name: string,
    labels: Record<string, string>,
    from: number,
    to: number,
    opts: { resolution?: Resolution | 'auto' } = {},
  ): RangeResult {
    const resolution =
      !opts.resolution || opts.resolution === 'auto' ? this.chooseResolution(from, to) : opts.resolution;
    const id = this.lookup(target, name, labels);
    if (id === undefined) return { resolution, points: [] };
    this.flushOpenBuckets();
    if (resolution === 'raw') {
      const points = this.rows('SELECT t, value FROM raw WHERE series = ? AND t >= ? AND t <= ? ORDER BY t', [
        id,
        from,
        to,
      ]).map((r) => {
        const v = r[1] as number;
        return { t: r[0] as number, min: v, max: v, avg: v, count: 1 };
      });
      return { resolution, points };
    }
    const table = resolution === '1m' ? 'rollup_1m' : 'rollup_1h';
    const width = resolution === '1m' ? MINUTE : HOUR;
    const points = this.rows(
      `SELECT t, vmin, vmax, vsum, n FROM ${table} WHERE series = ? AND t > ? AND t <= ? ORDER BY t`,
      [id, from - width, to],
    ).map((r) => ({
      t: r[0] as number,
      min: r[1] as number,
      max: r[2] as number,
      avg: (r[3] as number) / (r[4] as number),
      count: r[4] as number,
    }));
    return { resolution, points };
  }

  /** Latency over a whole range from merged histogram buckets (exact percentiles, not averaged ones). */
  latency(
    target: string,
    name: string,
    labels: Record<string, string>,
    from: number,
    to: number,
    opts: { resolution?: Resolution | 'auto' } = {},
  ): LatencyOverRange {
    const resolution =
      !opts.resolution || opts.resolution === 'auto' ? this.chooseResolution(from, to) : opts.resolution;
    const id = this.lookup(target, name, labels);
    if (id === undefined) return { resolution, count: 0 };
    this.flushOpenBuckets();
    const table = resolution === 'raw' ? 'raw' : resolution === '1m' ? 'rollup_1m' : 'rollup_1h';
    const width = resolution === 'raw' ? 0 : resolution === '1m' ? MINUTE : HOUR;
    let merged: HistogramPart | undefined;
    for (const r of this.rows(`SELECT hist FROM ${table} WHERE series = ? AND t > ? AND t <= ? AND hist IS NOT NULL`, [
      id,
      from - width - (width ? 0 : 1),
      to,
    ])) {
      merged = mergeHistogram(merged, decodeHistogram(r[0] as string));
    }
    if (!merged || merged.count === 0) return { resolution, count: 0 };
    const q = (x: number) => {
      const v = histogramQuantile(x, merged!.buckets);
      return Number.isFinite(v) ? v : undefined;
    };
    return {
      resolution,
      count: merged.count,
      avgMs: merged.sumMs / merged.count,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
    };
  }

  /** Records one alert event (firing, resolved, acknowledged…); returns its id. */
  recordAlertEvent(e: AlertEvent): number {
    this.begin();
    this.pending?.addAlert(alertRow(e));
    return this.alerts.record(e);
  }

  /** Alert events, newest first. */
  alertHistory(filter: AlertHistoryFilter = {}): StoredAlertEvent[] {
    this.commit();
    return this.alerts.history(filter);
  }

  /** Series recorded (for one target, or all). */
  series(target?: string): SeriesInfo[] {
    this.commit();
    const rows =
      target === undefined
        ? this.rows('SELECT target, name, labels FROM series ORDER BY target, name, labels')
        : this.rows('SELECT target, name, labels FROM series WHERE target = ? ORDER BY name, labels', [target]);
    return rows.map((r) => ({
      target: r[0] as string,
      name: r[1] as string,
      labels: JSON.parse(r[2] as string) as Record<string, string>,
    }));
  }

  /** Row counts per table, for diagnostics and the benchmark. */
  counts(): { series: number; raw: number; minute: number; hour: number; alerts: number } {
    this.flushOpenBuckets();
    const n = (sql: string) => Number(this.db.exec(sql)[0]!.values[0]![0]);
    return {
      series: n('SELECT count(*) FROM series'),
      raw: n('SELECT count(*) FROM raw'),
      minute: n('SELECT count(*) FROM rollup_1m'),
      hour: n('SELECT count(*) FROM rollup_1h'),
      alerts: n('SELECT count(*) FROM alert_events'),
    };
  }

  private touch(): void {
    this.dirtyFlag = true;
    if (!this.opts.file || this.saveTimer !== undefined || this.closed) return;
    this.saveTimer = this.clock.setTimeout(() => {
      this.saveTimer = undefined;
      void this.persistNow().then((r) => {
        if (!r.ok) this.opts.onPersistError?.(r.error.message);
      });
    }, this.opts.persistDebounceMs ?? 15_000);
  }

  /** The whole database as SQLite file bytes (open buckets included). */
  exportBytes(): Uint8Array {
    this.flushOpenBuckets();
    const bytes = this.db.export();
    this.statements.clear();
    this.tuneConnection();
    return bytes;
  }

  /**
   * Saves now: atomically, under the file's lock, merged with the file's current rows when another
   * writer saved since this store last read or wrote it. Saves never overlap; one requested during
   * a save runs after it. A failed save keeps everything in memory for the next one.
   */
  async persistNow(): Promise<Result<void, 'io' | 'refused'>> {
    const target = this.historyFile;
    if (!target) return ok(undefined);
    while (this.saving) await this.saving;
    if (this.saveTimer !== undefined) {
      this.clock.clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    // The bytes and the pending changes are taken together, before any await.
    const data = this.exportBytes();
    this.dirtyFlag = false;
    const run = target
      .save(data, { ensureSchema: ensureHistorySchema, adopt: (merged, newer) => this.adopt(merged, newer) })
      .then(
        () => ok(undefined),
        (e: unknown) => {
          this.dirtyFlag = true;
          if (e instanceof HistoryFileRefused)
            return fail('refused' as const, `Could not save the metric history: ${e.message}.`, e);
          const reason =
            e instanceof FileLockBusyError || e instanceof UserFileError ? e.message : fileErrorReason(e, 'write');
          return fail('io' as const, `Could not save the metric history to ${target.file}: ${reason}.`, e);
        },
      );
    this.saving = run;
    try {
      return await run;
    } finally {
      this.saving = undefined;
    }
  }

  /** Takes over the database a merging save produced, with what was recorded during the save replayed onto it. */
  private adopt(merged: Database, newer: PendingChanges): void {
    this.commit();
    newer.applyTo(merged);
    this.statements.clear();
    this.db.close();
    this.db = merged;
    this.tuneConnection();
    this.loadSeriesIds();
  }

  /** Saves pending changes and frees the database. */
  async close(): Promise<Result<void, 'io' | 'refused'>> {
    if (this.closed) return ok(undefined);
    const r = this.dirtyFlag ? await this.persistNow() : await (this.saving ?? Promise.resolve(ok(undefined)));
    this.closed = true;
    if (this.saveTimer !== undefined) this.clock.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.commit();
    this.statements.clear();
    this.db.close();
    return r;
  }
}
