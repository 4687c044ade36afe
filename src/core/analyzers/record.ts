import type { Snapshot } from '../session/types';

/** The part of an attach session a recording needs (AttachSession satisfies it). */
export interface SnapshotSource {
  onSnapshot(listener: (s: Snapshot) => void): { dispose(): void };
  start(): void;
  stop(): Promise<void>;
}

/**
 * Runs a session for `durationMs` and returns its snapshots, oldest first. `wait` is how time
 * passes (a real timer in the CLI, a ManualClock in tests); each snapshot also goes to `onSnapshot`.
 */
export async function recordSnapshots(
  source: SnapshotSource,
  durationMs: number,
  wait: (ms: number) => Promise<void>,
  onSnapshot?: (s: Snapshot) => void,
): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  const sub = source.onSnapshot((s) => {
    snapshots.push(s);
    onSnapshot?.(s);
  });
  try {
    source.start();
    await wait(durationMs);
  } finally {
    await source.stop();
    sub.dispose();
  }
  return snapshots;
}

/** Distinct collection problems of a run, most frequent first (the session summary's own count). */
export { summarizeErrors } from '../session/summary';
