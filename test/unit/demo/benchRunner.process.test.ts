// The bench runner (bench/run.mjs) run for real on small case files in a temp folder. Only the
// shape of its output is asserted, never a timing or which case wins.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNNER = path.resolve(__dirname, '..', '..', '..', 'bench', 'run.mjs');

const LOOPS = `
function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
  return x;
}
export const cases = [
  { name: 'long loop', run: () => spin(20000) },
  { name: 'short loop', anchor: 'long loop', run: () => spin(2000), bytes: 1000 },
  { name: 'async sleepless', run: async () => spin(100) },
  { name: 'with setup', setup: () => ({ n: 500 }), run: (ctx: { n: number }) => spin(ctx.n), anchor: () => spin(5000) },
];
`;

const TARGETS = `
function spin(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003;
  return x;
}
export const cases = [
  { name: 'slow', run: () => spin(40000) },
  { name: 'fast enough', anchor: 'slow', target: { ratio: 1.2 }, run: () => spin(2000) },
  { name: 'never fast enough', anchor: 'slow', target: { ratio: 1e9 }, run: () => spin(2000) },
  { name: 'under a generous budget', target: { underMs: 60000 }, run: () => spin(100) },
];
`;

const MEASURE = path.resolve(__dirname, '..', '..', '..', 'bench', 'measure.ts');
const MEASURES = `
import { recordMeasure } from ${JSON.stringify(MEASURE)};
export const cases = [
  {
    name: 'holder',
    setup: () => {
      recordMeasure({ name: 'summarize: peak RSS', value: 180, unit: 'MB', anchor: { name: 'JSON.parse', value: 330 }, target: '≤ 250 MB', met: true });
      recordMeasure({ name: 'session: CPU above idle', value: 0.7, unit: '% of a core', target: '< 0.5 %', met: false });
    },
    run: () => 1,
  },
];
`;

const BAD_TARGET = `export const cases = [{ name: 'aimless', target: { ratio: 2 }, run: () => 1 }];\n`;

const BROKEN = `export const cases = [{ name: 'lonely', anchor: 'nobody', run: () => 1 }];\n`;
const THROWS = `export const cases = [{ name: 'ok', run: () => 1 }, { name: 'bad', run: () => { throw new Error('case exploded'); } }];\n`;

function runBench(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [RUNNER, `--dir=${dir}`, '--time=40', ...args], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..', '..', '..'),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bench runner (bench/run.mjs)', function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-bench-'));
    fs.writeFileSync(path.join(dir, 'loops.bench.ts'), LOOPS);
    fs.writeFileSync(path.join(dir, 'broken.bench.ts'), BROKEN);
    fs.writeFileSync(path.join(dir, 'throws.bench.ts'), THROWS);
    fs.writeFileSync(path.join(dir, 'targets.bench.ts'), TARGETS);
    fs.writeFileSync(path.join(dir, 'measures.bench.ts'), MEASURES);
    fs.writeFileSync(path.join(dir, 'badtarget.bench.ts'), BAD_TARGET);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('times each case and prints the ratio to its anchor, in one run of the file', () => {
    const { code, stdout, stderr } = runBench(dir, 'loops');
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout, /broken|throws/, 'the filter selects files');
    assert.match(stdout, /^ {2}long loop\s+\d+(\.\d+)? (ns|µs|ms) {2}\(median of \d+, \d+ runs\)$/m);
    assert.match(
      stdout,
      /^ {2}short loop\s+\d+(\.\d+)? (ns|µs|ms) {2}\d+(\.\d+)? MB\/s {2}\d+(\.\d+)?× (faster|slower) than long loop {2}\(median of \d+, \d+ runs\)$/m,
    );
    assert.match(stdout, /^ {2}async sleepless\s+\d/m);
    assert.match(stdout, /^ {2}with setup \(anchor\)\s+\d/m);
    assert.match(stdout, /^ {2}with setup\s+\S+ \S+ {2}\d+(\.\d+)?× (faster|slower) than its anchor/m);
  });

  it('writes JSON with the medians and the ratio anchor time / case time', () => {
    const { code, stdout } = runBench(dir, 'loops', '--json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as {
      files: {
        file: string;
        cases: { name: string; anchor?: string; medianMs: number; ratio?: number; mbPerSec?: number; runs: number }[];
      }[];
    };
    assert.equal(report.files.length, 1);
    const byName = new Map(report.files[0]!.cases.map((c) => [c.name, c]));
    const long = byName.get('long loop')!;
    const short = byName.get('short loop')!;
    assert.ok(long.medianMs > 0 && short.medianMs > 0);
    assert.ok(Math.abs(short.ratio! - long.medianMs / short.medianMs) < 1e-9);
    assert.ok(Math.abs(short.mbPerSec! - 1000 / 1e6 / (short.medianMs / 1000)) < 1e-9);
    assert.equal(byName.get('with setup')!.anchor, 'with setup (anchor)');
    const out = path.join(dir, 'out', 'results.json');
    assert.equal(runBench(dir, 'loops', `--json=${out}`).code, 0);
    assert.equal((JSON.parse(fs.readFileSync(out, 'utf8')) as { files: unknown[] }).files.length, 1);
  });

  it('fails (exit 1) on an anchor that names no case and on a case that throws, and keeps the others', () => {
    const broken = runBench(dir, 'broken');
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /FAILED: .*anchor "nobody", which is not a case in this file/);
    const throws = runBench(dir, 'throws');
    assert.equal(throws.code, 1);
    assert.match(throws.stdout, /^ {2}ok\s+\d/m);
    assert.match(throws.stdout, /^ {2}bad\s+FAILED: case exploded$/m);
  });

  it('exits 2 when a filter matches no file', () => {
    const r = runBench(dir, 'nothing-like-this');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no case file/);
  });

  /** The closing table's rows by case name: the cells between the pipes. */
  function tableRows(stdout: string): Map<string, string[]> {
    const lines = stdout.trimEnd().split('\n');
    const start = lines.lastIndexOf('Targets');
    assert.ok(start >= 0, stdout);
    assert.match(lines[start + 1]!, /^\| case\s+\|\s+PerfLens \|\s+anchor \|\s+ratio \| target\s+\| met \|$/);
    return new Map(
      lines
        .slice(start + 3, -1)
        .map((l) =>
          l
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        )
        .map((cells) => [cells[0]!, cells.slice(1)]),
    );
  }

  it('ends every run with one table of the targeted cases, met or not, and "N of M targets met"', () => {
    const { code, stdout, stderr } = runBench(dir, 'targets');
    assert.equal(code, 0, 'unmet targets leave the exit code alone without --require-targets\n' + stderr);
    const rows = tableRows(stdout);
    assert.deepEqual([...rows.keys()], ['fast enough', 'never fast enough', 'under a generous budget']);
    const fast = rows.get('fast enough')!;
    assert.match(fast[0]!, /^\d+(\.\d+)? (ns|µs|ms)$/);
    assert.match(fast[1]!, /^\d+(\.\d+)? (ns|µs|ms)$/, 'the anchor time');
    assert.match(fast[2]!, /^\d+(\.\d+)?×$/);
    assert.deepEqual(fast.slice(3), ['≥ 1.2×', '✔']);
    assert.deepEqual(rows.get('never fast enough')!.slice(3), ['≥ 1000000000×', '✘']);
    assert.deepEqual(rows.get('under a generous budget')!.slice(1), ['—', '—', '< 60000 ms', '✔']);
    assert.equal(stdout.trimEnd().split('\n').pop(), '2 of 3 targets met');
    // A run without targets still ends with the (empty) table.
    assert.equal(runBench(dir, 'loops').stdout.trimEnd().split('\n').pop(), '0 of 0 targets met');
  });

  it('collects every measurement a case file reports from its setup, and puts each in the table', () => {
    const { code, stdout, stderr } = runBench(dir, 'measures');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /summarize: peak RSS: 180\.00 MB \(anchor JSON\.parse: 330\.00 MB\), target ≤ 250 MB: met/);
    const rows = tableRows(stdout);
    assert.deepEqual(rows.get('summarize: peak RSS'), ['180 MB', '330 MB', '1.83×', '≤ 250 MB', '✔']);
    assert.deepEqual(rows.get('session: CPU above idle'), ['0.70 % of a core', '—', '—', '< 0.5 %', '✘']);
    assert.equal(stdout.trimEnd().split('\n').pop(), '1 of 2 targets met');
  });

  it('puts targets, met and measurements in the --json report, with the table on stderr', () => {
    const { code, stdout, stderr } = runBench(dir, 'targets', 'measures', '--json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as {
      files: {
        file: string;
        cases: { name: string; target?: object; met?: boolean }[];
        measures?: { name: string; value: number; unit: string; target: string; met: boolean }[];
      }[];
      targets: {
        met: number;
        total: number;
        rows: {
          file: string;
          case: string;
          value: number;
          unit: string;
          ratio?: number;
          target: string;
          met: boolean;
        }[];
      };
    };
    const [measures, targets] = report.files;
    assert.match(measures!.file, /measures\.bench\.ts$/);
    assert.deepEqual(
      measures!.measures!.map((m) => [m.name, m.value, m.met]),
      [
        ['summarize: peak RSS', 180, true],
        ['session: CPU above idle', 0.7, false],
      ],
    );
    const fast = targets!.cases.find((c) => c.name === 'fast enough')!;
    assert.deepEqual([fast.target, fast.met], [{ ratio: 1.2 }, true]);
    assert.equal(targets!.cases.find((c) => c.name === 'slow')!.target, undefined);
    assert.equal(report.targets.total, 5);
    assert.equal(report.targets.met, 3);
    assert.deepEqual(
      report.targets.rows.map((r) => [r.case, r.unit, r.target, r.met]),
      [
        ['summarize: peak RSS', 'MB', '≤ 250 MB', true],
        ['session: CPU above idle', '% of a core', '< 0.5 %', false],
        ['fast enough', 'ms', '≥ 1.2×', true],
        ['never fast enough', 'ms', '≥ 1000000000×', false],
        ['under a generous budget', 'ms', '< 60000 ms', true],
      ],
    );
    assert.ok(Math.abs(report.targets.rows[0]!.ratio! - 330 / 180) < 1e-9);
    assert.match(stderr, /^3 of 5 targets met$/m);
  });

  it('exits 3 with --require-targets when a target is missed, 0 when all are met', () => {
    const missed = runBench(dir, 'targets', '--require-targets');
    assert.equal(missed.code, 3, missed.stderr);
    assert.equal(runBench(dir, 'loops', '--require-targets').code, 0);
  });

  it('refuses a ratio target on a case without an anchor, saying what a target may be', () => {
    const r = runBench(dir, 'badtarget');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED: .*case "aimless" has a ratio target but no anchor/);
  });
});
