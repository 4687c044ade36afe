import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfileFile } from '../../../../src/core/profiler/load';
import type { Profile } from '../../../../src/core/profiler/model';
import {
  buildHotSpotIndex,
  fileKey,
  heatLevel,
  lensTitle,
  lensWorthy,
  profileSelfTotal,
} from '../../../../src/extension/codeLens/hotSpots';
import { cpuProfile, v8Node, v8SyntheticNode } from '../../../helpers/builders';

/** A V8 .cpuprofile as the inspector writes it: (root) → main → {hot, warm}, hot with per-line ticks. */
function cpuprofile(dir: string): { file: string; script: string } {
  const script = path.join(dir, 'app.js');
  const at = (lineNumber: number) => ({ url: `file://${script}`, lineNumber, columnNumber: 2 });
  const nodes = [
    v8SyntheticNode(1, '(root)', [2, 5]),
    v8Node(2, 'main', at(0), { children: [3, 4] }),
    v8Node(3, 'hot', at(9), {
      positionTicks: [
        { line: 11, ticks: 60 },
        { line: 12, ticks: 20 },
      ],
    }),
    v8Node(4, 'warm', at(19)),
    v8SyntheticNode(5, '(garbage collector)'),
  ];
  const samples = [...Array(80).fill(3), ...Array(15).fill(4), ...Array(4).fill(2), 5];
  const file = path.join(dir, 'app.cpuprofile');
  fs.writeFileSync(file, JSON.stringify(cpuProfile(nodes, samples)));
  return { file, script };
}

describe('hot spots of a profile', () => {
  let profile: Profile;
  let script: string;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-hotspots-'));
    const made = cpuprofile(dir);
    script = made.script;
    const r = await loadProfileFile(made.file);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    profile = r.value.profiles[0]!;
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives each function of a file its self and total share of the whole profile', () => {
    const heat = buildHotSpotIndex(profile).get(fileKey(script));
    assert.ok(heat);
    const byName = Object.fromEntries(heat.functions.map((h) => [h.name, h]));
    assert.deepEqual(
      heat.functions.map((h) => h.name),
      ['hot', 'warm', 'main'],
    );
    // V8 times a sample by the delta to the next one: the last sample (the GC's) weighs 0 ms.
    const total = profileSelfTotal(profile);
    assert.ok(Math.abs(total - 99) < 1e-9, `total ${total}`);
    assert.ok(Math.abs(byName.hot!.selfShare - 80 / 99) < 1e-9);
    assert.ok(Math.abs(byName.warm!.selfShare - 15 / 99) < 1e-9);
    assert.ok(Math.abs(byName.main!.selfShare - 4 / 99) < 1e-9);
    assert.ok(Math.abs(byName.main!.totalShare - 1) < 1e-9);
    assert.equal(byName.hot!.line, 10);
  });

  it('leaves out frames without a source file', () => {
    const files = [...buildHotSpotIndex(profile).keys()];
    assert.deepEqual(files, [fileKey(script)]);
  });

  it('spreads line heat by position ticks, and puts a function without ticks on its first line', () => {
    const lines = buildHotSpotIndex(profile).get(fileKey(script))!.lines;
    assert.ok(Math.abs(lines.get(11)! - 60 / 99) < 1e-9);
    assert.ok(Math.abs(lines.get(12)! - 20 / 99) < 1e-9);
    assert.ok(Math.abs(lines.get(20)! - 15 / 99) < 1e-9, 'warm has no ticks: its share sits on its line');
    assert.ok(Math.abs(lines.get(1)! - 4 / 99) < 1e-9);
    assert.equal(lines.size, 4);
  });

  it('picks lens-worthy functions by self share, or total share five times over', () => {
    const heat = buildHotSpotIndex(profile).get(fileKey(script));
    assert.deepEqual(
      lensWorthy(heat, 0.1).map((h) => h.name),
      ['hot', 'warm', 'main'],
    );
    // main is on every stack (100% total): an entry point of the hot path keeps its lens.
    assert.deepEqual(
      lensWorthy(heat, 0.5).map((h) => h.name),
      ['hot', 'main'],
    );
    assert.deepEqual(
      lensWorthy(heat, 0.9).map((h) => h.name),
      ['main'],
    );
    assert.deepEqual(lensWorthy(undefined, 0.01), []);
  });

  it('titles a lens with one decimal and maps shares to heat levels', () => {
    assert.equal(lensTitle({ selfShare: 0.234, totalShare: 0.41249 }), '🔥 23.4% self · 41.2% total');
    assert.deepEqual([0, 0.001, 0.0199, 0.02, 0.0999, 0.1, 1].map(heatLevel), [0, 1, 1, 2, 2, 3, 3]);
  });

  it('folds case in file keys only on case-insensitive platforms', () => {
    assert.equal(fileKey('/A/b.ts', 'linux'), '/A/b.ts');
    assert.equal(fileKey('/A/b.ts', 'darwin'), '/a/b.ts');
  });
});
