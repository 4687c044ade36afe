/**
 * What the editor pays once per loaded profile, against the summary the CLI prints for the same
 * profile (the anchor): the per-file hot-spot index behind CodeLens and line heat, the profile
 * view's data, and one document's lenses once the index exists (paid per document version).
 * The profile is profile.bench.ts's generated medium one (15k nodes, 50k samples, positionTicks),
 * with file:// frames resolved to paths as the extension's loader does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProfile } from '../../src/core/profiler/formats/index';
import type { Profile } from '../../src/core/profiler/model';
import { topFunctions } from '../../src/core/profiler/model';
import { SourceMapResolver } from '../../src/core/profiler/sourcemaps';
import { buildHotSpotIndex, lensWorthy } from '../../src/extension/codeLens/hotSpots';
import { profileViewData } from '../../src/extension/panels/profileData';
import { writeCpuProfile } from './profile.bench';

const FILE = path.join(os.tmpdir(), 'perflens-bench-profile', 'codelens-15k-nodes-50k-samples.cpuprofile');
let sink = 0;

async function loadProfile(): Promise<Profile> {
  if (!fs.existsSync(FILE)) {
    fs.mkdirSync(path.dirname(FILE), { recursive: true });
    const tmp = `${FILE}.${process.pid}.tmp`;
    writeCpuProfile(tmp, 15_000, 50_000);
    fs.renameSync(tmp, FILE);
  }
  const r = importProfile(fs.readFileSync(FILE), path.basename(FILE));
  if (!r.ok) throw new Error(r.error.message);
  const resolver = new SourceMapResolver();
  try {
    return await resolver.mapProfile(r.value.profiles[0]!);
  } finally {
    resolver.dispose();
  }
}

const summary = (p: Profile) => {
  sink += topFunctions(p, 20, 'self').length;
};

export const cases = [
  {
    name: 'hot-spot index for CodeLens and line heat (15k nodes, every file)',
    setup: loadProfile,
    run: (p: Profile) => {
      sink += buildHotSpotIndex(p).size;
    },
    anchor: summary,
  },
  {
    name: 'profile view data: every function and the flame tree (15k nodes)',
    setup: loadProfile,
    run: (p: Profile) => {
      sink += profileViewData(p, { title: 'bench' }).rows.length;
    },
    anchor: summary,
  },
  {
    name: "one document's lenses from the index (per document version)",
    setup: async () => {
      const index = buildHotSpotIndex(await loadProfile());
      const key = [...index.entries()].sort((a, b) => b[1].functions.length - a[1].functions.length)[0]![0];
      return { index, key };
    },
    run: ({ index, key }: { index: ReturnType<typeof buildHotSpotIndex>; key: string }) => {
      sink += lensWorthy(index.get(key), 0.01).length;
    },
  },
];

process.on('exit', () => {
  if (sink < 0) console.log(sink);
});
