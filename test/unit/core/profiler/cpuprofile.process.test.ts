import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { linesOf, topFunctions } from '../../../../src/core/profiler/model';
import { fixture, fn, importFixture } from './fixtures';

const close = (actual: number | null, expected: number, tol = 0.05) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≉ ${expected}`);

describe('V8 .cpuprofile importer', () => {
  it('weights chrome65-simple by time deltas: d 33.3 ms self of 29 samples, a 33.3 ms, b 17.0 ms, c 16.3 ms total', () => {
    const imp = importFixture('cpuprofile/chrome65-simple.cpuprofile');
    assert.equal(imp.format, 'cpuprofile');
    const p = imp.profiles[0]!;
    assert.equal(p.sampleCount, 29);
    close(p.durationMs, 47.9);
    const d = fn(p, 'd');
    assert.equal(d.selfSamples, 28);
    close(d.selfMs, 33.3);
    close(fn(p, 'a').totalMs, 33.3);
    close(fn(p, 'b').totalMs, 17.0);
    close(fn(p, 'c').totalMs, 16.3);
    assert.equal(fn(p, 'a').selfSamples, 0);
    assert.equal(topFunctions(p, 1, 'self')[0]!.name, 'd');
    // 0-based V8 positions become 1-based lines.
    assert.equal(d.line, 14);
  });

  it('spreads self time over source lines by positionTicks', () => {
    const p = importFixture('cpuprofile/chrome65-simple.cpuprofile').profiles[0]!;
    const lines = linesOf(p, fn(p, 'd').frame);
    assert.deepEqual(
      lines.map((l) => l.line),
      [16, 14],
    );
    // node 5: 13 of 14 ticks on line 16; node 7: all 14 → 27 of 28 samples.
    assert.ok(Math.abs(lines[0]!.samples - 27) < 1e-9);
    assert.ok(Math.abs(lines[1]!.samples - 1) < 1e-9);
  });

  it('reads the legacy head/timestamps format as the same program', () => {
    const legacy = importFixture('cpuprofile/node10-legacy-head-format.cpuprofile').profiles[0]!;
    const modern = importFixture('cpuprofile/chrome65-simple.cpuprofile').profiles[0]!;
    assert.equal(legacy.sampleCount, 29);
    assert.equal(fn(legacy, 'd').selfSamples, 28);
    for (const name of ['a', 'b', 'c', 'd']) close(fn(legacy, name).totalMs, fn(modern, name).totalMs!, 1e-9);
  });

  it('ignores hitCount when it disagrees with samples', () => {
    const json = JSON.parse(fixture('cpuprofile/chrome65-simple.cpuprofile').toString('utf8')) as {
      nodes: { hitCount: number }[];
    };
    for (const n of json.nodes) n.hitCount = 1000;
    const r = importProfile(Buffer.from(JSON.stringify(json)), 'x.cpuprofile');
    assert.ok(r.ok);
    assert.equal(r.value.profiles[0]!.sampleCount, 29);
    assert.equal(fn(r.value.profiles[0]!, 'd').selfSamples, 28);
  });

  it('names the format and the problem for broken files', () => {
    const bad = importProfile(
      Buffer.from(
        '{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"},"children":[]}],"samples":[7],"timeDeltas":[1]}',
      ),
      'x.cpuprofile',
    );
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error.message : '', /V8 \.cpuprofile.*sample 0 refers to node 7/);
    const notJson = importProfile(Buffer.from('{"nodes": [oops'), 'x.cpuprofile');
    assert.match(!notJson.ok ? notJson.error.message : '', /V8 \.cpuprofile.*not valid JSON/);
    const noDeltas = importProfile(
      Buffer.from('{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"}}],"samples":[1,1]}'),
      'x.cpuprofile',
    );
    assert.match(!noDeltas.ok ? noDeltas.error.message : '', /neither timeDeltas nor timestamps/);
  });

  it('reads a real `node --cpu-prof` profile: the busy function leads self time at its line', function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cpuprof-'));
    try {
      const script = path.join(dir, 'busy.js');
      fs.writeFileSync(
        script,
        [
          'function spin(ms) {',
          '  const end = Date.now() + ms;',
          '  let x = 0;',
          '  while (Date.now() < end) x += Math.sqrt(x + 1);',
          '  return x;',
          '}',
          'function main() { let s = 0; for (let i = 0; i < 20; i++) s += spin(20); return s; }',
          'main();',
        ].join('\n'),
      );
      const run = spawnSync(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', script],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
      const r = importProfile(fs.readFileSync(path.join(dir, file)), file);
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      const p = r.value.profiles[0]!;
      assert.ok(p.sampleCount > 100, `only ${p.sampleCount} samples`);
      const spin = fn(p, 'spin');
      const main = fn(p, 'main');
      assert.equal(spin.line, 1);
      assert.equal(main.line, 7);
      assert.ok(spin.file.endsWith('busy.js'));
      // spin runs inside main, so main's total covers spin's; nothing exceeds the profile's total.
      assert.ok(main.totalSamples! >= spin.totalSamples!);
      assert.ok(main.totalMs! <= p.totalMs! + 1e-6);
      const heaviest = topFunctions(p, 3, 'self').map((f) => f.name);
      assert.ok(heaviest.includes('spin'), `top self: ${heaviest.join(', ')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
