import type { Snapshot } from '../../session/types';
import type { Severity } from '../types';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** One value a rule reads from a snapshot, with labels when a rule yields several (per route). */
export interface RuleSample {
  labels: Record<string, string>;
  value: number;
}

export interface AlertRule {
  id: string;
  name: string;
  severity: Severity;
  /** Values to compare; an empty list means "no data" (Prometheus: the expression returned nothing). */
  read(snapshot: Snapshot): RuleSample[];
  op: '>' | '<';
  threshold: number;
  /** Prometheus `for`: how long the condition must hold before firing. */
  forMs: number;
  /** Prometheus `keep_firing_for`: how long to keep firing after the condition clears. */
  keepFiringForMs: number;
  /** How values are shown in messages, e.g. v => `${(v*100).toFixed(1)}%`. */
  format(value: number): string;
}

export interface AlertEvent {
  type: 'firing' | 'resolved';
  ruleId: string;
  name: string;
  severity: Severity;
  labels: Record<string, string>;
  /** Last value seen while the condition held. */
  value: number;
  threshold: number;
  op: '>' | '<';
  /** Epoch ms: when the condition first held, when it fired, when this event happened. */
  activeAt: number;
  firedAt: number;
  at: number;
  targetId: string;
  message: string;
}

/** Where alert events are kept: the store's alert-history table, or memory in tests and the CLI. */
export interface AlertHistory {
  record(event: AlertEvent): void | Promise<void>;
  list(opts?: { since?: number; limit?: number }): AlertEvent[] | Promise<AlertEvent[]>;
}

/** Something that delivers events outside the process (webhook); failures are values. */
export interface AlertHandler {
  readonly name: string;
  handle(event: AlertEvent): Promise<{ ok: boolean; message?: string }>;
}
