/**
 * One source of a collection round (metrics scrape, health, process, system, a Prometheus query)
 * runs through `collectSource`: whatever it throws becomes that source's failure in the snapshot,
 * so one broken source never costs the round or the other sources.
 */
import { keepShape } from '../util/keepShape';
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

/** The keepShape key of the signal whose listener is never removed (tests forget it as a control). */
export const NEVER_ABORTED = 'never-aborted signal with a listener';

/**
 * A listener that is never removed, on a signal that never aborts: the listener objects a round
 * adds to its signal and removes again keep their shape, and the code optimised for them, alive
 * through it (see keepShape.ts for why that matters, and why it is held there).
 */
const neverAborted = new AbortController();
neverAborted.signal.addEventListener('abort', () => undefined, { once: true });
keepShape(NEVER_ABORTED, neverAborted);

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
  // Without a signal nothing ends the wait but the source itself.
  const ended =
    signal &&
    new Promise<'ended'>((resolve) => {
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
    const r = ended ? await Promise.race([work, ended]) : await work;
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
 * Copies of the strings a session's snapshots hold. Names and label values read from a response
 * may be slices of its body (V8 keeps a long substring as a view of the whole string), so a
 * snapshot holds copies. The same routes, methods and names come back every round: a string the
 * previous round copied is reused rather than copied again, and whatever no round used since is
 * dropped, so what is kept is what the latest snapshot holds.
 */
export class StringCopies {
  private previous = new Map<string, string>();
  private current = new Map<string, string>();

  /** A string equal to `s` that shares no memory with any text `s` was cut from. */
  copy(s: string): string {
    const seen = this.current.get(s);
    if (seen !== undefined) return seen;
    const copy = this.previous.get(s) ?? (structuredClone(s) as string);
    // Keyed by the copy: a key that were a slice would keep its body alive too.
    this.current.set(copy, copy);
    return copy;
  }

  /** Ends a round: the strings it copied are the ones the next round may reuse; the rest are dropped. */
  endRound(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** Strings held: those of the round that ended last and of the one in progress. */
  get size(): number {
    return this.previous.size + this.current.size;
  }
}

/** Deeper than any snapshot: past it, a value is left to structuredClone (which also handles cycles). */
const MAX_PLAIN_DEPTH = 32;

/**
 * A copy of a snapshot value that holds only itself: plain objects, (dense) arrays and primitives
 * are copied here, strings through `strings`; anything else (and anything nested deeper than a
 * snapshot ever is) through structuredClone. The result equals what structuredClone gives, key
 * order included, at a fraction of the cost of structuredClone, which serialises every value and
 * builds it back.
 */
export function detachedCopy<T>(value: T, strings: StringCopies, depth = 0): T {
  if (typeof value === 'string') return strings.copy(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_PLAIN_DEPTH) return structuredClone(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value) && proto === Array.prototype) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(detachedCopy(value[i] as unknown, strings, depth + 1));
    return out as T;
  }
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const v = detachedCopy(source[key], strings, depth + 1);
    // A label named __proto__ is data: assigning it would set the copy's prototype instead.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

/**
 * Snapshots are kept for a whole window: each is a copy that holds only itself (see
 * StringCopies). Fields in `detached` are copies already; the rest is copied here, in the same
 * key order.
 */
export function detachedSnapshot(
  assembled: Snapshot,
  detached: ReadonlySet<keyof Snapshot>,
  strings: StringCopies,
): Snapshot {
  const out: Partial<Snapshot> = {};
  for (const key of Object.keys(assembled) as (keyof Snapshot)[])
    (out as Record<string, unknown>)[key] = detached.has(key) ? assembled[key] : detachedCopy(assembled[key], strings);
  return out as Snapshot;
}
