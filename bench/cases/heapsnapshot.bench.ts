/**
 * Summarising a ~200 MB V8 .heapsnapshot: PerfLens's streaming reader and dominator tree against
 * heap-snapshot-toolkit (the Chromium DevTools frontend's own snapshot loader and analysis, the
 * fastest npm reader that also computes retained sizes), each in a fresh process, side by side:
 * wall time and peak RSS. PerfLens's process runs with its V8 heap capped below the file's size,
 * so finishing at all shows the heap stays under it. The snapshot is written by a real Node
 * process (v8.writeHeapSnapshot) holding a cache of small objects, into the OS temp folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeHeapSnapshotFile } from '../../src/core/profiler/heapsnapshot/summary';
import { recordMeasure } from '../measure';

const WORK = path.join(os.tmpdir(), 'perflens-bench-heapsnapshot');
const ITEMS = 900_000;
const SNAPSHOT = path.join(WORK, `cache-${ITEMS}-items.heapsnapshot`);
const MB = 1024 * 1024;

function writeSnapshot(): void {
  if (fs.existsSync(SNAPSHOT)) return;
  fs.mkdirSync(WORK, { recursive: true });
  const script = `
    class Item { constructor(i) { this.i = i; this.key = 'item-' + i; this.tags = [i % 7, i % 11]; } }
    class Cache { constructor() { this.map = new Map(); } }
    const cache = new Cache();
    for (let i = 0; i < ${ITEMS}; i++) cache.map.set(i, new Item(i));
    globalThis.cache = cache;
    require('node:v8').writeHeapSnapshot(${JSON.stringify(SNAPSHOT + '.tmp')});`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`writing the snapshot failed: ${r.stderr}`);
  fs.renameSync(SNAPSHOT + '.tmp', SNAPSHOT);
}

interface Cost {
  rssMb: number;
  wallMs: number;
}

function ours(heapCapMb: number): Cost {
  const script = `const { summarizeHeapSnapshotFile } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/profiler/heapsnapshot/summary'))});
const t0 = performance.now();
const r = summarizeHeapSnapshotFile(${JSON.stringify(SNAPSHOT)}, { top: 20, maxBytes: 512 * 1024 * 1024 });
if (!r.ok) throw new Error(r.error.message);
const wallMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024, wallMs }));`;
  const run = spawnSync(process.execPath, [`--max-old-space-size=${heapCapMb}`, '--require', 'tsx/cjs', '-e', script], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Cost;
}

function toolkit(): Cost {
  const script = `import { createReadStream } from 'node:fs';
import { parse } from 'heap-snapshot-toolkit';
const t0 = performance.now();
const snap = await parse(createReadStream(${JSON.stringify(SNAPSHOT)}, 'utf-8'));
const aggregates = snap.aggregatesWithFilter({});
const top = Object.values(aggregates).sort((a, b) => b.maxRet - a.maxRet)[0];
const wallMs = performance.now() - t0;
if (!top) throw new Error('no aggregates');
process.stdout.write(JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024, wallMs }));`;
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Cost;
}

function setup(): void {
  writeSnapshot();
  const sizeMb = fs.statSync(SNAPSHOT).size / MB;
  const cap = Math.floor(sizeMb * 0.75);
  const a = ours(cap);
  const b = toolkit();
  console.log(
    `    ${path.basename(SNAPSHOT)}: ${sizeMb.toFixed(0)} MB; PerfLens ${a.wallMs.toFixed(0)} ms, peak RSS ${a.rssMb.toFixed(0)} MB (V8 heap capped at ${cap} MB); heap-snapshot-toolkit ${b.wallMs.toFixed(0)} ms, peak RSS ${b.rssMb.toFixed(0)} MB`,
  );
  recordMeasure({
    name: `summarize ${sizeMb.toFixed(0)} MB .heapsnapshot: wall time`,
    value: a.wallMs,
    unit: 'ms',
    anchor: { name: 'heap-snapshot-toolkit parse + aggregates', value: b.wallMs },
    target: '< heap-snapshot-toolkit',
    met: a.wallMs < b.wallMs,
  });
  recordMeasure({
    name: `summarize ${sizeMb.toFixed(0)} MB .heapsnapshot: peak RSS`,
    value: a.rssMb,
    unit: 'MB',
    anchor: { name: 'heap-snapshot-toolkit', value: b.rssMb },
    target: `V8 heap ≤ ${cap} MB (¾ of the file)`,
    met: true,
  });
}

export const cases = [
  {
    name: 'summarize ~200 MB .heapsnapshot (streaming, dominator tree)',
    setup,
    run: () => {
      const r = summarizeHeapSnapshotFile(SNAPSHOT, { top: 20, maxBytes: 512 * MB });
      if (!r.ok) throw new Error(r.error.message);
    },
    bytes: () => fs.statSync(SNAPSHOT).size,
    iterations: 3,
  },
];
