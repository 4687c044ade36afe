import * as assert from 'node:assert/strict';
import { diffProfiles, twoProportionZ } from '../../../../src/core/profiler/diff';
import { foldedProfile } from '../../../helpers/builders';
import { importFixture } from './fixtures';

describe('profile diff', () => {
  it('two-proportion z-test matches hand-computed values', () => {
    // 30/100 vs 10/100: pooled 0.2, se = sqrt(0.2*0.8*0.02) = 0.05657, z = -3.5355, p ≈ 0.000407
    const t = twoProportionZ(30, 100, 10, 100);
    assert.ok(Math.abs(t.z - -3.5355339) < 1e-6);
    assert.ok(Math.abs(t.p - 0.00040695) < 2e-7);
    assert.equal(twoProportionZ(5, 10, 5, 10).p, 1);
  });

  it('normalises by each profile\'s total: a longer "after" with the same mix shows no change', () => {
    const before = foldedProfile('main;work 50\nmain;idle 50');
    const after = foldedProfile('main;work 500\nmain;idle 500');
    const d = diffProfiles(before, after);
    assert.equal(d.regressed.length, 0);
    assert.equal(d.improved.length, 0);
    const work = d.functions.find((f) => f.name === 'work')!;
    assert.equal(work.before.selfShare, 0.5);
    assert.equal(work.after.selfShare, 0.5);
  });

  it('names a function that got hotter as regressed and one that went away as improved', () => {
    const before = foldedProfile('main;parse 400\nmain;render 100\nmain;hash 500');
    const after = foldedProfile('main;parse 700\nmain;render 300');
    const d = diffProfiles(before, after);
    assert.deepEqual(
      d.regressed.map((f) => f.name),
      ['parse', 'render'],
    );
    assert.deepEqual(
      d.improved.map((f) => f.name),
      ['hash'],
    );
    const hash = d.improved[0]!;
    assert.equal(hash.before.selfShare, 0.5);
    assert.equal(hash.after.selfShare, 0);
    assert.ok(hash.pValue! < 1e-10);
    assert.ok(hash.z! < 0);
  });

  it('does not call small-sample noise significant', () => {
    const d = diffProfiles(foldedProfile('main;a 3\nmain;b 2'), foldedProfile('main;a 2\nmain;b 3'));
    assert.equal(d.regressed.length + d.improved.length, 0);
    assert.ok(d.functions.find((f) => f.name === 'a')!.pValue! > 0.05);
  });

  it('uses time when both profiles have it, and has no p-values without samples', () => {
    const cpu = importFixture('cpuprofile/chrome65-simple.cpuprofile').profiles[0]!;
    assert.equal(diffProfiles(cpu, cpu).weight, 'time');
    const evented = importFixture('speedscope/v0.0.1-evented-simple.speedscope.json').profiles[0]!;
    assert.equal(
      diffProfiles(evented, evented).functions.every((f) => f.selfDelta === 0),
      true,
    );
  });
});
