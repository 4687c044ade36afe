/**
 * What this store added since its last save, kept by series name rather than row id, so it can be
 * replayed onto the file's current contents when another writer (a second editor window, a second
 * CLI run) saved in between: the save then merges instead of overwriting the other's rows.
 */
import type { Database, SqlValue } from '../util/sqljs';
import { decodeHistogram, encodeHistogram, mergeHistogram } from './histogramCodec';
import type { HistogramPart } from './histogramCodec';

/** A series by what it is: target, metric name, labels as stored (JSON). */
export type SeriesKey = readonly [target: string, name: string, labels: string];

export interface RollupPart {
  min: number;
  max: number;
  sum: number;
  n: number;
  hist?: HistogramPart;
}

export type RollupTable = 'rollup_1m' | 'rollup_1h';

/** Adds two parts of one rollup bucket. */
export function combineRollup(a: RollupPart, b: RollupPart | undefined): RollupPart {
  if (!b) return a;
  const out: RollupPart = {
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    n: a.n + b.n,
  };
  const hist = a.hist || b.hist ? mergeHistogram(a.hist, b.hist) : undefined;
  if (hist) out.hist = hist;
  return out;
}

/** Reads a rollup row (vmin, vmax, vsum, n, hist) as a part. */
export function rollupFromRow(r: SqlValue[]): RollupPart {
  const part: RollupPart = { min: r[0] as number, max: r[1] as number, sum: r[2] as number, n: r[3] as number };
  if (r[4]) part.hist = decodeHistogram(r[4] as string);
  return part;
}

/** Merges `part` into the row (series, t) of `table` in `db`. */
export function addToRollup(db: Database, table: RollupTable, id: number, t: number, part: RollupPart): void {
  const st = db.prepare(`SELECT vmin, vmax, vsum, n, hist FROM ${table} WHERE series = ? AND t = ?`);
  let old: SqlValue[] | undefined;
  try {
    st.bind([id, t]);
    if (st.step()) old = st.get();
  } finally {
    st.free();
  }
  const c = combineRollup(part, old ? rollupFromRow(old) : undefined);
  db.run(`INSERT OR REPLACE INTO ${table} (series, t, vmin, vmax, vsum, n, hist) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    id,
    t,
    c.min,
    c.max,
    c.sum,
    c.n,
    c.hist ? encodeHistogram(c.hist) : null,
  ]);
}

const keyText = (k: SeriesKey) => `${k[0]}\0${k[1]}\0${k[2]}`;

export class PendingChanges {
  private readonly series = new Map<string, SeriesKey>();
  private readonly raw = new Map<string, { key: SeriesKey; t: number; value: number; hist: string | null }>();
  private readonly rollups = {
    rollup_1m: new Map<string, { key: SeriesKey; t: number; part: RollupPart }>(),
    rollup_1h: new Map<string, { key: SeriesKey; t: number; part: RollupPart }>(),
  };
  private alerts: SqlValue[][] = [];

  get empty(): boolean {
    return (
      this.series.size === 0 &&
      this.raw.size === 0 &&
      this.rollups.rollup_1m.size === 0 &&
      this.rollups.rollup_1h.size === 0 &&
      this.alerts.length === 0
    );
  }

  addSeries(key: SeriesKey): void {
    this.series.set(keyText(key), key);
  }

  addRaw(key: SeriesKey, t: number, value: number, hist: string | null): void {
    this.raw.set(`${keyText(key)}\0${t}`, { key, t, value, hist });
  }

  addRollup(table: RollupTable, key: SeriesKey, t: number, part: RollupPart): void {
    const k = `${keyText(key)}\0${t}`;
    const prev = this.rollups[table].get(k);
    this.rollups[table].set(k, { key, t, part: combineRollup(part, prev?.part) });
  }

  /** One alert_events row without its id: target, time, rule, severity, state, message, value, threshold, data. */
  addAlert(row: SqlValue[]): void {
    this.alerts.push(row);
  }

  /**
   * Forgets changes that retention has deleted from the database too (only matters while saves
   * keep failing: otherwise each save empties the journal).
   */
  dropBefore(cut: { raw: number; rollup_1m: number; rollup_1h: number; alerts: number }): void {
    for (const [k, r] of this.raw) if (r.t < cut.raw) this.raw.delete(k);
    for (const table of ['rollup_1m', 'rollup_1h'] as const)
      for (const [k, r] of this.rollups[table]) if (r.t < cut[table]) this.rollups[table].delete(k);
    this.alerts = this.alerts.filter((a) => (a[1] as number) >= cut.alerts);
  }

  /** Adds what `later` holds (used when a save fails: its changes go back in front of newer ones). */
  absorb(later: PendingChanges): void {
    for (const [k, v] of later.series) this.series.set(k, v);
    for (const [k, v] of later.raw) this.raw.set(k, v);
    for (const table of ['rollup_1m', 'rollup_1h'] as const)
      for (const v of later.rollups[table].values()) this.addRollup(table, v.key, v.t, v.part);
    this.alerts.push(...later.alerts);
  }

  /** Replays these changes onto `db` (a history with the same schema), mapping series by name. */
  applyTo(db: Database): void {
    const ids = new Map<string, number>();
    const idOf = (key: SeriesKey): number => {
      const k = keyText(key);
      let id = ids.get(k);
      if (id !== undefined) return id;
      const found = db.exec('SELECT id FROM series WHERE target = ? AND name = ? AND labels = ?', [...key])[0]
        ?.values[0]?.[0];
      if (found === undefined) {
        db.run('INSERT INTO series (target, name, labels) VALUES (?, ?, ?)', [...key]);
        id = Number(db.exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
      } else id = Number(found);
      ids.set(k, id);
      return id;
    };
    db.exec('BEGIN');
    try {
      for (const key of this.series.values()) idOf(key);
      for (const r of this.raw.values())
        db.run('INSERT OR REPLACE INTO raw (series, t, value, hist) VALUES (?, ?, ?, ?)', [
          idOf(r.key),
          r.t,
          r.value,
          r.hist,
        ]);
      for (const table of ['rollup_1m', 'rollup_1h'] as const)
        for (const r of this.rollups[table].values()) addToRollup(db, table, idOf(r.key), r.t, r.part);
      for (const a of this.alerts)
        db.run(
          'INSERT INTO alert_events (target, time, rule, severity, state, message, value, threshold, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          a,
        );
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
}
