import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import {
  buildHotSpotIndex,
  fileKey,
  hotSpotUnit,
  lensTitle,
  lensWorthy,
} from '../../../../src/extension/codeLens/hotSpots';
import { profileViewData } from '../../../../src/extension/panels/profileData';

const MiB = 1024 * 1024;

/** A .heapprofile with two allocating functions of /srv/app.js: cacheSet (line 20) and parse (line 40). */
function heapprofile(): Buffer {
  const frame = (functionName: string, lineNumber: number) => ({
    functionName,
    scriptId: '1',
    url: '/srv/app.js',
    lineNumber,
    columnNumber: 2,
  });
  return Buffer.from(
    JSON.stringify({
      head: {
        id: 1,
        callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
        selfSize: 0,
        children: [
          { id: 2, callFrame: frame('cacheSet', 19), selfSize: 12.3 * MiB, children: [] },
          { id: 3, callFrame: frame('parse', 39), selfSize: 141.45 * MiB, children: [] },
        ],
      },
      samples: [
        { size: 12.3 * MiB, nodeId: 2, ordinal: 1 },
        { size: 141.45 * MiB, nodeId: 3, ordinal: 2 },
      ],
    }),
  );
}

describe('heap profiles at the code: CodeLens in bytes, line heat by bytes, the view in bytes', () => {
  const r = importProfile(heapprofile(), 'app.heapprofile');
  assert.ok(r.ok);
  const p = r.value.profiles[0]!;

  it('titles a heap CodeLens with the bytes allocated and the share of the sampled heap', () => {
    const heat = buildHotSpotIndex(p).get(fileKey('/srv/app.js'));
    const spots = lensWorthy(heat, 0.05);
    const cacheSet = spots.find((s) => s.name === 'cacheSet')!;
    assert.equal(hotSpotUnit(p), 'bytes');
    assert.equal(lensTitle(cacheSet, hotSpotUnit(p)), '12.3 MB allocated · 8.0% of sampled heap');
    const objects = importProfile(heapprofile(), 'app.heapprofile', { sampleType: 'inuse_objects' });
    assert.ok(objects.ok);
    const o = objects.value.profiles[0]!;
    const spot = lensWorthy(buildHotSpotIndex(o).get(fileKey('/srv/app.js')), 0.05).find((s) => s.name === 'parse')!;
    assert.equal(lensTitle(spot, hotSpotUnit(o)), '1 object allocated · 50.0% of sampled heap');
  });

  it("heats each function's line by its share of the sampled bytes", () => {
    const lines = buildHotSpotIndex(p).get(fileKey('/srv/app.js'))!.lines;
    assert.equal(lines.get(20)!.toFixed(3), (12.3 / 153.75).toFixed(3));
    assert.equal(lines.get(40)!.toFixed(3), (141.45 / 153.75).toFixed(3));
  });

  it('gives the profile view byte units, the sample type and the types it may switch to', () => {
    const d = profileViewData(p, { title: 'app.heapprofile', sampleTypes: ['inuse_space', 'inuse_objects'] });
    assert.equal(d.unit, 'bytes');
    assert.equal(d.sampleType, 'inuse_space');
    assert.deepEqual(d.sampleTypes, ['inuse_space', 'inuse_objects']);
    assert.equal(d.rows[0]!.name, 'parse');
    assert.equal(d.rows[0]!.self, 141.45 * MiB);
  });

  it('keeps CPU CodeLens titles as they were', () => {
    const cpu = importProfile(
      fs.readFileSync(path.join(__dirname, '../../../fixtures/profiles/cpuprofile/chrome65-simple.cpuprofile')),
      'simple.cpuprofile',
    );
    assert.ok(cpu.ok);
    assert.equal(hotSpotUnit(cpu.value.profiles[0]!), 'cpu');
    assert.equal(lensTitle({ selfShare: 0.234, totalShare: 0.412 }), '🔥 23.4% self · 41.2% total');
  });
});
