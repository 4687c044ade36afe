import type { AlertEvent, AlertHistory } from './types';

/** Alert history kept in memory, newest last, capped so a long session cannot grow it forever. */
export class InMemoryAlertHistory implements AlertHistory {
  private readonly events: AlertEvent[] = [];
  constructor(private readonly capacity = 1000) {}

  record(event: AlertEvent): void {
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  list(opts: { since?: number; limit?: number } = {}): AlertEvent[] {
    const since = opts.since ?? -Infinity;
    const matching = this.events.filter((e) => e.at >= since);
    return opts.limit !== undefined ? matching.slice(-opts.limit) : matching;
  }
}
