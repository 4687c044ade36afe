/**
 * Long-range history of a Prometheus-server target, read from the server (query_range) rather
 * than the local store, which holds only what PerfLens collected while attached. Answers are kept
 * for a minute: the dashboard redraws every collection interval, a 24-hour chart changes slowly.
 */
import type { HistoryOptions } from '../../core/prometheus';
import { chooseStep } from '../../core/prometheus';
import type { Snapshot } from '../../core/session/types';
import type { Result } from '../../core/util/result';
import type { RangeId } from '../../shared/protocol/dashboard';
import { RANGES } from '../../shared/protocol/dashboard';

/** Ranges read from the server; shorter ones come from the local store (finer, already there). */
export const SERVER_HISTORY_RANGES: readonly RangeId[] = ['24h', '30d'];

export type ServerHistory = { snapshots: readonly Snapshot[]; stepMs: number } | { error: string };

/** What reads a history: PrometheusSource.history. */
export type HistoryReader = (opts: HistoryOptions) => Promise<Result<Snapshot[], string>>;

export class ServerHistoryCache {
  private readonly entries = new Map<string, { at: number; value: Promise<ServerHistory> }>();

  constructor(private readonly maxAgeMs = 60_000) {}

  /**
   * The history of `targetId` over `range` ending `now`, or undefined when the range is short
   * enough for the local store. Concurrent and recent asks share one read; failures are not kept.
   */
  read(
    targetId: string,
    range: RangeId,
    now: number,
    reader: HistoryReader | undefined,
  ): Promise<ServerHistory> | undefined {
    if (!SERVER_HISTORY_RANGES.includes(range)) return undefined;
    if (!reader)
      return Promise.resolve({
        error:
          'the target is not being collected (monitoring is off or its session is starting), so the server was not asked.',
      });
    const key = `${range}\0${targetId}`;
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.maxAgeMs) return hit.value;
    const stepMs = chooseStep(RANGES[range].ms);
    const value = reader({ start: now - RANGES[range].ms, end: now, stepMs }).then((r): ServerHistory => {
      if (r.ok) return { snapshots: r.value, stepMs };
      this.entries.delete(key);
      return { error: r.error.message };
    });
    this.entries.set(key, { at: now, value });
    return value;
  }

  /** Forgets a target (detached) or everything. */
  clear(targetId?: string): void {
    for (const key of [...this.entries.keys()])
      if (targetId === undefined || key.endsWith(`\0${targetId}`)) this.entries.delete(key);
  }
}
