import type { AlertEvent, AlertHistory } from '../../core/analyzers/alerts/types';
import type { HistoryStore } from '../../core/store';

/** Alert events into the store's alert table (and back, for the dashboard's history). */
export class StoreAlertHistory implements AlertHistory {
  constructor(private readonly store: HistoryStore) {}
  record(e: AlertEvent): void {
    this.store.recordAlertEvent({
      targetId: e.targetId,
      time: e.at,
      rule: e.ruleId,
      severity: e.severity,
      state: e.type,
      message: e.message,
      value: e.value,
      threshold: e.threshold,
      data: { name: e.name, labels: e.labels, op: e.op, activeAt: e.activeAt, firedAt: e.firedAt },
    });
  }
  list(opts: { since?: number; limit?: number } = {}): AlertEvent[] {
    return this.store.alertHistory({ from: opts.since, limit: opts.limit }).map((s) => ({
      type: s.state === 'resolved' ? 'resolved' : 'firing',
      ruleId: s.rule,
      name: String(s.data?.name ?? s.rule),
      severity: s.severity as AlertEvent['severity'],
      labels: (s.data?.labels as Record<string, string> | undefined) ?? {},
      value: s.value ?? NaN,
      threshold: s.threshold ?? NaN,
      op: (s.data?.op as '>' | '<' | undefined) ?? '>',
      activeAt: Number(s.data?.activeAt ?? s.time),
      firedAt: Number(s.data?.firedAt ?? s.time),
      at: s.time,
      targetId: s.targetId,
      message: s.message,
    }));
  }
}
