import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  counterRates,
  findGaps,
  median,
  olsFit,
  predictWithInterval,
  promDeriv,
  promPredictLinear,
  quantile,
  rangeWindow,
  studentTQuantile,
  theilSenFit,
} from '../../../../src/core/util/stats';
import type { Point } from '../../../../src/core/util/stats';

interface NistCase {
  dataset: string;
  x: number[];
  y: number[];
  certified: Record<string, number>;
}

function loadNist(name: string): NistCase {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/nist', name), 'utf8')) as NistCase;
}

function assertRel(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(
    err <= rel,
    `${what}: ${actual} vs certified ${expected} (relative error ${err.toExponential(2)} > ${rel})`,
  );
}

const REL = 1e-9;

describe('stats: OLS against NIST StRD certified values', () => {
  it('Norris (with intercept): coefficients, standard deviations, residual SD, R², ANOVA', () => {
    const d = loadNist('norris.json');
    assert.equal(d.x.length, 36);
    const fit = olsFit(d.x, d.y)!;
    const c = d.certified;
    assertRel(fit.intercept, c.B0!, REL, 'B0');
    assertRel(fit.slope, c.B1!, REL, 'B1');
    assertRel(fit.interceptStdErr, c.B0StdDev!, REL, 'sd(B0)');
    assertRel(fit.slopeStdErr, c.B1StdDev!, REL, 'sd(B1)');
    assertRel(fit.residualSd, c.residualStdDev!, REL, 'residual SD');
    assertRel(fit.r2, c.rSquared!, REL, 'R²');
    assertRel(fit.ssRegression, c.regressionSumSquares!, REL, 'SS regression');
    assertRel(fit.ssResidual, c.residualSumSquares!, REL, 'SS residual');
    assertRel(fit.fStatistic, c.fStatistic!, REL, 'F');
    assert.equal(fit.df, c.residualDf);
  });

  for (const file of ['noint1.json', 'noint2.json']) {
    it(`${file.replace('.json', '')} (through the origin): B1, sd, residual SD, uncentered R², ANOVA`, () => {
      const d = loadNist(file);
      const fit = olsFit(d.x, d.y, { throughOrigin: true })!;
      const c = d.certified;
      assert.equal(fit.intercept, 0);
      assertRel(fit.slope, c.B1!, REL, 'B1');
      assertRel(fit.slopeStdErr, c.B1StdDev!, REL, 'sd(B1)');
      assertRel(fit.residualSd, c.residualStdDev!, REL, 'residual SD');
      assertRel(fit.r2, c.rSquared!, REL, 'R²');
      assertRel(fit.ssRegression, c.regressionSumSquares!, REL, 'SS regression');
      assertRel(fit.ssResidual, c.residualSumSquares!, REL, 'SS residual');
      assertRel(fit.fStatistic, c.fStatistic!, REL, 'F');
      assert.equal(fit.df, c.residualDf);
    });
  }

  it('keeps Norris accuracy when x is shifted to epoch-second magnitudes', () => {
    const d = loadNist('norris.json');
    const shift = 1.7e9;
    const fit = olsFit(
      d.x.map((x) => x + shift),
      d.y,
    )!;
    assertRel(fit.slope, d.certified.B1!, 1e-7, 'B1 (shifted)');
    assertRel(fit.r2, d.certified.rSquared!, 1e-9, 'R² (shifted)');
  });

  it('refuses a fit without two distinct x values', () => {
    assert.equal(olsFit([1], [2]), undefined);
    assert.equal(olsFit([3, 3, 3], [1, 2, 3]), undefined);
  });
});

describe('stats: Student t quantiles and prediction intervals', () => {
  it('matches tabulated t quantiles', () => {
    // Standard table values (two-sided 95 % and one-sided 95 %).
    assertRel(studentTQuantile(0.975, 1), 12.706204736174707, 1e-9, 't(0.975, 1)');
    assertRel(studentTQuantile(0.975, 10), 2.2281388519862744, 1e-9, 't(0.975, 10)');
    assertRel(studentTQuantile(0.975, 34), 2.032244509317718, 1e-9, 't(0.975, 34)');
    assertRel(studentTQuantile(0.95, 30), 1.6972608865939587, 1e-9, 't(0.95, 30)');
    assertRel(studentTQuantile(0.025, 10), -2.2281388519862744, 1e-9, 't(0.025, 10)');
  });

  it('computes the textbook prediction interval on a hand-checked line', () => {
    // x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSres = 2.4, s² = 0.8, Sxx = 10.
    const fit = olsFit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
    assert.ok(Math.abs(fit.slope - 0.6) < 1e-12);
    assert.ok(Math.abs(fit.intercept - 2.2) < 1e-12);
    const p = predictWithInterval(fit, 6, 0.95);
    const half = 3.182446305284263 * Math.sqrt(0.8) * Math.sqrt(1 + 1 / 5 + 9 / 10);
    assert.ok(Math.abs(p.value - 5.8) < 1e-12);
    assert.ok(Math.abs(p.upper - (5.8 + half)) < 1e-9);
    assert.ok(Math.abs(p.lower - (5.8 - half)) < 1e-9);
  });
});

describe('stats: Prometheus deriv / predict_linear semantics', () => {
  const s = (sec: number, v: number): Point => ({ t: sec * 1000, v });
  // x = 0, 15, 30, 45, 60 s; y = 2, 4, 5, 4, 5. x̄ = 30, ȳ = 4, Sxx = 2250, Sxy = 90 → slope 0.04 /s.
  const pts = [s(0, 2), s(15, 4), s(30, 5), s(45, 4), s(60, 5)];

  it('deriv is the least-squares slope per second', () => {
    assert.ok(Math.abs(promDeriv(pts)! - 0.04) < 1e-12);
    assert.equal(promDeriv([s(0, 1)]), undefined);
  });

  it('predict_linear puts the intercept at the evaluation time', () => {
    // At t = 60 s the line is 4 + 0.04·30 = 5.2; an hour later 5.2 + 144 = 149.2.
    assert.ok(Math.abs(promPredictLinear(pts, 60_000, 3600)! - 149.2) < 1e-9);
    // Evaluated at 70 s (after the last sample): 4 + 0.04·40 = 5.6, plus 100 s → 9.6.
    assert.ok(Math.abs(promPredictLinear(pts, 70_000, 100)! - 9.6) < 1e-9);
    // predict_linear(v, 0) is the fitted value now.
    assert.ok(Math.abs(promPredictLinear(pts, 60_000, 0)! - 5.2) < 1e-12);
  });

  it('a constant series has slope 0 and predicts its value', () => {
    const flat = [s(0, 7), s(10, 7), s(20, 7)];
    assert.equal(promDeriv(flat), 0);
    assert.equal(promPredictLinear(flat, 20_000, 1e6), 7);
  });

  it('range windows are left-open like Prometheus 3', () => {
    const w = rangeWindow(pts, 60_000, 60_000);
    assert.deepEqual(
      w.map((p) => p.t / 1000),
      [15, 30, 45, 60],
    );
    // y = 4, 5, 4, 5 over x̄ = 37.5: Sxy = 15, Sxx = 1125.
    assert.ok(Math.abs(promDeriv(w)! - 15 / 1125) < 1e-12);
  });
});

describe('stats: robust line, quantiles, counters and gaps', () => {
  it('Theil–Sen ignores outliers that drag OLS', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    const ys = xs.map((x) => 3 * x + 10);
    ys[5] = 500;
    ys[15] = -400;
    const robust = theilSenFit(xs, ys)!;
    assert.ok(Math.abs(robust.slope - 3) < 1e-12);
    assert.ok(Math.abs(robust.intercept - 10) < 1e-12);
    assert.ok(Math.abs(olsFit(xs, ys)!.slope - 3) > 1);
  });

  it('Theil–Sen stays exact on a long series (strided subset)', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => 1.7e9 + i * 5);
    const ys = xs.map((x) => 2e-3 * (x - 1.7e9) + 100);
    const f = theilSenFit(xs, ys)!;
    assert.ok(Math.abs(f.slope - 2e-3) < 1e-12);
    assert.ok(Math.abs(f.r2 - 1) < 1e-9);
  });

  it('quantile uses linear interpolation', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([10, 20, 30, 40, 50], 0.95), 48);
  });

  it('counter rates survive a reset', () => {
    const r = counterRates([
      { t: 0, v: 10 },
      { t: 10_000, v: 20 },
      { t: 20_000, v: 5 },
      { t: 30_000, v: 15 },
    ]);
    assert.deepEqual(
      r.map((p) => p.v),
      [1, 0.5, 1],
    );
  });

  it('finds gaps longer than three typical intervals', () => {
    const pts: Point[] = [0, 5, 10, 15, 60, 65, 70].map((sec) => ({ t: sec * 1000, v: 1 }));
    assert.deepEqual(findGaps(pts), [{ from: 15_000, to: 60_000 }]);
  });
});

describe('stats: properties', () => {
  const series = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
    { minLength: 3, maxLength: 60 },
  );

  it('OLS slope is invariant to shifting x and scales with y', () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        (pts, shift, k) => {
          const xs = pts.map((p) => p[0]);
          const ys = pts.map((p) => p[1]);
          const a = olsFit(xs, ys);
          if (!a) return new Set(xs).size < 2;
          const b = olsFit(
            xs.map((x) => x + shift),
            ys,
          )!;
          const c = olsFit(
            xs,
            ys.map((y) => y * k),
          )!;
          const tol = 1e-6 * (Math.abs(a.slope) + 1e-3);
          return Math.abs(a.slope - b.slope) <= tol && Math.abs(a.slope * k - c.slope) <= tol * k;
        },
      ),
    );
  });

  it('Theil–Sen recovers any exact line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 120 }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (n, slope, intercept) => {
          const xs = Array.from({ length: n }, (_, i) => i * 7);
          const f = theilSenFit(
            xs,
            xs.map((x) => intercept + slope * x),
          )!;
          return (
            Math.abs(f.slope - slope) <= 1e-9 * (Math.abs(slope) + 1) &&
            Math.abs(f.intercept - intercept) <= 1e-6 * (Math.abs(intercept) + 1)
          );
        },
      ),
    );
  });

  it('counter rates are never negative, whatever the resets', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e6 }), { minLength: 2, maxLength: 50 }), (values) => {
        const pts = values.map((v, i) => ({ t: i * 1000, v }));
        return counterRates(pts).every((p) => p.v >= 0);
      }),
    );
  });
});
