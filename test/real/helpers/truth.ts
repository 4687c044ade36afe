/**
 * Checks of PerfLens's numbers against a service's own truth that hold on any machine, however
 * slow: counts are exact, and a percentile is checked against the histogram bucket its rank falls
 * in, bracketed by what is known of each request's duration.
 */
import * as assert from 'node:assert/strict';
import { createAttachSession } from '../../../src/core/session/session';
import type { AttachSession } from '../../../src/core/session/session';
import type { Snapshot } from '../../../src/core/session/types';

/**
 * A session on a real service, collected by hand (collectOnce), so a test knows exactly which
 * requests fall between two scrapes. Machine stats are left out: they are not under test here.
 */
export function attach(baseUrl: string, opts: { metricsPath?: string; healthPath?: string } = {}): AttachSession {
  const created = createAttachSession({
    target: baseUrl,
    intervalMs: 60_000,
    collectSystem: false,
    scrapeTimeoutMs: 30_000,
    ...opts,
  });
  assert.ok(created.ok, created.ok ? '' : created.error.message);
  return created.value;
}

/** The increase PerfLens derived for the interval that ends at `s`: rate × interval. */
export function increase(rate: number | undefined, s: Snapshot): number {
  assert.ok(rate !== undefined && s.intervalSeconds !== undefined, 'a rate over an interval');
  return rate * s.intervalSeconds;
}

export function assertCount(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) < 1e-6 * Math.max(1, expected),
    `${what}: PerfLens ${actual}, the service's truth ${expected}`,
  );
}

/**
 * Asserts that PerfLens's quantile `q` (ms) lies in the range histogram_quantile can give for
 * the requests in the interval. For the request of rank ceil(q·n), `lower` and `upper` bound
 * each request's true duration in seconds (equal when the service recorded it itself; a client's
 * timing is an upper bound, a known sleep a lower one; Infinity when nothing is known). The
 * quantile is interpolated inside the bucket holding that request, so it lies between the lower
 * edge of the bucket of the lower bound and the upper edge of the bucket of the upper bound.
 * `boundsSeconds` are the histogram's finite bucket upper bounds, ascending.
 */
export function assertQuantileBracketed(
  actualMs: number | undefined,
  q: number,
  lower: number[],
  upper: number[],
  boundsSeconds: number[],
  what: string,
): void {
  assert.equal(lower.length, upper.length);
  assert.ok(actualMs !== undefined, `${what}: no p${q * 100} from PerfLens`);
  const rank = Math.ceil(q * lower.length);
  const lo = [...lower].sort((a, b) => a - b)[rank - 1]!;
  const hi = [...upper].sort((a, b) => a - b)[rank - 1]!;
  const bucketOf = (x: number) => boundsSeconds.findIndex((b) => x <= b);
  const loIndex = bucketOf(lo);
  const hiIndex = bucketOf(hi);
  // histogram_quantile starts the first bucket at 0 and answers the last finite bound for the +Inf bucket.
  const minMs = loIndex < 0 ? boundsSeconds.at(-1)! * 1000 : loIndex === 0 ? 0 : boundsSeconds[loIndex - 1]! * 1000;
  const maxMs = hiIndex < 0 ? boundsSeconds.at(-1)! * 1000 : boundsSeconds[hiIndex]! * 1000;
  const eps = 1e-6;
  assert.ok(
    actualMs >= minMs - eps && actualMs <= maxMs + eps,
    `${what}: PerfLens p${q * 100} = ${actualMs.toFixed(3)} ms, outside [${minMs}, ${maxMs}] ms, the bucket range of the request of rank ${rank} of ${lower.length} (${lo.toFixed(4)}–${hi.toFixed(4)} s)`,
  );
}

/** The finite bucket bounds (seconds) of the histogram PerfLens shipped for the interval. */
export function bucketBounds(s: Snapshot): number[] {
  const h = s.histograms?.find((x) => x.series === 'http.duration');
  assert.ok(h, 'PerfLens shipped the request-duration histogram');
  return h.buckets.map((b) => b.le / 1000).filter((le) => Number.isFinite(le));
}
