/**
 * Small numerics shared by the analyzers: ordinary least squares (checked against NIST StRD
 * certified values), a robust Theil–Sen line, Student-t quantiles for prediction intervals, and
 * Prometheus-compatible deriv/predict_linear.
 */

export interface Point {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Linear-interpolated quantile (the R-7 / numpy default), q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const a = [...xs].sort((x, y) => x - y);
  const pos = (a.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export interface LinearFit {
  n: number;
  slope: number;
  /** 0 for a fit through the origin. */
  intercept: number;
  /** Residual degrees of freedom: n - 2, or n - 1 through the origin. */
  df: number;
  slopeStdErr: number;
  /** NaN through the origin. */
  interceptStdErr: number;
  /** Residual standard deviation, sqrt(SSres / df). */
  residualSd: number;
  /** Centered R² with an intercept; uncentered (about zero) through the origin, as NIST certifies it. */
  r2: number;
  ssRegression: number;
  ssResidual: number;
  fStatistic: number;
  /** Mean of x and Σ(x - x̄)², kept for prediction intervals. */
  xMean: number;
  sxx: number;
  throughOrigin: boolean;
}

/**
 * Ordinary least squares y = b0 + b1·x (or y = b1·x with throughOrigin). Two-pass, centered sums so
 * that large x (epoch seconds) does not cancel catastrophically. Needs two distinct x values.
 */
export function olsFit(
  xs: readonly number[],
  ys: readonly number[],
  opts: { throughOrigin?: boolean } = {},
): LinearFit | undefined {
  const n = Math.min(xs.length, ys.length);
  const throughOrigin = opts.throughOrigin ?? false;
  if (n < (throughOrigin ? 1 : 2)) return undefined;
  if (throughOrigin) {
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      sxx += xs[i]! * xs[i]!;
      sxy += xs[i]! * ys[i]!;
      syy += ys[i]! * ys[i]!;
    }
    if (sxx === 0) return undefined;
    const slope = sxy / sxx;
    let ssRes = 0;
    for (let i = 0; i < n; i++) {
      const r = ys[i]! - slope * xs[i]!;
      ssRes += r * r;
    }
    const df = n - 1;
    const ssReg = slope * slope * sxx;
    const s = df > 0 ? Math.sqrt(ssRes / df) : NaN;
    return {
      n,
      slope,
      intercept: 0,
      df,
      slopeStdErr: s / Math.sqrt(sxx),
      interceptStdErr: NaN,
      residualSd: s,
      r2: syy > 0 ? 1 - ssRes / syy : NaN,
      ssRegression: ssReg,
      ssResidual: ssRes,
      fStatistic: df > 0 ? ssReg / (ssRes / df) : NaN,
      xMean: mean(xs.slice(0, n)),
      sxx,
      throughOrigin,
    };
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    // Residuals from centered x keep precision when x is large.
    const r = ys[i]! - my - slope * (xs[i]! - mx);
    ssRes += r * r;
  }
  const df = n - 2;
  const ssReg = (sxy * sxy) / sxx;
  const s = df > 0 ? Math.sqrt(ssRes / df) : NaN;
  return {
    n,
    slope,
    intercept,
    df,
    slopeStdErr: s / Math.sqrt(sxx),
    interceptStdErr: s * Math.sqrt(1 / n + (mx * mx) / sxx),
    residualSd: s,
    r2: syy > 0 ? 1 - ssRes / syy : 1,
    ssRegression: ssReg,
    ssResidual: ssRes,
    fStatistic: df > 0 ? ssReg / (ssRes / df) : NaN,
    xMean: mx,
    sxx,
    throughOrigin,
  };
}

/** Fitted value at x0 with a two-sided prediction interval for a new observation. */
export function predictWithInterval(
  fit: LinearFit,
  x0: number,
  confidence = 0.95,
): { value: number; lower: number; upper: number } {
  const value = fit.intercept + fit.slope * x0;
  if (!(fit.df > 0) || !Number.isFinite(fit.residualSd)) return { value, lower: NaN, upper: NaN };
  const t = studentTQuantile(1 - (1 - confidence) / 2, fit.df);
  const leverage = fit.throughOrigin ? (x0 * x0) / fit.sxx : 1 / fit.n + (x0 - fit.xMean) ** 2 / fit.sxx;
  const half = t * fit.residualSd * Math.sqrt(1 + leverage);
  return { value, lower: value - half, upper: value + half };
}

export interface RobustFit {
  n: number;
  slope: number;
  intercept: number;
  /** 1 - SSres/SStot of the robust line, floored at 0 (a robust line can fit worse than the mean). */
  r2: number;
}

/** Above this many points, Theil–Sen runs on an evenly strided subset to bound the O(n²) pair count. */
const THEIL_SEN_MAX_POINTS = 400;

/**
 * Theil–Sen estimator: the median of all pairwise slopes, intercept the median of y - slope·x.
 * Breakdown point ~29%: GC sawtooth and a few spikes do not bend it the way they bend OLS.
 */
export function theilSenFit(
  xs: readonly number[],
  ys: readonly number[],
  maxPoints = THEIL_SEN_MAX_POINTS,
): RobustFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  const stride = n > maxPoints ? n / maxPoints : 1;
  const idx: number[] = [];
  for (let k = 0; Math.floor(k * stride) < n; k++) idx.push(Math.floor(k * stride));
  // A typed array sorts natively (numeric, no comparator calls), unlike number[] with a comparator.
  const all = new Float64Array((idx.length * (idx.length - 1)) / 2);
  let m = 0;
  for (let a = 0; a < idx.length; a++) {
    const i = idx[a]!;
    for (let b = a + 1; b < idx.length; b++) {
      const j = idx[b]!;
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) all[m++] = (ys[j]! - ys[i]!) / dx;
    }
  }
  if (m === 0) return undefined;
  const slopes = all.subarray(0, m).sort();
  const slope = m % 2 === 1 ? slopes[(m - 1) / 2]! : (slopes[m / 2 - 1]! + slopes[m / 2]!) / 2;
  // Center x first so the intercept stays precise for epoch-sized x.
  const x0 = xs[0]!;
  const offsets: number[] = [];
  for (let i = 0; i < n; i++) offsets.push(ys[i]! - slope * (xs[i]! - x0));
  const interceptAtX0 = median(offsets);
  const my = mean(ys.slice(0, n));
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - (interceptAtX0 + slope * (xs[i]! - x0));
    ssRes += r * r;
    ssTot += (ys[i]! - my) ** 2;
  }
  return { n, slope, intercept: interceptAtX0 - slope * x0, r2: ssTot > 0 ? Math.max(0, 1 - ssRes / ssTot) : 1 };
}

// --- Student t distribution -------------------------------------------------------------------

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the regularized incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Inverse CDF of Student's t by bisection on the CDF (monotone, so it always converges). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// --- Prometheus-compatible range functions ------------------------------------------------------

/** Kahan–Neumaier compensated increment, as Prometheus sums its regression terms. */
function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/**
 * Prometheus's linearRegression: least squares on (t - interceptTime in seconds, v); a constant
 * series has slope 0 and intercept its value.
 */
export function promLinearRegression(
  points: readonly Point[],
  interceptTimeMs: number,
): { slope: number; intercept: number } {
  let n = 0;
  let sumX = 0,
    cX = 0,
    sumY = 0,
    cY = 0,
    sumXY = 0,
    cXY = 0,
    sumX2 = 0,
    cX2 = 0;
  const initY = points[0]!.v;
  let constY = true;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (constY && i > 0 && p.v !== initY) constY = false;
    n += 1;
    const x = (p.t - interceptTimeMs) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(p.v, sumY, cY);
    [sumXY, cXY] = kahanInc(x * p.v, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) return Number.isFinite(initY) ? { slope: 0, intercept: initY } : { slope: NaN, intercept: NaN };
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return { slope, intercept: sumY / n - (slope * sumX) / n };
}

/** Samples of a range selector `[rangeMs]` evaluated at evalMs: left-open, right-closed, as Prometheus 3. */
export function rangeWindow(points: readonly Point[], evalMs: number, rangeMs: number): Point[] {
  return points.filter((p) => p.t > evalMs - rangeMs && p.t <= evalMs);
}

/** PromQL deriv(): per-second slope; undefined below two samples. */
export function promDeriv(points: readonly Point[]): number | undefined {
  if (points.length < 2) return undefined;
  return promLinearRegression(points, points[0]!.t).slope;
}

/** PromQL predict_linear(v, seconds): the fitted value `seconds` after the evaluation time. */
export function promPredictLinear(points: readonly Point[], evalMs: number, seconds: number): number | undefined {
  if (points.length < 2) return undefined;
  const { slope, intercept } = promLinearRegression(points, evalMs);
  return slope * seconds + intercept;
}

/**
 * Per-sample increases of a counter, treating any decrease as a reset to zero (Prometheus's rule:
 * after a reset the new value is itself the increase).
 */
export function counterIncreases(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!.v;
    const cur = points[i]!.v;
    out.push({ t: points[i]!.t, v: cur >= prev ? cur - prev : cur });
  }
  return out;
}

/** Per-second rates of a counter between consecutive samples, reset-aware. */
export function counterRates(points: readonly Point[]): Point[] {
  const inc = counterIncreases(points);
  return inc.map((p, i) => ({ t: p.t, v: p.v / ((p.t - points[i]!.t) / 1000) }));
}

/** Gaps: consecutive samples further apart than `factor` × the median interval. */
export function findGaps(points: readonly Point[], factor = 3): { from: number; to: number }[] {
  if (points.length < 3) return [];
  const deltas: number[] = [];
  for (let i = 1; i < points.length; i++) deltas.push(points[i]!.t - points[i - 1]!.t);
  const typical = median(deltas);
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < points.length; i++) {
    if (deltas[i - 1]! > factor * typical) gaps.push({ from: points[i - 1]!.t, to: points[i]!.t });
  }
  return gaps;
}
