/**
 * Targets for the bench's summary table.
 *
 * Timed cases carry their target on the case (`target: { ratio: 6 }`: the anchor must take at least
 * 6× as long as the case). Measurements that are not a median time — peak RSS of a fresh process,
 * CPU share of an attached session, a one-off wall time against a one-off anchor — are reported
 * from a case's setup with `recordMeasure`. The runner (bench/run.mjs) collects both kinds and ends
 * with one table: case, PerfLens, anchor, ratio, target, met.
 *
 * The case file's process sends each measurement to the runner over its IPC channel
 * (`{ measure: Measure }`) and prints it as a line for whoever reads the log.
 */

export interface Measure {
  /** What was measured, unique within the file ("summarize 100 MB .cpuprofile: peak RSS"). */
  readonly name: string;
  /** PerfLens's value, in `unit`. */
  readonly value: number;
  /** Unit of `value` and `anchorValue` ("ms", "MB", "% of a core"). */
  readonly unit: string;
  /** The anchor's value in the same unit, when there is one ("JSON.parse of the same file"). */
  readonly anchor?: { readonly name: string; readonly value: number };
  /**
   * The target as text for the table ("≤ 250 MB", "< JSON.parse", "< 0.5 %") and whether the value
   * meets it, decided by the caller who knows the direction.
   */
  readonly target: string;
  readonly met: boolean;
}

/** Reports a measurement to the runner's summary table, and prints it for a reader of the log. */
export function recordMeasure(m: Measure): void {
  if (!m.name || !Number.isFinite(m.value))
    throw new Error(`recordMeasure: "${m.name}" needs a name and a finite value`);
  const anchor = m.anchor ? ` (anchor ${m.anchor.name}: ${m.anchor.value.toFixed(2)} ${m.unit})` : '';
  console.log(
    `    ${m.name}: ${m.value.toFixed(2)} ${m.unit}${anchor}, target ${m.target}: ${m.met ? 'met' : 'NOT met'}`,
  );
  process.send?.({ measure: m });
}
