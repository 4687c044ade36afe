/**
 * A live session on a Prometheus-server target: every interval, one snapshot of the service over
 * the last rate window (per instance), with the server's alerts. Same surface as AttachSession
 * (onSnapshot, start, stop, collectOnce, whenIdle, latest) so the dashboard, status bar, history
 * store and alert engine take either without knowing which.
 */
import type { Snapshot } from '../session/types';
import type { LoopState } from '../session/roundLoop';
import { RoundLoop } from '../session/roundLoop';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';
import { Emitter } from '../util/lifecycle';
import type { PresetOverrides } from '../metrics/presets';
import type { Result } from '../util/result';
import { errorMessage, fail } from '../util/result';
import type { PrometheusClient } from './client';
import { PrometheusSource } from './source';
import type { PrometheusTarget } from './target';

export interface PrometheusSessionOptions {
  target: PrometheusTarget;
  /** Time between rounds (default 15 s: a typical scrape interval; faster only repeats data). */
  intervalMs?: number;
  /** Range of rate() and histogram_quantile windows (default 1 min). */
  rateWindowMs?: number;
  /** Read the server's alerts every round (default true). */
  alerts?: boolean;
  overrides?: PresetOverrides;
  clock?: Clock;
  client?: PrometheusClient;
}

export const DEFAULT_PROMETHEUS_INTERVAL_MS = 15_000;
export const DEFAULT_RATE_WINDOW_MS = 60_000;
/** Metric names are re-detected this often, so a redeployed exporter is picked up. */
const PRESETS_MAX_AGE_MS = 5 * 60_000;

type Listener = (s: Snapshot) => void;

/** A query's result, or its exception as a failure of kind 'failed'. */
async function settle<T, K extends string>(run: () => Promise<Result<T, K>>): Promise<Result<T, K | 'failed'>> {
  try {
    return await run();
  } catch (e) {
    return fail('failed', `Reading the Prometheus server's answer failed: ${errorMessage(e)}`, e);
  }
}

export class PrometheusSession {
  readonly id: string;
  readonly intervalMs: number;
  readonly source: PrometheusSource;
  private readonly rateWindowMs: number;
  private readonly wantAlerts: boolean;
  private readonly clock: Clock;
  /** One listener's failure must not stop the session or the others (the emitter isolates each). */
  private readonly snapshots = new Emitter<Snapshot>();
  private readonly loop: RoundLoop<Snapshot>;
  private last?: Snapshot;

  constructor(opts: PrometheusSessionOptions) {
    this.clock = opts.clock ?? systemClock;
    this.source = new PrometheusSource({
      target: opts.target,
      clock: this.clock,
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.client ? { client: opts.client } : {}),
    });
    this.id = this.source.targetId;
    this.intervalMs = Math.max(1000, opts.intervalMs ?? DEFAULT_PROMETHEUS_INTERVAL_MS);
    this.rateWindowMs = opts.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS;
    this.wantAlerts = opts.alerts ?? true;
    this.loop = new RoundLoop(this.clock, this.intervalMs, () => this.round());
  }

  get state(): LoopState {
    return this.loop.state;
  }

  get latest(): Snapshot | undefined {
    return this.last;
  }

  onSnapshot(listener: Listener): IDisposable {
    return this.snapshots.event(listener);
  }

  /** A first round now, then one every interval until stop(). */
  start(): void {
    this.loop.start();
  }

  /** Stops; resolves once a round in flight has finished. No timers are left behind. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  whenIdle(): Promise<void> {
    return this.loop.whenIdle();
  }

  /** One round now (rounds never overlap: a second call shares the one in flight). */
  collectOnce(): Promise<Snapshot> {
    return this.loop.collectOnce();
  }

  /** A failure (server down, bad selector…) still yields a snapshot, carrying the error. */
  private async round(): Promise<Snapshot> {
    const time = this.clock.now();
    // Either query may throw on an answer it cannot take: that is its failure, not the round's.
    const [snap, alerts] = await Promise.all([
      settle(() => this.source.snapshot(this.rateWindowMs, time, { presetsMaxAgeMs: PRESETS_MAX_AGE_MS })),
      this.wantAlerts ? settle(() => this.source.serverAlerts()) : Promise.resolve(undefined),
    ]);
    const snapshot: Snapshot = snap.ok
      ? snap.value
      : {
          targetId: this.id,
          time,
          health: { state: 'unknown', reasons: [snap.error.message], checks: [] },
          errors: [{ source: 'prometheus', kind: snap.error.kind, message: snap.error.message }],
        };
    if (alerts?.ok) snapshot.serverAlerts = alerts.value;
    else if (alerts && snap.ok)
      snapshot.errors.push({
        source: 'prometheus',
        kind: alerts.error.kind,
        message: `The server's alerts could not be read: ${alerts.error.message}`,
      });
    this.last = snapshot;
    this.snapshots.fire(snapshot);
    return snapshot;
  }
}
