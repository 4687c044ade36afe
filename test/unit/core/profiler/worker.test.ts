import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { summarizeProfile } from '../../../../src/core/profiler/summary';
import { loadProfileInWorker, summarizeInWorker } from '../../../../src/core/profiler/workerClient';
import { PROFILE_FIXTURES, fixture } from './fixtures';

describe('off-thread profile loading (worker_threads)', function () {
  this.timeout(60_000);

  it('summarizeInWorker gives the same summary as summarising in-process', async () => {
    const file = path.join(PROFILE_FIXTURES, 'pprof', 'simple.prof');
    const r = await summarizeInWorker(file, { summary: { top: 5 } });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const local = importProfile(fixture('pprof/simple.prof'));
    assert.ok(local.ok);
    assert.deepEqual(r.value, summarizeProfile(local.value, { top: 5 }));
    assert.equal(r.value.functions[0]!.name, 'main.alpha');
  });

  it('loadProfileInWorker returns the model with its call-tree arrays', async () => {
    const r = await loadProfileInWorker(path.join(PROFILE_FIXTURES, 'cpuprofile', 'chrome65-simple.cpuprofile'));
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const p = r.value.profiles[0]!;
    assert.ok(p.tree!.parent instanceof Int32Array);
    // seven V8 nodes; their (root) is the tree's synthetic root
    assert.equal(p.tree!.parent.length, 7);
    assert.equal(p.sampleCount, 29);
  });

  it("keeps the caller's event loop turning while a large profile is parsed", async () => {
    // ~80,000 folded lines: parsing them synchronously would hold the loop for the whole import.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-worker-'));
    try {
      const file = path.join(dir, 'big.folded');
      const lines: string[] = [];
      for (let i = 0; i < 80_000; i++) lines.push(`main;handler${i % 50};parse${i % 997};leaf${i} ${1 + (i % 5)}`);
      fs.writeFileSync(file, lines.join('\n'));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const r = await summarizeInWorker(file, { load: { sourceMaps: false } });
      clearInterval(timer);
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      assert.equal(r.value.functions.length, 20);
      assert.ok(ticks > 0, 'the event loop never turned during the import');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports unreadable files and cancellation as failures', async () => {
    const missing = await summarizeInWorker(path.join(PROFILE_FIXTURES, 'nope.cpuprofile'));
    assert.equal(!missing.ok && missing.error.kind, 'read');
    const ac = new AbortController();
    ac.abort();
    const cancelled = await summarizeInWorker(path.join(PROFILE_FIXTURES, 'pprof', 'simple.prof'), {
      signal: ac.signal,
    });
    assert.equal(!cancelled.ok && cancelled.error.kind, 'cancelled');
  });
});
