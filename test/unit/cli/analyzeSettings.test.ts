import * as assert from 'node:assert/strict';
import { analyzerSettingsFromFlags, parseLiveArgs } from '../../../src/cli/commands/analyze';
import { analyzeSnapshots } from '../../../src/core/analyzers/analyze';
import { MB, simulate } from '../core/analyzers/simulate';

describe('cli/analyze analyzer flags', () => {
  // Two minutes at 5 s: the JS heap grows 3 MB/min from 40 MB.
  const snaps = simulate({
    intervalMs: 5_000,
    count: 25,
    make: (i) => ({ process: { pid: 1, cpuPercent: 5, rssBytes: 200 * MB, heapUsedBytes: (40 + i * 0.25) * MB } }),
  });
  const leaks = (...flags: string[]) =>
    analyzeSnapshots(
      snaps,
      analyzerSettingsFromFlags(parseLiveArgs(['--url', 'http://127.0.0.1:3000', ...flags], ['leak-min-observation'])),
    )
      .filter((f) => f.analyzer === 'leak')
      .map((f) => f.id);

  it('--leak-min-observation sets how much memory history a leak finding needs', () => {
    assert.deepEqual(leaks('--leak-min-observation', '1m'), ['leak.heap']);
    assert.deepEqual(leaks('--leak-min-observation', '10m'), []);
    assert.deepEqual(leaks(), [], 'the default asks for 10 minutes');
  });

  it('refuses a --leak-min-observation outside 1m–24h, saying the range', () => {
    assert.throws(
      () => leaks('--leak-min-observation', '30s'),
      /--leak-min-observation 30s is out of range.*1m and 24h/,
    );
    assert.throws(() => leaks('--leak-min-observation', '25h'), /out of range/);
  });
});
