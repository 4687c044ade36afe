import * as assert from 'node:assert/strict';
import type { ConfigurationSource } from '../../../../src/extension/config';
import { readSettings } from '../../../../src/extension/config';
import { analyzeSnapshots } from '../../../../src/core/analyzers/analyze';
import { liveConfigFrom, needsRestart } from '../../../../src/extension/live/liveConfig';
import { MB, simulate } from '../../core/analyzers/simulate';
import { snapshot } from '../../../helpers/builders';

const none: ConfigurationSource = { get: () => undefined, inspect: () => undefined };
const user = (values: Record<string, unknown>): ConfigurationSource => ({
  get: <T>(k: string) => values[k] as T,
  inspect: <T>(k: string) => ({ globalValue: values[k] as T }),
});

describe('liveConfigFrom', () => {
  it('maps the seed defaults onto sessions, analyzers and the four alert rules', () => {
    const c = liveConfigFrom(readSettings(none));
    assert.equal(c.enabled, true);
    assert.equal(c.intervalMs, 5000);
    assert.deepEqual(
      c.alertRules.map((r) => [r.id, r.threshold, r.forMs, r.keepFiringForMs]),
      [
        ['responseTime', 1, 30_000, 60_000],
        ['errorRate', 0.05, 30_000, 60_000],
        ['memory', 0.8, 30_000, 60_000],
        ['cpu', 80, 30_000, 60_000],
      ],
    );
    assert.equal(c.analyzer.leak?.maxMemoryMb, 1024);
    assert.equal(c.analyzer.bottleneck?.cpuPercent, 80);
  });

  it('applies the user thresholds and durations, and the memory rule compares RSS with maxMemoryMb', () => {
    const c = liveConfigFrom(
      readSettings(
        user({ maxMemoryMb: 100, 'alerts.memoryUsage': 0.5, 'alerts.forSeconds': 2, 'alerts.keepFiringForSeconds': 0 }),
      ),
    );
    const memory = c.alertRules.find((r) => r.id === 'memory')!;
    assert.equal(memory.forMs, 2000);
    assert.equal(memory.keepFiringForMs, 0);
    const snap = snapshot({ process: { pid: 1, cpuPercent: 1, rssBytes: 60 * 1048576 } });
    assert.deepEqual(memory.read(snap), [{ labels: {}, value: 0.6 }]);
    assert.ok(memory.read(snap)[0]!.value > memory.threshold);
  });

  it('perflens.leak.minObservationMinutes decides how much memory history a leak finding needs', () => {
    // Two minutes at 5 s: the JS heap grows 3 MB/min from 40 MB.
    const snaps = simulate({
      intervalMs: 5_000,
      count: 25,
      make: (i) => ({ process: { pid: 1, cpuPercent: 5, rssBytes: 200 * MB, heapUsedBytes: (40 + i * 0.25) * MB } }),
    });
    const leaksWith = (minutes: number | undefined) =>
      analyzeSnapshots(
        snaps,
        liveConfigFrom(readSettings(user(minutes === undefined ? {} : { 'leak.minObservationMinutes': minutes })))
          .analyzer,
      ).filter((f) => f.analyzer === 'leak');
    assert.deepEqual(
      leaksWith(1).map((f) => f.id),
      ['leak.heap'],
    );
    assert.deepEqual(leaksWith(10), []);
    assert.deepEqual(leaksWith(undefined), [], 'the default asks for 10 minutes');
    const restartsOn = readSettings(none);
    assert.equal(needsRestart(restartsOn, { ...restartsOn, leakMinObservationMinutes: 1 }), true);
  });

  it('restarts collection only for settings that change what is collected or evaluated', () => {
    const a = readSettings(none);
    assert.equal(needsRestart(a, { ...a, statusBarHeadline: 'requestRate', alertsQuiet: true }), false);
    assert.equal(needsRestart(a, { ...a, collectionIntervalSeconds: 1 }), true);
    assert.equal(needsRestart(a, { ...a, alertsErrorRate: 0.1 }), true);
  });
});
