import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { linesOf } from '../../../../src/core/profiler/model';
import { fixture, fn, importFixture } from './fixtures';
import { makeGoCpuPprof } from './pprofFixture';

describe('pprof importer', () => {
  it('simple.prof: 150 samples = 1.5 s; self alpha 480, beta 390, gamma 270, delta 220, duffcopy 110 ms; main.main total 1,360 ms', () => {
    const imp = importFixture('pprof/simple.prof');
    assert.equal(imp.format, 'pprof');
    const p = imp.profiles[0]!;
    assert.equal(p.name, 'cpu/nanoseconds');
    assert.equal(p.sampleCount, 150);
    assert.equal(p.totalMs, 1500);
    const self = (n: string) => Math.round(fn(p, n).selfMs!);
    assert.deepEqual(
      [self('main.alpha'), self('main.beta'), self('main.gamma'), self('main.delta'), self('runtime.duffcopy')],
      [480, 390, 270, 220, 110],
    );
    assert.equal(Math.round(fn(p, 'main.main').totalMs!), 1360);
    assert.equal(fn(p, 'main.alpha').selfSamples, 48);
  });

  it('weighs by another sample type on request, and names the types it has when asked for a missing one', () => {
    const bySamples = importProfile(fixture('pprof/simple.prof'), 'simple.prof', { sampleType: 'samples' });
    assert.ok(bySamples.ok);
    const p = bySamples.value.profiles[0]!;
    assert.equal(p.hasTime, false);
    assert.equal(p.sampleCount, 150);
    const missing = importProfile(fixture('pprof/simple.prof'), 'simple.prof', { sampleType: 'alloc_space' });
    assert.equal(missing.ok, false);
    assert.match(
      !missing.ok ? missing.error.message : '',
      /pprof.*no sample type "alloc_space" \(it has samples\/count, cpu\/nanoseconds\)/,
    );
  });

  it('reads a profile written by pprof-format (gzipped and raw) with functions, files and leaf lines', async () => {
    const gz = await makeGoCpuPprof();
    for (const bytes of [gz, zlib.gunzipSync(gz)]) {
      const r = importProfile(bytes, 'cpu.pb.gz');
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      const p = r.value.profiles[0]!;
      assert.equal(p.sampleCount, 45);
      assert.equal(p.totalMs, 450);
      assert.equal(p.durationMs, 1000);
      const parse = fn(p, 'main.parse');
      assert.deepEqual([parse.file, parse.line, parse.selfMs], ['/src/app/parse.go', 8, 300]);
      assert.equal(fn(p, 'main.handler').totalMs, 400);
      assert.equal(fn(p, 'main.main').totalMs, 400);
      assert.deepEqual(
        linesOf(p, parse.frame).map((l) => [l.line, l.timeMs]),
        [[12, 300]],
      );
    }
  });

  it('rejects corrupt data with the format named', () => {
    const r = importProfile(zlib.gzipSync(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), 'x.pb.gz');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /^Not a valid pprof file/);
  });
});
