/**
 * Heap profiles of a real Go service: Prometheus's own net/http/pprof, recorded with
 * `perflens profile record --heap --pprof` and read back with every sample type.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { findWhatGrows } from '../../src/core/profiler/heapGrowth';
import { requirePrometheus, startPrometheusServer } from '../helpers/prometheusServer';
import type { PrometheusServerHandle } from '../helpers/prometheusServer';
import { capture } from '../unit/cli/liveHelpers';

describe('Go heap profiles from a real Prometheus (record --heap --pprof, every sample type)', function () {
  this.timeout(120_000);
  let prom: PrometheusServerHandle;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-go-heap-'));
    prom = await startPrometheusServer(requirePrometheus(), {
      jobs: [{ job: 'self', targets: [] }],
      intervalSeconds: 1,
    });
  });
  after(async () => {
    await prom?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const endpoint of ['heap', 'allocs'] as const) {
    it(`records /debug/pprof/${endpoint} and summarizes it with each of its four sample types, in bytes or objects`, async () => {
      const url = endpoint === 'heap' ? prom.url : `${prom.url}/debug/pprof/allocs`;
      const file = `${endpoint}.pb.gz`;
      const rec = capture();
      rec.cwd = dir;
      assert.equal(
        await runCli(['profile', 'record', '--heap', '--pprof', url, '-o', file, '--json'], rec),
        0,
        rec.stderr,
      );
      const recorded = JSON.parse(rec.stdout) as { format: string; sampleType: string; total: number };
      assert.equal(recorded.format, 'pprof');
      assert.equal(recorded.sampleType, endpoint === 'heap' ? 'inuse_space' : 'alloc_space');
      assert.ok(recorded.total > 0);
      for (const [type, unit] of [
        ['inuse_space', 'bytes'],
        ['inuse_objects', 'objects'],
        ['alloc_space', 'bytes'],
        ['alloc_objects', 'objects'],
      ] as const) {
        const s = capture();
        s.cwd = dir;
        assert.equal(await runCli(['profile', 'summarize', file, '--sample-type', type, '--json'], s), 0, s.stderr);
        const summary = JSON.parse(s.stdout) as {
          heap: { sampleType: string; unit: string; total: number; sampleTypes: string[] };
          functions: { name: string; file: string; selfBytes?: number; selfObjects?: number }[];
        };
        assert.equal(summary.heap.sampleType, type);
        assert.equal(summary.heap.unit, unit);
        assert.deepEqual([...summary.heap.sampleTypes].sort(), [
          'alloc_objects',
          'alloc_space',
          'inuse_objects',
          'inuse_space',
        ]);
        assert.ok(summary.heap.total > 0);
        const top = summary.functions[0]!;
        assert.ok(top.file.endsWith('.go'), top.file);
        assert.ok((unit === 'bytes' ? top.selfBytes : top.selfObjects)! > 0);
      }
    });
  }

  it('takes two Go heap samples apart and diffs them by allocation site', async () => {
    const r = await findWhatGrows({ kind: 'pprof', url: prom.url }, { durationMs: 2000 });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.value.diff.sampleType, 'inuse_space');
    assert.equal(r.value.diff.unit, 'bytes');
    assert.ok(r.value.diff.after.total > 0);
  });
});
