/**
 * The dashboard charts' axis arithmetic and value labels: plain functions of numbers, free of
 * Chart.js and the DOM, so they can be tested anywhere.
 */
const MIN = 60_000;
const TICK_STEPS = [
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  60 * MIN,
  2 * 60 * MIN,
  3 * 60 * MIN,
  6 * 60 * MIN,
  12 * 60 * MIN,
  86_400_000,
  2 * 86_400_000,
  5 * 86_400_000,
  7 * 86_400_000,
];

/** Tick values at multiples of `step` inside [min, max] (local midnight for day steps). */
export function roundTimeTicks(min: number, max: number, step: number): { value: number }[] {
  // Day steps start from a local midnight, so labels read as whole dates in the user's zone.
  const offset = step >= 86_400_000 ? new Date(min).getTimezoneOffset() * 60_000 : 0;
  const ticks: { value: number }[] = [];
  for (let v = Math.ceil((min - offset) / step) * step + offset; v <= max; v += step) ticks.push({ value: v });
  return ticks;
}

/** A round time step (1 min … 7 days) giving at most six ticks over the span. */
export function tickStep(spanMs: number): number {
  return TICK_STEPS.find((s) => spanMs / s <= 6) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
}
