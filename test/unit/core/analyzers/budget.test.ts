import * as assert from 'node:assert/strict';
import { evaluateBudget, parseBudget } from '../../../../src/core/analyzers/budget';
import type { Snapshot } from '../../../../src/core/session/types';
import { histogram, httpStats, snapshot } from '../../../helpers/builders';

const MB = 1024 * 1024;

function rules(text: string) {
  const r = parseBudget(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function parseError(text: string): string {
  const r = parseBudget(text);
  assert.equal(r.ok, false, `"${text}" should not parse`);
  return r.ok ? '' : r.error.message;
}

describe('analyzers/budget', () => {
  it('parses the documented example into canonical units', () => {
    assert.deepEqual(rules('p95<300ms,error_rate<1%,rss<512MB'), [
      { text: 'p95<300ms', metric: 'p95', op: '<', limit: 300 },
      { text: 'error_rate<1%', metric: 'error_rate', op: '<', limit: 0.01 },
      { text: 'rss<512MB', metric: 'rss', op: '<', limit: 512 * MB },
    ]);
    assert.deepEqual(
      rules(' p99 <= 1.5s , errors<0.02, heap<1GB, cpu<80%, rps>=50/s ').map((r) => [r.metric, r.op, r.limit]),
      [
        ['p99', '<=', 1500],
        ['error_rate', '<', 0.02],
        ['heap', '<', 1024 * MB],
        ['cpu', '<', 80],
        ['rps', '>=', 50],
      ],
    );
  });

  it('explains what is wrong with a bad budget', () => {
    assert.match(parseError(''), /The budget is empty/);
    assert.match(parseError('p95<300ms,'), /clause 2 "" is empty \(stray comma\?\)/);
    assert.match(parseError('p95=300ms'), /clause 1 "p95=300ms" is not METRIC<LIMIT/);
    assert.match(
      parseError('latency<3s'),
      /unknown metric "latency". Known: p50, p90, p95, p99, avg, error_rate, rss, heap, cpu, rps/,
    );
    assert.match(parseError('p95<300'), /p95 needs a unit; use ms, s or us/);
    assert.match(parseError('rss<512'), /rss needs a unit; use B, KB, MB or GB/);
    assert.match(parseError('rss<1XB'), /cannot use the unit "XB"/);
    assert.match(parseError('error_rate<5'), /did you mean 5%\?/);
    assert.match(parseError('p95<fast'), /"fast" is not a number with a unit/);
  });

  it('takes percentiles from the merged latency histogram of the run', () => {
    const snap = (
      time: number,
      buckets: [number, number][],
      requestRate: number,
      errorRate: number,
      rss: number,
      cpu: number,
    ): Snapshot =>
      snapshot({
        time,
        intervalSeconds: 1,
        http: httpStats({ requestRate, errorRate, p95Ms: 9999 }),
        histograms: [histogram(buckets)],
        process: { pid: 1, rssBytes: rss, cpuPercent: cpu },
      });
    const snaps = [
      snap(
        1000,
        [
          [100, 50],
          [250, 90],
          [500, 100],
          [Infinity, 100],
        ],
        10,
        0,
        300 * MB,
        20,
      ),
      snap(
        2000,
        [
          [100, 0],
          [250, 50],
          [500, 100],
          [Infinity, 100],
        ],
        30,
        0.1,
        600 * MB,
        40,
      ),
    ];
    const res = evaluateBudget(rules('p95<300ms,error_rate<5%,rss<512MB,cpu<50%'), snaps);
    // Merged: ≤100: 50, ≤250: 140, ≤500: 200. Rank 190 lies in (250, 500]: 250 + 250 × 50/60.
    assert.ok(Math.abs(res[0]!.actual! - (250 + (250 * 50) / 60)) < 1e-9);
    assert.equal(res[0]!.status, 'fail');
    assert.match(res[0]!.method!, /histogram_quantile\(0.95\) over 2 merged intervals/);
    // Errors weighted by requests: (10 × 0 + 30 × 0.1) / 40.
    assert.ok(Math.abs(res[1]!.actual! - 0.075) < 1e-12);
    assert.equal(res[1]!.status, 'fail');
    assert.equal(res[2]!.actual, 600 * MB);
    assert.equal(res[2]!.status, 'fail');
    assert.match(res[2]!.message, /peak resident memory 600 MB, budget < 512 MB/);
    assert.equal(res[3]!.actual, 30);
    assert.equal(res[3]!.status, 'pass');
  });

  it('falls back to request-weighted interval percentiles and reports missing data', () => {
    const snaps: Snapshot[] = [
      snapshot({ time: 0, http: httpStats({ requestRate: 10, p95Ms: 100 }) }),
      snapshot({ time: 1, http: httpStats({ requestRate: 30, p95Ms: 200 }) }),
    ];
    const res = evaluateBudget(rules('p95<300ms,rss<1GB'), snaps);
    assert.equal(res[0]!.actual, 175);
    assert.equal(res[0]!.status, 'pass');
    assert.equal(res[1]!.status, 'no-data');
    assert.match(res[1]!.message, /no data during the run/);
  });
});
