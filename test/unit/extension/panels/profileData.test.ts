import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffProfiles } from '../../../../src/core/profiler/diff';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { diffViewData, profileViewData } from '../../../../src/extension/panels/profileData';
import { foldedProfile } from '../../../helpers/builders';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'profiles');

describe('profile view data', () => {
  it('lists every function with weight, heaviest self first, with shares of the whole profile', () => {
    const r = importProfile(
      fs.readFileSync(path.join(FIXTURES, 'cpuprofile', 'chrome65-simple.cpuprofile')),
      'chrome65-simple.cpuprofile',
    );
    assert.ok(r.ok);
    const p = r.value.profiles[0]!;
    const d = profileViewData(p, { title: 'simple' });
    assert.equal(d.unit, 'ms');
    assert.ok(d.rows.length > 0);
    for (let i = 1; i < d.rows.length; i++) assert.ok(d.rows[i - 1]!.self >= d.rows[i]!.self);
    const selfShares = d.rows.reduce((n, r) => n + r.selfShare, 0);
    assert.ok(Math.abs(selfShares - 1) < 1e-9, `self shares sum to ${selfShares}`);
    for (const row of d.rows) assert.equal(d.names[row.frame], row.name);
    assert.ok(d.flame);
    assert.equal(d.flame.parent.length, p.tree!.parent.length);
    assert.equal(d.flame.self.length, d.flame.frame.length);
    assert.equal(d.benchmark, null);
  });

  it('counts samples for formats without time, and keeps function names as given (HTML included)', () => {
    const d = profileViewData(foldedProfile('main;<b>render</b> 30\nmain;parse 10\n'), {
      title: 'folded',
      warnings: ['one skipped line'],
    });
    assert.equal(d.unit, 'samples');
    assert.equal(d.rows[0]!.name, '<b>render</b>');
    assert.equal(d.rows[0]!.self, 30);
    assert.ok(Math.abs(d.rows[0]!.selfShare - 0.75) < 1e-9);
    assert.deepEqual(d.warnings, ['one skipped line']);
    assert.equal(d.rows.find((r) => r.name === 'main')!.totalShare, 1);
  });

  it('puts regressions first, then improvements, then the rest of a diff', () => {
    const before = foldedProfile('main;parse 500\nmain;render 500\nmain;log 10\n');
    const after = foldedProfile('main;parse 200\nmain;render 800\nmain;log 10\n');
    const d = diffViewData(diffProfiles(before, after), 'a.cpuprofile', 'b.cpuprofile');
    assert.deepEqual(
      d.rows.slice(0, 2).map((r) => [r.name, r.status]),
      [
        ['render', 'regressed'],
        ['parse', 'improved'],
      ],
    );
    assert.ok(d.rows.slice(2).every((r) => r.status === 'unchanged'));
    assert.equal(d.before, 'a.cpuprofile');
    assert.equal(d.weight, 'samples');
  });
});
