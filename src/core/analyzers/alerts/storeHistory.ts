import type { AlertHistoryFilter, AlertEvent as StoredEventInput, StoredAlertEvent } from '../../store/alerts';
import type { Severity } from '../types';
import type { AlertEvent, AlertHistory } from './types';

/** The part of the history store (src/core/store) the alert history needs. */
export interface AlertEventStore {
  recordAlertEvent(e: StoredEventInput): number;
  alertHistory(filter?: AlertHistoryFilter): StoredAlertEvent[];
}

interface ExtraData {
  name: string;
  labels: Record<string, string>;
  op: '>' | '<';
  activeAt: number;
  firedAt: number;
}

/** Alert history in the store's alert_events table, so past alerts survive editor restarts. */
export class StoreAlertHistory implements AlertHistory {
  /** With a targetId, list() returns only that target's events. */
  constructor(
    private readonly store: AlertEventStore,
    private readonly targetId?: string,
  ) {}

  record(event: AlertEvent): void {
    const data: ExtraData = {
      name: event.name,
      labels: event.labels,
      op: event.op,
      activeAt: event.activeAt,
      firedAt: event.firedAt,
    };
    this.store.recordAlertEvent({
      targetId: event.targetId,
      time: event.at,
      rule: event.ruleId,
      severity: event.severity,
      state: event.type,
      message: event.message,
      value: event.value,
      threshold: event.threshold,
      data: { ...data },
    });
  }

  /** Oldest first, like the in-memory history; only firing/resolved events (not acknowledgements). */
  list(opts: { since?: number; limit?: number } = {}): AlertEvent[] {
    const rows = this.store.alertHistory({ targetId: this.targetId, from: opts.since, limit: opts.limit });
    return rows
      .filter((r) => r.state === 'firing' || r.state === 'resolved')
      .reverse()
      .map((r) => {
        const d = (r.data ?? {}) as Partial<ExtraData>;
        return {
          type: r.state as AlertEvent['type'],
          ruleId: r.rule,
          name: d.name ?? r.rule,
          severity: r.severity as Severity,
          labels: d.labels ?? {},
          value: r.value ?? NaN,
          threshold: r.threshold ?? NaN,
          op: d.op ?? '>',
          activeAt: d.activeAt ?? r.time,
          firedAt: d.firedAt ?? r.time,
          at: r.time,
          targetId: r.targetId,
          message: r.message,
        };
      });
  }
}
