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
});
