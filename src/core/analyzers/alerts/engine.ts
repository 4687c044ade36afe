import type { Snapshot } from '../../session/types';
import type { Event } from '../../util/lifecycle';
import { Emitter } from '../../util/lifecycle';
import { errorMessage } from '../../util/result';
import { InMemoryAlertHistory } from './history';
import type { AlertEvent, AlertHandler, AlertHistory, AlertRule, AlertState } from './types';

interface ActiveAlert {
  rule: AlertRule;
  labels: Record<string, string>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  /** When the condition first stopped holding while firing (keep_firing_for clock), 0 if it holds. */
  keepFiringSince: number;
}

export interface AlertStatus {
  ruleId: string;
  name: string;
  labels: Record<string, string>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt?: number;
}

/** A handler or the history failed to take an event; alerting goes on. */
export interface AlertDeliveryError {
  handler: string;
  event: AlertEvent;
  message: string;
}

function labelKey(ruleId: string, labels: Record<string, string>): string {
  return (
    ruleId +
    '\u0000' +
    Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join(',')
  );
}

/**
 * Evaluates alert rules on each snapshot with Prometheus's state machine: a true condition makes
 * an alert pending; after `for` it fires; when the condition stops holding a pending alert is
 * dropped silently and a firing one keeps firing for `keep_firing_for`, then resolves. Missing data
 * counts as "condition not holding", as an empty PromQL result does.
 */
export class AlertEngine {
  private readonly active = new Map<string, ActiveAlert>();
  private readonly inflight = new Set<Promise<unknown>>();
  readonly history: AlertHistory;
  private readonly firingEmitter = new Emitter<AlertEvent>();
  private readonly resolvedEmitter = new Emitter<AlertEvent>();
  private readonly eventEmitter = new Emitter<AlertEvent>();
  private readonly deliveryErrorEmitter = new Emitter<AlertDeliveryError>();
  /** An alert started firing. */
  readonly onFiring: Event<AlertEvent> = this.firingEmitter.event;
  /** A firing alert resolved. */
  readonly onResolved: Event<AlertEvent> = this.resolvedEmitter.event;
  /** Every event, firing or resolved, in order. */
  readonly onEvent: Event<AlertEvent> = this.eventEmitter.event;
  /** A handler or the history failed; alerting goes on. */
  readonly onDeliveryError: Event<AlertDeliveryError> = this.deliveryErrorEmitter.event;

  constructor(
    private readonly rules: AlertRule[],
    opts: { history?: AlertHistory; handlers?: AlertHandler[] } = {},
    private readonly handlers: AlertHandler[] = opts.handlers ?? [],
  ) {
    this.history = opts.history ?? new InMemoryAlertHistory();
  }

  /** Evaluates every rule at the snapshot's time; returns the events this evaluation produced. */
  evaluate(snapshot: Snapshot): AlertEvent[] {
    const ts = snapshot.time;
    const events: AlertEvent[] = [];
    for (const rule of this.rules) {
      const holding = new Set<string>();
      for (const sample of rule.read(snapshot)) {
        const met = rule.op === '>' ? sample.value > rule.threshold : sample.value < rule.threshold;
        if (!met) continue;
        const key = labelKey(rule.id, sample.labels);
        holding.add(key);
        const a = this.active.get(key);
        if (a && a.state !== 'inactive') {
          a.value = sample.value;
          a.keepFiringSince = 0;
        } else {
          this.active.set(key, {
            rule,
            labels: sample.labels,
            state: 'pending',
            value: sample.value,
            activeAt: ts,
            firedAt: 0,
            keepFiringSince: 0,
          });
        }
      }
      for (const [key, a] of this.active) {
        if (a.rule !== rule) continue;
        if (!holding.has(key)) {
          let keepFiring = false;
          if (a.state === 'firing' && rule.keepFiringForMs > 0) {
            if (a.keepFiringSince === 0) a.keepFiringSince = ts;
            keepFiring = ts - a.keepFiringSince < rule.keepFiringForMs;
          }
          if (keepFiring) continue;
          this.active.delete(key);
          if (a.state === 'firing') events.push(this.makeEvent('resolved', a, ts, snapshot.targetId));
          continue;
        }
        if (a.state === 'pending' && ts - a.activeAt >= rule.forMs) {
          a.state = 'firing';
          a.firedAt = ts;
          events.push(this.makeEvent('firing', a, ts, snapshot.targetId));
        }
      }
    }
    for (const e of events) this.dispatch(e);
    return events;
  }

  status(): AlertStatus[] {
    return [...this.active.values()].map((a) => ({
      ruleId: a.rule.id,
      name: a.rule.name,
      labels: a.labels,
      state: a.state,
      value: a.value,
      activeAt: a.activeAt,
      ...(a.state === 'firing' ? { firedAt: a.firedAt } : {}),
    }));
  }

  firing(): AlertStatus[] {
    return this.status().filter((s) => s.state === 'firing');
  }

  /** Resolves once every handler call and history write started so far has settled. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private makeEvent(type: AlertEvent['type'], a: ActiveAlert, at: number, targetId: string): AlertEvent {
    const r = a.rule;
    const labelText = Object.entries(a.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const subject = `${r.name}${labelText ? ` (${labelText})` : ''}`;
    const message =
      type === 'firing'
        ? `${subject}: ${r.format(a.value)} ${r.op} ${r.format(r.threshold)} for ${Math.round((at - a.activeAt) / 1000)} s`
        : `${subject} resolved (last ${r.format(a.value)}, threshold ${r.format(r.threshold)})`;
    return {
      type,
      ruleId: r.id,
      name: r.name,
      severity: r.severity,
      labels: a.labels,
      value: a.value,
      threshold: r.threshold,
      op: r.op,
      activeAt: a.activeAt,
      firedAt: a.firedAt,
      at,
      targetId,
      message,
    };
  }

  private dispatch(event: AlertEvent): void {
    this.track('history', event, async () => {
      await this.history.record(event);
      return { ok: true };
    });
    for (const h of this.handlers) this.track(h.name, event, () => h.handle(event));
    (event.type === 'firing' ? this.firingEmitter : this.resolvedEmitter).fire(event);
    this.eventEmitter.fire(event);
  }

  private track(handler: string, event: AlertEvent, run: () => Promise<{ ok: boolean; message?: string }>): void {
    const p = run().then(
      (r) => {
        if (!r.ok) this.deliveryErrorEmitter.fire({ handler, event, message: r.message ?? 'delivery failed' });
      },
      (e: unknown) => {
        this.deliveryErrorEmitter.fire({ handler, event, message: errorMessage(e) });
      },
    );
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }
}
