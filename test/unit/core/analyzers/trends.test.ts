import * as assert from 'node:assert/strict';
import {
  analyzeTrends,
  computeTrend,
  forecastSeries,
  scalingRecommendation,
} from '../../../../src/core/analyzers/trends';
import type { Point } from '../../../../src/core/util/stats';
import { counterRates } from '../../../../src/core/util/stats';
import { noise, simulate } from './simulate';

const T0 = Date.UTC(2026, 0, 1);

describe('analyzers/trends', () => {
  it('measures slope and direction over the last hour only', () => {
    // 2 h of samples: flat for the first hour, then +0.01/s.
    const pts: Point[] = Array.from({ length: 241 }, (_, i) => {
      const sec = i * 30;
      return { t: T0 + sec * 1000, v: sec <= 3600 ? 50 : 50 + 0.01 * (sec - 3600) };
    });
    const tr = computeTrend(pts)!;
    assert.ok(Math.abs(tr.slopePerSec - 0.01) < 1e-12);
    assert.equal(tr.direction, 'rising');
    assert.equal(tr.n, 120);
    assert.ok(tr.significant);
  });

  it('calls a noisy level series flat', () => {
    const rnd = noise(5);
    const pts: Point[] = Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * 30_000, v: 100 + 3 * rnd() }));
    assert.equal(computeTrend(pts)!.direction, 'flat');
  });

  it('forecasts an exact line with a zero-width interval', () => {
    // v = 10 + 1e-4 per second; 30 days after the last sample: +259.2.
    const pts: Point[] = Array.from({ length: 10 }, (_, i) => ({ t: T0 + i * 3_600_000, v: 10 + 1e-4 * i * 3600 }));
    const fc = forecastSeries(pts, 30)!;
    assert.ok(Math.abs(fc.slope - 1e-4) < 1e-15);
    assert.ok(Math.abs(fc.current.value - 13.24) < 1e-6);
    assert.ok(Math.abs(fc.projection.value - (13.24 + 259.2)) < 1e-6);
    assert.ok(Math.abs(fc.projection.upper - fc.projection.lower) < 1e-6);
    assert.equal(fc.recommendation, 'Consider horizontal scaling: add more instances');
  });

  it('applies the seed growth rule: > 10 % scale out, > 5 % monitor, else sufficient', () => {
    assert.equal(scalingRecommendation(0.11), 'Consider horizontal scaling: add more instances');
    assert.equal(scalingRecommendation(0.07), 'Monitor closely: scaling may be needed soon');
    assert.equal(scalingRecommendation(0.05), 'Current capacity appears sufficient');
  });

  it('gives a prediction interval that widens with noise and a non-significant slope no advice', () => {
    const rnd = noise(9);
    const pts: Point[] = Array.from({ length: 50 }, (_, i) => ({ t: T0 + i * 60_000, v: 100 + 20 * rnd() }));
    const fc = forecastSeries(pts, 30)!;
    assert.ok(fc.projection.lower < fc.projection.value && fc.projection.value < fc.projection.upper);
    assert.equal(fc.significant, false);
    assert.match(fc.recommendation, /^Current capacity appears sufficient \(no significant trend/);
  });

  it('a counter reset does not read as a collapse of the request rate', () => {
    // Requests counter: rate grows linearly 10 → 20 req/s over 2 h; the process restarts at 1 h.
    let count = 0;
    const counter: Point[] = [];
    for (let i = 0; i <= 240; i++) {
      const sec = i * 30;
      if (i === 120) count = 0;
      else if (i > 0) count += 30 * (10 + (10 * (sec - 15)) / 7200);
      counter.push({ t: T0 + sec * 1000, v: count });
    }
    const rates = counterRates(counter);
    assert.ok(rates.every((p) => p.v >= 0));
    // The reset interval loses its increase before the restart (as PromQL's rate does), one sample of 240.
    const fc = forecastSeries(
      rates.filter((_, i) => i !== 119),
      30,
    )!;
    assert.ok(Math.abs(fc.slope - 10 / 7200) < 1e-6, String(fc.slope));
    assert.equal(fc.direction, 'rising');
  });

  it('ignores a rise that is large in relative terms but tiny in absolute terms', () => {
    // Errors double from 0.1 % to 0.2 % over an hour: significant, rising, and not worth a finding.
    const snaps = simulate({
      start: T0,
      intervalMs: 30_000,
      count: 120,
      make: (i) => ({ http: { requestRate: 100, errorRate: 0.001 + (i / 120) * 0.001, p95Ms: 200, routes: [] } }),
    });
    assert.equal(computeTrend(snaps.map((s) => ({ t: s.time, v: s.http!.errorRate })))!.direction, 'rising');
    assert.deepEqual(
      analyzeTrends(snaps).filter((f) => f.id === 'trend.error_rate'),
      [],
    );
  });

  it('turns snapshots into trend and forecast findings', () => {
    const rnd = noise(1);
    const snaps = simulate({
      start: T0,
      intervalMs: 30_000,
      count: 120,
      make: (i) => ({
        http: { requestRate: 100 + i * 0.5 + rnd(), errorRate: 0, p95Ms: 200 + i * 2 + 5 * rnd(), routes: [] },
      }),
    });
    const f = analyzeTrends(snaps);
    const ids = f.map((x) => x.id);
    assert.ok(ids.includes('trend.p95_latency_ms'), ids.join());
    const fc = f.find((x) => x.id === 'forecast.request_rate')!;
    assert.ok(fc, ids.join());
    assert.equal(fc.severity, 'warning');
    assert.equal(fc.recommendation, 'Consider horizontal scaling: add more instances');
    assert.ok((fc.evidence.numbers.lower95 as number) < (fc.evidence.numbers.projected as number));
  });
});
