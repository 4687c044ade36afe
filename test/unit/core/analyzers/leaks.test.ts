import * as assert from 'node:assert/strict';
import { analyzeLeaks, measureGrowth } from '../../../../src/core/analyzers/leaks';
import { DEFAULT_ANALYZER_SETTINGS } from '../../../../src/core/analyzers/settings';
import { MB, noise, simulate } from './simulate';

describe('analyzers/leaks', () => {
  it('detects a steady leak with MB/min, R², the 1.5× rule and time to the limit', () => {
    // 2 hours at 30 s: RSS grows 2 MB/min from 200 MB with ±5 MB noise and GC dips.
    const rnd = noise(11);
    const snaps = simulate({
      intervalMs: 30_000,
      count: 240,
      make: (i) => {
        const minutes = (i + 1) / 2;
        const gcDip = i % 17 === 0 ? -25 : 0;
        return { process: { pid: 1, cpuPercent: 10, rssBytes: (200 + 2 * minutes + 5 * rnd() + gcDip) * MB } };
      },
    });
    const f = analyzeLeaks(snaps);
    assert.equal(f.length, 1);
    const leak = f[0]!;
    assert.equal(leak.id, 'leak.rss');
    assert.equal(leak.severity, 'critical');
    const n = leak.evidence.numbers;
    assert.ok(Math.abs((n.slopeMbPerMin as number) - 2) < 0.05, String(n.slopeMbPerMin));
    assert.ok((n.r2 as number) > 0.95);
    assert.ok((n.ratio as number) > 2);
    // Fitted now ≈ 440 MB → (1024 - 440) / 2 ≈ 292 min.
    assert.ok(Math.abs((n.minutesToLimit as number) - 292) < 10, String(n.minutesToLimit));
    assert.match(leak.evidence.text, /MB\/min/);
  });

  it('ignores a GC sawtooth without growth', () => {
    const snaps = simulate({
      intervalMs: 10_000,
      count: 360,
      make: (i) => ({
        process: { pid: 1, cpuPercent: 5, rssBytes: 300 * MB, heapUsedBytes: (80 + (i % 30) * 2) * MB },
      }),
    });
    assert.deepEqual(analyzeLeaks(snaps), []);
  });

  it('a gap in the data does not break the fit (the line is over time, not sample index)', () => {
    // Samples for 30 min, nothing for 60 min, 30 min more: growth 1 MB/min throughout.
    const snaps = simulate({
      intervalMs: 60_000,
      count: 120,
      make: (i) => (i >= 30 && i < 90 ? undefined : { process: { pid: 1, cpuPercent: 1, rssBytes: (100 + i) * MB } }),
    });
    assert.equal(snaps.length, 60);
    const g = measureGrowth(
      'rss',
      snaps.map((s) => ({ t: s.time, v: s.process!.rssBytes })),
      DEFAULT_ANALYZER_SETTINGS.leak,
    )!;
    assert.ok(Math.abs(g.slopeMbPerMin - 1) < 1e-9);
    assert.equal(g.gaps, 1);
    const leak = analyzeLeaks(snaps)[0]!;
    assert.equal(leak.evidence.numbers.gaps, 1);
  });

  it('flags heap growth separately from RSS', () => {
    const snaps = simulate({
      intervalMs: 15_000,
      count: 80,
      make: (i) => ({ process: { pid: 1, cpuPercent: 1, rssBytes: 400 * MB, heapUsedBytes: (50 + i * 0.5) * MB } }),
    });
    const f = analyzeLeaks(snaps);
    assert.deepEqual(
      f.map((x) => x.id),
      ['leak.heap'],
    );
    assert.ok(Math.abs((f[0]!.evidence.numbers.slopeMbPerMin as number) - 2) < 1e-9);
  });

  it('does not call start-up warm-up in a short window a leak', () => {
    // 3 minutes of fast, steady growth: enough samples, too short a span (seed: 10 checks a minute apart).
    const snaps = simulate({
      intervalMs: 2000,
      count: 90,
      make: (i) => ({ process: { pid: 1, cpuPercent: 1, rssBytes: (60 + i) * MB } }),
    });
    assert.deepEqual(analyzeLeaks(snaps), []);
    assert.equal(analyzeLeaks(snaps, { ...DEFAULT_ANALYZER_SETTINGS.leak, minSpanMs: 60_000 })[0]!.id, 'leak.rss');
  });

  it('needs enough samples', () => {
    const snaps = simulate({
      intervalMs: 1000,
      count: 5,
      make: (i) => ({ process: { pid: 1, cpuPercent: 1, rssBytes: (100 + i * 50) * MB } }),
    });
    assert.deepEqual(analyzeLeaks(snaps), []);
  });
});
