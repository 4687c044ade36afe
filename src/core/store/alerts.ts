/**
 * Alert history: every firing, resolution, acknowledgement or snooze the alert engine records, kept
 * with the metric history (same file, same retention) so "what fired last night" survives restarts.
 */
import type { Database, SqlValue } from '../util/sqljs';

export interface AlertEvent {
  targetId: string;
  /** Epoch ms. */
  time: number;
  /** Rule id, e.g. 'http.p95' or 'pool.saturation'. */
  rule: string;
  /** e.g. 'info' | 'warning' | 'critical' (the alert engine's vocabulary). */
  severity: string;
  /** e.g. 'firing' | 'resolved' | 'acknowledged' | 'snoozed'. */
  state: string;
  message: string;
  value?: number;
  threshold?: number;
  /** Anything else the engine wants back (JSON-serialisable). */
  data?: Record<string, unknown>;
}

export interface StoredAlertEvent extends AlertEvent {
  id: number;
}

export interface AlertHistoryFilter {
  targetId?: string;
  rule?: string;
  from?: number;
  to?: number;
  /** Newest first, at most this many (default 500). */
  limit?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_events (id INTEGER PRIMARY KEY, target TEXT NOT NULL, time INTEGER NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL, value REAL, threshold REAL, data TEXT);
CREATE INDEX IF NOT EXISTS alert_events_time ON alert_events (time);
`;

/** An alert event as an alert_events row without its id (the column order of the INSERT below). */
export function alertRow(e: AlertEvent): SqlValue[] {
  return [
    e.targetId,
    e.time,
    e.rule,
    e.severity,
    e.state,
    e.message,
    e.value ?? null,
    e.threshold ?? null,
    e.data === undefined ? null : JSON.stringify(e.data),
  ];
}

/** Creates the alert table in `db` where it is missing. */
export function ensureAlertSchema(db: Database): void {
  db.exec(SCHEMA);
}

export class AlertLog {
  constructor(
    /** The store's current database (a save that merges with another writer's file replaces it). */
    private readonly db: () => Database,
    private readonly changed: () => void,
  ) {
    ensureAlertSchema(db());
  }

  record(e: AlertEvent): number {
    this.db().run(
      'INSERT INTO alert_events (target, time, rule, severity, state, message, value, threshold, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      alertRow(e),
    );
    this.changed();
    return Number(this.db().exec('SELECT last_insert_rowid()')[0]!.values[0]![0]);
  }

  history(f: AlertHistoryFilter = {}): StoredAlertEvent[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (clause: string, v: SqlValue) => {
      where.push(clause);
      params.push(v);
    };
    if (f.targetId !== undefined) add('target = ?', f.targetId);
    if (f.rule !== undefined) add('rule = ?', f.rule);
    if (f.from !== undefined) add('time >= ?', f.from);
    if (f.to !== undefined) add('time <= ?', f.to);
    params.push(Math.max(1, Math.floor(f.limit ?? 500)));
    const st = this.db().prepare(
      `SELECT id, target, time, rule, severity, state, message, value, threshold, data FROM alert_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time DESC, id DESC LIMIT ?`,
    );
    try {
      st.bind(params);
      const out: StoredAlertEvent[] = [];
      while (st.step()) {
        const r = st.get();
        const ev: StoredAlertEvent = {
          id: r[0] as number,
          targetId: r[1] as string,
          time: r[2] as number,
          rule: r[3] as string,
          severity: r[4] as string,
          state: r[5] as string,
          message: r[6] as string,
        };
        if (r[7] !== null) ev.value = r[7] as number;
        if (r[8] !== null) ev.threshold = r[8] as number;
        if (r[9] !== null) ev.data = JSON.parse(r[9] as string) as Record<string, unknown>;
        out.push(ev);
      }
      return out;
    } finally {
      st.free();
    }
  }

  deleteBefore(time: number): void {
    this.db().run('DELETE FROM alert_events WHERE time < ?', [time]);
  }
}
