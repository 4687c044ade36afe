/**
 * Profile import and summary throughput:
 *  - a generated ~100 MB .cpuprofile with 1,000,000 samples, read from disk and summarised; in setup,
 *    the same in fresh processes against fresh processes doing only JSON.parse of the file (wall
 *    time and peak RSS, reported with recordMeasure);
 *  - folded stacks throughput in MB/s;
 *  - ours against speedscope's own importer on the same files, in this one process.
 * Generated files live in the OS temp folder and are never committed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { importProfile } from '../../src/core/profiler/formats/index';
import { loadProfileFile } from '../../src/core/profiler/load';
import { summarizeProfile } from '../../src/core/profiler/summary';
import { recordMeasure } from '../measure';
// Deterministic pseudo-random numbers, so every run measures the same file.
import { prng } from '../../examples/demo-service/src/random';

const WORK = path.join(os.tmpdir(), 'perflens-bench-profile');
// Names carry the generator's parameters, so a changed generator never reuses an old file.
const BIG = path.join(WORK, 'big-340k-nodes-1m-samples.cpuprofile');
const MEDIUM = path.join(WORK, 'medium-15k-nodes-50k-samples.cpuprofile');
const FOLDED = path.join(WORK, 'stacks-50mb-sorted.folded');

/**
 * Writes a V8-shaped CPU profile: a call tree of `nodeCount` nodes over a few thousand functions in
 * a few hundred scripts (depth up to ~40, like a real service), positionTicks on sampled nodes,
 * and `samples` samples with ~1 ms deltas, skewed so a few stacks are hot.
 */
export function writeCpuProfile(file: string, nodeCount: number, samples: number): void {
  const rand = prng(42);
  const fd = fs.openSync(file, 'w');
  const parent = new Int32Array(nodeCount);
  const depth = new Int32Array(nodeCount);
  const children: number[][] = Array.from({ length: nodeCount }, () => []);
  for (let i = 1; i < nodeCount; i++) {
    let p = Math.floor(Math.pow(rand(), 0.6) * i);
    while (depth[p]! >= 40) p = parent[p]!;
    parent[i] = p;
    depth[i] = depth[p]! + 1;
    children[p]!.push(i + 1);
  }
  let buf = '{"nodes":[';
  const flush = () => {
    fs.writeSync(fd, buf);
    buf = '';
  };
  for (let i = 0; i < nodeCount; i++) {
    const fnIndex = i === 0 ? 0 : Math.floor(rand() * 4000);
    const script = fnIndex % 300;
    const name =
      i === 0 ? '(root)' : `handle${fnIndex}_${['parse', 'render', 'query', 'serialize', 'validate'][fnIndex % 5]}`;
    const url =
      i === 0
        ? ''
        : `file:///srv/app/node_modules/package-${script}/lib/module-${script}/implementation-file-${script}.js`;
    const ticks =
      i > 0 && children[i]!.length === 0
        ? `,"positionTicks":[{"line":${(fnIndex % 700) + 3},"ticks":${1 + (i % 7)}},{"line":${(fnIndex % 700) + 5},"ticks":${1 + (i % 3)}}]`
        : '';
    buf += `${i ? ',' : ''}{"id":${i + 1},"callFrame":{"functionName":"${name}","scriptId":"${script + 10}","url":"${url}","lineNumber":${fnIndex % 700},"columnNumber":${(fnIndex * 7) % 80}},"hitCount":${i % 5},"children":[${children[i]!.join(',')}]${ticks}}`;
    if (buf.length > 1 << 20) flush();
  }
  buf += `],"startTime":1000000,"endTime":${1000000 + samples * 1000},"samples":[`;
  for (let s = 0; s < samples; s++) {
    buf += `${s ? ',' : ''}${1 + Math.floor(Math.pow(rand(), 3) * nodeCount)}`;
    if (buf.length > 1 << 20) flush();
  }
  buf += '],"timeDeltas":[';
  for (let s = 0; s < samples; s++) {
    buf += `${s ? ',' : ''}${800 + Math.floor(rand() * 400)}`;
    if (buf.length > 1 << 20) flush();
  }
  buf += ']}';
  flush();
  fs.closeSync(fd);
}

/**
 * Writes folded stacks shaped like `perf script | stackcollapse-perf.pl` output for a busy service:
 * stacks are random walks down a fixed call graph (3,000 functions, a handful of callees each,
 * depth 8–40), aggregated into unique stacks with counts and sorted, as stackcollapse prints them.
 */
export function writeFolded(file: string, targetBytes: number): void {
  const rand = prng(7);
  const names = Array.from(
    { length: 3000 },
    (_, i) => `com/example/service/module${i % 40}/Component${i}.method${i % 17}`,
  );
  const callees = names.map(() =>
    Array.from({ length: 2 + Math.floor(rand() * 5) }, () => Math.floor(rand() * names.length)),
  );
  const stacks = new Map<string, number>();
  let bytes = 0;
  while (bytes < targetBytes) {
    const depth = 8 + Math.floor(rand() * 33);
    let f = Math.floor(rand() * 8);
    const frames: string[] = [];
    for (let k = 0; k < depth; k++) {
      frames.push(names[f]!);
      const next = callees[f]!;
      f = next[Math.floor(Math.pow(rand(), 2) * next.length)]!;
    }
    const key = frames.join(';');
    const n = stacks.get(key);
    if (n === undefined) bytes += key.length + 4;
    stacks.set(key, (n ?? 0) + 1 + Math.floor(rand() * 20));
  }
  const lines = [...stacks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}\n`);
  fs.writeFileSync(file, lines.join(''));
}

/** Generates a file once per machine; later runs reuse it. */
function ensure(file: string, make: (target: string) => void): void {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(WORK, { recursive: true });
  // Through a temp name, so an interrupted run never leaves a truncated file behind.
  const tmp = `${file}.${process.pid}.tmp`;
  make(tmp);
  fs.renameSync(tmp, file);
}

let sink = 0;

interface SpeedscopeImporter {
  importProfileGroupFromText(fileName: string, contents: string): Promise<{ profiles: unknown[] } | null>;
}

/**
 * speedscope's npm package (1.23.1) ships only its browser app: one IIFE bundle with no exports.
 * Its importer module is reachable inside it as a lazily initialised promise (`var X =
 * Promise.resolve().then(() => (init(), module))`); we run the bundle in a node:vm context with an
 * inert DOM stand-in and expose that promise, then call speedscope's own
 * importProfileGroupFromText. The rendering at the end of the bundle has no real DOM and is ignored.
 */
async function loadSpeedscopeImporter(): Promise<SpeedscopeImporter> {
  const dir = path.join(path.dirname(require.resolve('speedscope/package.json')), 'dist', 'release');
  const file = fs.readdirSync(dir).find((f) => /^speedscope-[A-Z0-9]+\.js$/.test(f));
  if (!file) throw new Error(`no speedscope bundle in ${dir}`);
  let src = fs.readFileSync(path.join(dir, file), 'utf8');
  const lazy = /var (\w+)=Promise\.resolve\(\)\.then\(\(\)=>\(\w+\(\),\w+\)\);\1\.then/.exec(src);
  if (!lazy) throw new Error('speedscope bundle layout changed: importer module not found');
  src = src.replace(lazy[0], lazy[0].replace(/;(\w+)\.then$/, ';globalThis.__speedscopeImport=$1;$1.then'));
  const inert: unknown = new Proxy(function () {}, {
    get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : k === 'then' ? undefined : inert),
    apply: () => inert,
    construct: () => inert as object,
  });
  const quiet = { ...console, log: () => undefined, info: () => undefined, warn: () => undefined };
  const ctx: Record<string | symbol, unknown> = {
    console: quiet,
    setTimeout,
    clearTimeout,
    Promise,
    TextDecoder,
    TextEncoder,
    URL,
    URLSearchParams,
    atob,
    btoa,
    performance,
  };
  ctx.window = new Proxy(ctx, { get: (t, k) => (k in t ? t[k] : inert) });
  Object.assign(ctx, {
    document: inert,
    navigator: inert,
    localStorage: inert,
    location: { hash: '', search: '', href: 'http://localhost/' },
  });
  ctx.self = ctx.window;
  vm.createContext(ctx);
  try {
    vm.runInContext(src, ctx);
  } catch {
    // The app's first render fails without a DOM; the importer module was already created.
  }
  const mod = (await ctx.__speedscopeImport) as SpeedscopeImporter | undefined;
  if (typeof mod?.importProfileGroupFromText !== 'function') throw new Error('speedscope importer not reachable');
  return mod;
}

async function speedscopeImport(importer: SpeedscopeImporter, name: string, text: string): Promise<void> {
  const g = await importer.importProfileGroupFromText(name, text);
  if (!g) throw new Error(`speedscope did not import ${name}`);
  sink += g.profiles.length;
}

function importBytes(bytes: Buffer, name: string): void {
  const r = importProfile(bytes, name);
  if (!r.ok) throw new Error(r.error.message);
  sink += r.value.profiles[0]!.frames.length;
}

/** The file read by path, as the CLI and the profile worker read it (source maps aside: the generated URLs name no files). */
async function summarizeFile(file: string): Promise<void> {
  const r = await loadProfileFile(file, { sourceMaps: false });
  if (!r.ok) throw new Error(r.error.message);
  sink += summarizeProfile(r.value, { top: 20 }).functions.length;
}

/**
 * Peak RSS, wall time and CPU time of a fresh process that reads and summarises the file by its
 * path (what `perflens profile summarize` and the profile worker do: loadProfileFile, which never
 * holds a .cpuprofile's bytes whole). CPU time is printed too because on a shared machine the wall
 * time also counts the time other processes held the cores.
 */
function freshProcessCost(file: string, runs = 1): { rssMb: number; wallMs: number; cpuMs: number } {
  const script = `const { loadProfileFile } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/profiler/load'))});
const { summarizeProfile } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/profiler/summary'))});
(async () => {
  let wallMs = Infinity, cpuMs = Infinity;
  for (let i = 0; i < ${runs}; i++) {
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await loadProfileFile(${JSON.stringify(file)}, { sourceMaps: false });
    if (!r.ok) throw new Error(r.error.message);
    summarizeProfile(r.value, { top: 20 });
    const cpu = process.cpuUsage(u0);
    wallMs = Math.min(wallMs, performance.now() - t0);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000);
  }
  process.stdout.write(JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024, wallMs, cpuMs }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});`;
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { rssMb: number; wallMs: number; cpuMs: number };
}

/**
 * Wall time and peak RSS of a fresh Node process doing only `JSON.parse(fs.readFileSync(file,
 * 'utf8'))`: the first step of every viewer that starts from the parsed object, and the floor
 * PerfLens's whole summary is measured against.
 */
function freshJsonParseCost(file: string): { rssMb: number; wallMs: number; cpuMs: number } {
  const script = `const u0 = process.cpuUsage();
const t0 = performance.now();
JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(u0);
process.stdout.write(JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { rssMb: number; wallMs: number; cpuMs: number };
}

/**
 * Summarise against JSON.parse, each in three fresh processes, alternating so load on a shared
 * machine hits both alike: best wall time of each, and the highest peak RSS of ours (the
 * conservative figure) against the anchor's lowest.
 */
function recordSummaryAgainstJsonParse(file: string): void {
  const ours: ReturnType<typeof freshProcessCost>[] = [];
  const anchor: ReturnType<typeof freshJsonParseCost>[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(freshProcessCost(file));
    anchor.push(freshJsonParseCost(file));
  }
  const wall = Math.min(...ours.map((c) => c.wallMs));
  const anchorWall = Math.min(...anchor.map((c) => c.wallMs));
  const rss = Math.max(...ours.map((c) => c.rssMb));
  console.log(
    `    fresh process, best of 3: summarize ${wall.toFixed(0)} ms wall, ${Math.min(...ours.map((c) => c.cpuMs)).toFixed(0)} ms CPU; JSON.parse ${anchorWall.toFixed(0)} ms wall, ${Math.min(...anchor.map((c) => c.cpuMs)).toFixed(0)} ms CPU`,
  );
  recordMeasure({
    name: 'summarize ~100 MB .cpuprofile in a fresh process: wall time',
    value: wall,
    unit: 'ms',
    anchor: { name: 'JSON.parse of the same file, fresh process', value: anchorWall },
    target: '< JSON.parse',
    met: wall < anchorWall,
  });
  recordMeasure({
    name: 'summarize ~100 MB .cpuprofile in a fresh process: peak RSS',
    value: rss,
    unit: 'MB',
    anchor: {
      name: 'JSON.parse of the same file, fresh process',
      value: Math.min(...anchor.map((c) => c.rssMb)),
    },
    target: '< 250 MB',
    met: rss < 250,
  });
}

export const cases = [
  {
    name: 'summarize ~100 MB .cpuprofile, 1M samples (read + import + top 20)',
    iterations: 4,
    setup: () => {
      ensure(BIG, (f) => writeCpuProfile(f, 340_000, 1_000_000));
      console.log(`    big.cpuprofile ${(fs.statSync(BIG).size / 1e6).toFixed(1)} MB`);
      recordSummaryAgainstJsonParse(BIG);
    },
    bytes: () => fs.statSync(BIG).size,
    run: () => summarizeFile(BIG),
  },
  {
    name: 'import folded stacks (perf/stackcollapse-like)',
    setup: () => {
      ensure(FOLDED, (f) => writeFolded(f, 50_000_000));
      const mb = fs.statSync(FOLDED).size / 1e6;
      const cost = freshProcessCost(FOLDED, 3);
      console.log(
        `    stacks.folded ${mb.toFixed(1)} MB, fresh process, best of 3: ${cost.wallMs.toFixed(0)} ms wall (${(mb / (cost.wallMs / 1000)).toFixed(0)} MB/s), ${cost.cpuMs.toFixed(0)} ms CPU (${(mb / (cost.cpuMs / 1000)).toFixed(0)} MB/s)`,
      );
      return fs.readFileSync(FOLDED);
    },
    bytes: (b: Buffer) => b.length,
    run: (b: Buffer) => importBytes(b, 'stacks.folded'),
  },
  {
    name: 'same folded file: PerfLens importProfile vs speedscope importProfileGroupFromText',
    iterations: 12,
    setup: async () => {
      ensure(FOLDED, (f) => writeFolded(f, 50_000_000));
      const bytes = fs.readFileSync(FOLDED);
      return { bytes, text: bytes.toString('utf8'), speedscope: await loadSpeedscopeImporter() };
    },
    bytes: (c: { bytes: Buffer }) => c.bytes.length,
    // Ours starts from bytes (decoding included); speedscope gets the already decoded text.
    run: (c: { bytes: Buffer }) => importBytes(c.bytes, 'stacks.folded'),
    anchor: (c: { text: string; speedscope: SpeedscopeImporter }) =>
      speedscopeImport(c.speedscope, 'stacks.folded', c.text),
  },
  {
    name: 'same ~5 MB .cpuprofile (50k samples): PerfLens importProfile vs speedscope importProfileGroupFromText',
    iterations: 12,
    setup: async () => {
      ensure(MEDIUM, (f) => writeCpuProfile(f, 15_000, 50_000));
      const bytes = fs.readFileSync(MEDIUM);
      return { bytes, text: bytes.toString('utf8'), speedscope: await loadSpeedscopeImporter() };
    },
    bytes: (c: { bytes: Buffer }) => c.bytes.length,
    run: (c: { bytes: Buffer }) => importBytes(c.bytes, 'medium.cpuprofile'),
    anchor: (c: { text: string; speedscope: SpeedscopeImporter }) =>
      speedscopeImport(c.speedscope, 'medium.cpuprofile', c.text),
  },
];

/** Results feed this, so no importer call can be optimised away. */
export function benchSink(): number {
  return sink;
}
