import type { Clock } from '../util/clock';

export type LoopState = 'idle' | 'running' | 'stopped';

/**
 * Runs a collection round now and then every interval, the schedule shared by AttachSession and
 * PrometheusSession: rounds never overlap (a second call shares the one in flight), the next
 * round is timed from the start of the last one, and stop() leaves no timer behind.
 */
export class RoundLoop<T> {
  private timer?: unknown;
  private inFlight?: Promise<T>;
  private stateValue: LoopState = 'idle';

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly round: () => Promise<T>,
  ) {}

  get state(): LoopState {
    return this.stateValue;
  }

  /** Starts the schedule; false when it already ran (a loop starts once). */
  start(): boolean {
    if (this.stateValue !== 'idle') return false;
    this.stateValue = 'running';
    void this.runScheduledRound();
    return true;
  }

  /** Stops; resolves once a round in flight has finished. Returns whether it was running. */
  async stop(): Promise<boolean> {
    if (this.stateValue === 'stopped') return false;
    const wasRunning = this.stateValue === 'running';
    this.stateValue = 'stopped';
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight?.catch(() => undefined);
    return wasRunning;
  }

  /** Resolves when no round is in flight (tests advance a ManualClock, then await this). */
  async whenIdle(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  /** One round now; a call while one is in flight shares it. */
  collectOnce(): Promise<T> {
    if (this.inFlight) return this.inFlight;
    const round = this.round().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = round;
    return round;
  }

  private async runScheduledRound(): Promise<void> {
    this.timer = undefined;
    if (this.stateValue !== 'running') return;
    const started = this.clock.now();
    await this.collectOnce().catch(() => undefined);
    if (this.stateValue !== 'running') return;
    const delay = Math.max(0, started + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => void this.runScheduledRound(), delay);
  }
}
