// `npm run bench [-- <filter>…] [--json[=FILE]] [--time=MS] [--dir=DIR] [--require-targets]`
// Runs every bench/cases/*.bench.ts (names containing a filter, when given). Each file runs in its
// own child process (TypeScript through tsx), so a case and its anchor are timed in the same process
// while files cannot disturb each other's JIT and heap. Ends with one table of every target (timed
// cases' `target`, and measurements sent with recordMeasure). See bench/README.md.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatMs, measureProblem, summaryRows, summaryTable, targetMet, targetProblem } from './summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_TIME_MS = 1500;
/** One timed sample should be long enough for the timer's resolution not to matter. */
const MIN_SAMPLE_MS = 5;
const MIN_SAMPLES = 5;

function parseCli(argv) {
  const o = {
    filters: [],
    json: undefined,
    timeMs: DEFAULT_TIME_MS,
    dir: join(here, 'cases'),
    child: undefined,
    requireTargets: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      o.filters.push(a);
      continue;
    }
    const value = () => m[2] ?? argv[++i];
    switch (m[1]) {
      case 'json':
        o.json = m[2] ?? '-';
        break;
      case 'time':
        o.timeMs = Number(value());
        if (!(o.timeMs > 0)) usage(`--time needs a positive number of milliseconds`);
        break;
      case 'dir':
        o.dir = resolve(value());
        break;
      case 'child':
        o.child = value();
        break;
      case 'require-targets':
        o.requireTargets = true;
        break;
      case 'help':
        usage();
        break;
      default:
        usage(`unknown option ${a}`);
    }
  }
  return o;
}

function usage(problem) {
  const text =
    'Usage: npm run bench -- [filter…] [--json | --json=FILE] [--time=MS] [--dir=DIR] [--require-targets]\n' +
    '  --require-targets  exit 3 when a case or measurement misses its target';
  if (problem) {
    console.error(`bench: ${problem}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

// ---------------------------------------------------------------- child: time one file's cases

let sink; // results land here so the engine cannot drop the work as dead code

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs the case `count` times; returns elapsed ms. Async cases are awaited one by one. */
async function timeBatch(c, count) {
  const start = performance.now();
  if (c.isAsync) for (let i = 0; i < count; i++) sink = await c.run(c.ctx);
  else for (let i = 0; i < count; i++) sink = c.run(c.ctx);
  return performance.now() - start;
}

function validate(cases, file) {
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`${file} must export a non-empty \`cases\` array.`);
  const names = new Set();
  for (const c of cases) {
    if (!c || typeof c.name !== 'string' || typeof c.run !== 'function')
      throw new Error(`${file}: every case needs a string name and a run function.`);
    if (names.has(c.name)) throw new Error(`${file}: two cases are named "${c.name}".`);
    names.add(c.name);
  }
  for (const c of cases) {
    if (c.anchor !== undefined && typeof c.anchor !== 'string' && typeof c.anchor !== 'function')
      throw new Error(`${file}: case "${c.name}" has an anchor that is neither a case name nor a function.`);
    if (typeof c.anchor === 'string' && !names.has(c.anchor))
      throw new Error(`${file}: case "${c.name}" names anchor "${c.anchor}", which is not a case in this file.`);
    if (c.anchor === c.name) throw new Error(`${file}: case "${c.name}" cannot be its own anchor.`);
    const problem = targetProblem(c);
    if (problem) throw new Error(`${file}: ${problem}`);
  }
}

async function runChild(file, timeMs) {
  const mod = await import(pathToFileURL(file).href);
  const defs = mod.cases ?? mod.default?.cases;
  validate(defs, file);
  // An anchor given as a function becomes its own case, "<name> (anchor)", sharing the case's setup.
  const expanded = [];
  for (const def of defs) {
    if (typeof def.anchor === 'function') {
      const anchorName = `${def.name} (anchor)`;
      expanded.push({
        name: anchorName,
        run: def.anchor,
        iterations: def.iterations,
        bytes: def.bytes,
        sharesSetupWith: def.name,
      });
      expanded.push({ ...def, anchor: anchorName });
    } else expanded.push(def);
  }
  const states = [];
  const contexts = new Map();
  for (const def of expanded) {
    const s = {
      def,
      name: def.name,
      run: def.run,
      ctx: undefined,
      isAsync: false,
      samples: [],
      runs: 0,
      spentMs: 0,
      batch: 1,
      bytes: undefined,
      error: undefined,
      done: false,
    };
    try {
      const setupOwner = def.sharesSetupWith ?? def.name;
      if (!contexts.has(setupOwner)) {
        const owner = defs.find((d) => d.name === setupOwner);
        contexts.set(setupOwner, owner.setup ? await owner.setup() : undefined);
      }
      s.ctx = contexts.get(setupOwner);
      s.bytes = typeof def.bytes === 'function' ? def.bytes(s.ctx) : def.bytes;
      // First call tells sync from async and gives a first estimate for the batch size.
      const t0 = performance.now();
      const first = def.run(s.ctx);
      s.isAsync = Boolean(first && typeof first.then === 'function');
      sink = s.isAsync ? await first : first;
      let perRun = performance.now() - t0;
      // Warm-up: let the JIT settle before anything counts.
      const warmUntil = performance.now() + Math.min(250, timeMs / 4);
      let warmRuns = 0;
      while (performance.now() < warmUntil || warmRuns < 3) {
        const n = Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(perRun, 1e-6)));
        perRun = (await timeBatch(s, n)) / n;
        warmRuns += n;
      }
      s.batch = Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(perRun, 1e-6)));
      if (def.iterations) s.batch = Math.max(1, Math.min(s.batch, Math.floor(def.iterations / MIN_SAMPLES)));
    } catch (e) {
      s.error = e instanceof Error ? e.message : String(e);
      s.done = true;
    }
    states.push(s);
  }
  // Round-robin, one sample of each live case per round, so slow drift (thermal, other load)
  // affects a case and its anchor alike.
  for (;;) {
    const live = states.filter((s) => !s.done);
    if (live.length === 0) break;
    for (const s of live) {
      try {
        const ms = await timeBatch(s, s.batch);
        s.samples.push(ms / s.batch);
        s.runs += s.batch;
        s.spentMs += ms;
      } catch (e) {
        s.error = e instanceof Error ? e.message : String(e);
        s.done = true;
        continue;
      }
      const enough = s.samples.length >= MIN_SAMPLES || (s.def.iterations && s.runs >= s.def.iterations);
      s.done = enough && (s.spentMs >= timeMs || (s.def.iterations !== undefined && s.runs >= s.def.iterations));
    }
  }
  const byName = new Map(states.map((s) => [s.name, s]));
  return states
    .map((s) => {
      const r = { name: s.name };
      if (s.def.anchor !== undefined) r.anchor = s.def.anchor;
      if (s.error !== undefined) return { ...r, error: s.error };
      r.medianMs = median(s.samples);
      r.runs = s.runs;
      r.samples = s.samples.length;
      if (s.bytes) r.mbPerSec = s.bytes / 1e6 / (r.medianMs / 1000);
      const anchor = s.def.anchor !== undefined ? byName.get(s.def.anchor) : undefined;
      if (anchor && anchor.error === undefined && anchor.samples.length) r.ratio = median(anchor.samples) / r.medianMs;
      return r;
    })
    .map((r, k) => {
      const target = states[k].def.target;
      return target === undefined ? r : { ...r, target, met: targetMet(target, r) };
    });
}

// ---------------------------------------------------------------- parent: find files, print

function formatRatio(r) {
  const x = r.ratio >= 1 ? r.ratio : 1 / r.ratio;
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  const than = r.anchor === `${r.name} (anchor)` ? 'its anchor' : r.anchor;
  return `${x.toFixed(digits)}× ${r.ratio >= 1 ? 'faster' : 'slower'} than ${than}`;
}

export function formatCase(r, width) {
  const name = `  ${r.name.padEnd(width)}`;
  if (r.error !== undefined) return `${name}  FAILED: ${r.error}`;
  const parts = [formatMs(r.medianMs).padStart(10)];
  if (r.mbPerSec !== undefined) parts.push(`${r.mbPerSec.toFixed(1)} MB/s`);
  if (r.ratio !== undefined) parts.push(formatRatio(r));
  parts.push(`(median of ${r.samples}, ${r.runs} runs)`);
  return `${name}  ${parts.join('  ')}`;
}

function runFileInChild(file, opts, quietStdout) {
  return new Promise((resolvePromise) => {
    const tsx = import.meta.resolve('tsx');
    const child = spawn(
      process.execPath,
      ['--import', tsx, fileURLToPath(import.meta.url), '--child', file, `--time=${opts.timeMs}`],
      {
        // With JSON on stdout, whatever a case prints goes to stderr instead.
        stdio: ['ignore', quietStdout ? 2 : 'inherit', 'inherit', 'ipc'],
      },
    );
    // Measurements arrive while the cases set up; the results (or the file's error) come last.
    let message;
    const measures = [];
    const problems = [];
    const seen = new Set();
    child.on('message', (m) => {
      if (m && typeof m === 'object' && 'measure' in m) {
        const problem = measureProblem(m.measure, seen);
        if (problem) problems.push(problem);
        else {
          seen.add(m.measure.name);
          measures.push(m.measure);
        }
      } else message = m;
    });
    child.on('exit', (code, signal) => {
      const base = measures.length ? { measures } : {};
      if (problems.length) resolvePromise({ ...base, error: problems.join(' ') });
      else if (message?.error) resolvePromise({ ...base, error: message.error });
      else if (message?.cases) resolvePromise({ ...base, cases: message.cases });
      else resolvePromise({ ...base, error: `the benchmark process ended without results (exit ${code ?? signal})` });
    });
  });
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  if (opts.child) {
    try {
      process.send({ cases: await runChild(opts.child, opts.timeMs) });
    } catch (e) {
      process.send({ error: e instanceof Error ? e.message : String(e) });
    }
    process.disconnect();
    return;
  }
  let files;
  try {
    files = readdirSync(opts.dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .sort();
  } catch {
    usage(`no benchmark folder at ${opts.dir}`);
  }
  if (opts.filters.length) files = files.filter((f) => opts.filters.some((p) => f.includes(p)));
  if (files.length === 0) {
    console.error(
      opts.filters.length
        ? `bench: no case file in ${opts.dir} matches ${opts.filters.join(', ')}`
        : `bench: no *.bench.ts files in ${opts.dir}`,
    );
    process.exit(opts.filters.length ? 2 : 0);
  }
  const jsonToStdout = opts.json === '-';
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    timeMs: opts.timeMs,
    files: [],
  };
  let failed = false;
  for (const f of files) {
    const full = join(opts.dir, f);
    const shown = relative(process.cwd(), full) || basename(full);
    if (!jsonToStdout) console.log(shown);
    const r = await runFileInChild(full, opts, jsonToStdout);
    report.files.push({ file: shown, ...r });
    if (r.error) {
      failed = true;
      if (!jsonToStdout) console.log(`  FAILED: ${r.error}`);
      continue;
    }
    if (r.cases.some((c) => c.error !== undefined)) failed = true;
    if (!jsonToStdout) {
      const width = Math.max(...r.cases.map((c) => c.name.length));
      for (const c of r.cases) console.log(formatCase(c, width));
    }
  }
  const rows = summaryRows(report.files);
  const met = rows.filter((r) => r.met).length;
  report.targets = { met, total: rows.length, rows };
  // With JSON on stdout the table goes to stderr, so stdout stays one JSON document.
  const print = jsonToStdout ? (line) => console.error(line) : (line) => console.log(line);
  if (jsonToStdout) console.log(JSON.stringify(report, null, 2));
  else if (opts.json) {
    mkdirSync(dirname(resolve(opts.json)), { recursive: true });
    writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    console.log(`results written to ${opts.json}`);
  }
  print('');
  print('Targets');
  for (const line of summaryTable(rows)) print(line);
  process.exitCode = failed ? 1 : opts.requireTargets && met < rows.length ? 3 : 0;
}

await main();
