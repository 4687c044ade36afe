/**
 * One source of a collection round (metrics scrape, health, process, system, a Prometheus query)
 * runs through `collectSource`: whatever it throws becomes that source's failure in the snapshot,
 * so one broken source never costs the round or the other sources.
 */
import { errorMessage } from '../util/result';
import type { Snapshot } from './types';

export type SourceName = Snapshot['errors'][number]['source'];

const WHAT: Record<SourceName, string> = {
  scrape: 'Reading the metrics',
  health: 'Reading the health endpoint',
  process: "Measuring the service's process",
  system: 'Measuring the machine',
  prometheus: 'Querying the Prometheus server',
};

/** Why the requests of a session stop at its deadline (completes "… had not answered when …"). */
export const WINDOW_ENDED = 'the collection window ended';

type Settled = { done: true } | { done: false; error: unknown };

/**
 * Runs one source. With `signal` (for sources that cannot be cancelled themselves, like the OS
 * collectors) the round stops waiting when it aborts and records that the source had not finished;
 * sources that pass the signal on to their requests leave it out and report the abort themselves.
 */
export async function collectSource(
  snapshot: Snapshot,
  source: SourceName,
  run: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let onAbort: (() => void) | undefined;
  const ended = new Promise<'ended'>((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve('ended');
    signal.addEventListener('abort', (onAbort = () => resolve('ended')), { once: true });
  });
  const work: Promise<Settled> = Promise.resolve()
    .then(run)
    .then(
      () => ({ done: true }),
      (error: unknown) => ({ done: false, error }),
    );
  try {
    const r = await Promise.race([work, ended]);
    if (r === 'ended') {
      const why = typeof signal?.reason === 'string' ? signal.reason : WINDOW_ENDED;
      snapshot.errors.push({
        source,
        kind: 'aborted',
        message: `${WHAT[source]} had not finished when ${why}; it was stopped.`,
      });
    } else if (!r.done) {
      snapshot.errors.push({
        source,
        kind: 'failed',
        message: `${WHAT[source]} failed: ${errorMessage(r.error).replace(/\.?$/, '.')} The other sources of the round were still collected.`,
      });
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The snapshot fields a scrape derives. */
export type DerivedField = 'http' | 'pools' | 'caches' | 'queries' | 'histograms' | 'intervalSeconds' | 'presets';

/**
 * Snapshots are kept for a whole window. Names and label values read from a response may be slices
 * of its body and would keep every round's whole body alive: the snapshot is a copy that holds only
 * itself. Fields in `detached` are copies already; the rest is copied here, in the same key order.
 */
export function detachedSnapshot(assembled: Snapshot, detached: ReadonlySet<keyof Snapshot>): Snapshot {
  const rest: Partial<Snapshot> = {};
  for (const key of Object.keys(assembled) as (keyof Snapshot)[])
    if (!detached.has(key)) (rest as Record<string, unknown>)[key] = assembled[key];
  const copy = structuredClone(rest);
  const out: Partial<Snapshot> = {};
  for (const key of Object.keys(assembled) as (keyof Snapshot)[])
    (out as Record<string, unknown>)[key] = detached.has(key) ? assembled[key] : copy[key];
  return out as Snapshot;
}
