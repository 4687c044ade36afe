/**
 * Time-compressed simulated histories: a ManualClock drives a collection timer the way an attach
 * session does, so hours of snapshots are produced without sleeping.
 */
import type { Snapshot } from '../../../../src/core/session/types';
import { ManualClock } from '../../../../src/core/util/clock';
import { prng } from '../../../../examples/demo-service/src/random';
import { snapshot } from '../../../helpers/builders';

export type SnapshotBody = Omit<Snapshot, 'targetId' | 'time' | 'errors'> & { errors?: Snapshot['errors'] };

export interface SimulationOptions {
  clock?: ManualClock;
  /** Epoch ms the clock starts at. */
  start?: number;
  intervalMs: number;
  count: number;
  /** Snapshot body for round i at time t; undefined skips the round (a gap: nothing collected). */
  make(i: number, t: number): SnapshotBody | undefined;
  onSnapshot?(s: Snapshot): void;
}

export function simulate(opts: SimulationOptions): Snapshot[] {
  const clock = opts.clock ?? new ManualClock(opts.start ?? Date.UTC(2026, 0, 1));
  const out: Snapshot[] = [];
  let i = 0;
  const tick = () => {
    const body = opts.make(i, clock.now());
    if (body) {
      const snap = snapshot({ targetId: 'sim', time: clock.now(), ...body });
      out.push(snap);
      opts.onSnapshot?.(snap);
    }
    i++;
    if (i < opts.count) clock.setTimeout(tick, opts.intervalMs);
  };
  clock.setTimeout(tick, opts.intervalMs);
  clock.advance(opts.intervalMs * opts.count);
  return out;
}

/** Deterministic noise in [-1, 1), so simulated histories are reproducible. */
export function noise(seed: number): () => number {
  const rand = prng(seed);
  return () => rand() * 2 - 1;
}

export const MB = 1024 * 1024;
