import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { makeGoCpuPprof } from '../core/profiler/pprofFixture';
import type { NodeTarget } from '../core/profiler/capture/nodeTarget';
import { startNodeTarget } from '../core/profiler/capture/nodeTarget';

const FIX = path.resolve(__dirname, '..', '..', 'fixtures', 'profiles');

function io(cwd = process.cwd()): CliIO & { stdout: string; stderr: string } {
  const c = { stdout: '', stderr: '', isTTY: false, env: {}, cwd } as CliIO & { stdout: string; stderr: string };
  c.out = (t) => void (c.stdout += t.endsWith('\n') ? t : t + '\n');
  c.err = (t) => void (c.stderr += t.endsWith('\n') ? t : t + '\n');
  return c;
}

interface SummaryJson {
  format: string;
  profiles: number;
  samples: number | null;
  durationMs: number | null;
  heap: unknown;
  functions: {
    name: string;
    file: string;
    line: number;
    selfMs: number | null;
    totalMs: number | null;
    selfSamples: number | null;
    totalSamples: number | null;
    calls?: number;
  }[];
  warnings: string[];
}

async function summarize(args: string[]): Promise<SummaryJson> {
  const c = io();
  const code = await runCli(['profile', 'summarize', ...args, '--json'], c);
  assert.equal(code, 0, c.stderr);
  return JSON.parse(c.stdout) as SummaryJson;
}

describe('cli: perflens profile summarize', () => {
  it('prints the documented JSON for a pprof file, with times and samples', async () => {
    const s = await summarize([path.join(FIX, 'pprof', 'simple.prof'), '--top', '3']);
    assert.deepEqual(Object.keys(s), ['format', 'profiles', 'samples', 'durationMs', 'heap', 'functions', 'warnings']);
    assert.equal(s.heap, null, 'a CPU profile has no heap figures');
    assert.equal(s.format, 'pprof');
    assert.equal(s.profiles, 1);
    assert.equal(s.samples, 150);
    assert.deepEqual(
      s.functions.map((f) => [f.name, f.selfMs, f.selfSamples]),
      [
        ['main.alpha', 480, 48],
        ['main.beta', 390, 39],
        ['main.gamma', 270, 27],
      ],
    );
    assert.deepEqual(Object.keys(s.functions[0]!), [
      'name',
      'file',
      'line',
      'selfMs',
      'totalMs',
      'selfSamples',
      'totalSamples',
    ]);
  });

  it('sorts by total, and gives null times for folded stacks', async () => {
    const s = await summarize([path.join(FIX, 'folded', 'simple-utf16-le.txt'), '--sort', 'total']);
    assert.equal(s.format, 'folded');
    assert.equal(s.durationMs, null);
    assert.deepEqual(
      s.functions.map((f) => [f.name, f.totalSamples, f.selfMs, f.totalMs]),
      [
        ['b', 14, null, null],
        ['a', 14, null, null],
        ['c', 5, null, null],
        ['d', 4, null, null],
      ],
    );
  });

  it('sums the profiles of a multi-profile file unless --profile picks one', async () => {
    const file = path.join(FIX, 'speedscope', 'v0.6.0-two-sampled.speedscope.json');
    const all = await summarize([file]);
    assert.equal(all.profiles, 2);
    assert.equal(all.functions.find((f) => f.name === 'a')!.totalMs, 28_000);
    const one = await summarize([file, '--profile', '1']);
    assert.equal(one.functions.find((f) => f.name === 'a')!.totalMs, 14_000);
    // The human heading says which numbers follow: the sum, or the one profile picked.
    const sum = io();
    assert.equal(await runCli(['profile', 'summarize', file], sum), 0);
    assert.match(sum.stdout, /^speedscope JSON · 2 profiles summed · /);
    const picked = io();
    assert.equal(await runCli(['profile', 'summarize', file, '--profile', '1'], picked), 0);
    assert.match(picked.stdout, /^speedscope JSON · profile 1 of 2 · /);
    const none = io();
    assert.equal(await runCli(['profile', 'summarize', file, '--profile', '5'], none), 2);
    assert.match(none.stderr, /The file has 2 profiles \(0 to 1\); there is no profile 5\./);
  });

  it('prints a readable table and the skipped-line note', async () => {
    const c = io();
    assert.equal(await runCli(['profile', 'summarize', path.join(FIX, 'folded', 'simple-with-invalids.txt')], c), 0);
    assert.match(c.stdout, /^folded stacks · 1 profile · 14 samples\n/);
    assert.match(c.stdout, /note: Skipped 1 line/);
    assert.match(c.stdout, /self samples\s+total samples\s+function/);
    // One stack, one sample: counted in the singular.
    const one = io();
    assert.equal(await runCli(['profile', 'summarize', path.join(FIX, 'folded', 'tall.txt')], one), 0);
    assert.match(one.stdout, /^folded stacks · 1 profile · 1 sample\n/);
  });

  it('exits 2 with a clear message for usage errors and bad files', async () => {
    const cases: [string[], RegExp][] = [
      [[], /needs a FILE/],
      [[path.join(FIX, 'pprof', 'simple.prof'), '--sort', 'cpu'], /--sort is self or total/],
      [[path.join(FIX, 'pprof', 'simple.prof'), '--top', '0'], /--top must be a whole number/],
      [[path.join(FIX, 'nope.cpuprofile')], /Cannot read .*nope\.cpuprofile: there is no such file\.$/m],
      [
        [path.join(FIX, 'speedscope', 'invalid-incomplete-trace.json')],
        /Not a valid speedscope JSON file: .*incomplete trace/,
      ],
      [[path.join(FIX, 'speedscope', 'v0.1.2-simple-sampled.speedscope.json'), '--profile', '3'], /no profile 3/],
    ];
    for (const [args, message] of cases) {
      const c = io();
      assert.equal(await runCli(['profile', 'summarize', ...args], c), 2, args.join(' '));
      assert.match(c.stderr, message);
    }
  });
});

describe('cli: perflens profile diff', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-diff-'));
    fs.writeFileSync(path.join(dir, 'before.folded'), 'main;parse 400\nmain;render 100\nmain;hash 500\n');
    fs.writeFileSync(path.join(dir, 'after.folded'), 'main;parse 700\nmain;render 300\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints regressed and improved functions as JSON', async () => {
    const c = io(dir);
    assert.equal(await runCli(['profile', 'diff', 'before.folded', 'after.folded', '--json'], c), 0, c.stderr);
    const d = JSON.parse(c.stdout) as {
      weight: string;
      before: { samples: number; format: string };
      regressed: { name: string; selfDelta: number }[];
      improved: { name: string; beforeSelfShare: number; afterSelfShare: number; pValue: number }[];
    };
    assert.equal(d.weight, 'samples');
    assert.equal(d.before.samples, 1000);
    assert.equal(d.before.format, 'folded');
    assert.deepEqual(
      d.regressed.map((r) => [r.name, r.selfDelta]),
      [
        ['parse', 0.3],
        ['render', 0.2],
      ],
    );
    assert.deepEqual(
      d.improved.map((r) => [r.name, r.beforeSelfShare, r.afterSelfShare]),
      [['hash', 0.5, 0]],
    );
    assert.ok(d.improved[0]!.pValue < 1e-6);
  });

  it('exits 1 on a regression with --fail-on-regression, and prints a table otherwise', async () => {
    const c = io(dir);
    assert.equal(await runCli(['profile', 'diff', 'before.folded', 'after.folded', '--fail-on-regression'], c), 1);
    assert.match(c.stdout, /Regressed:\n[\s\S]*parse[\s\S]*Improved:\n[\s\S]*hash/);
    const same = io(dir);
    assert.equal(await runCli(['profile', 'diff', 'before.folded', 'before.folded', '--fail-on-regression'], same), 0);
    assert.match(same.stdout, /Regressed: none/);
    const usage = io(dir);
    assert.equal(await runCli(['profile', 'diff', 'before.folded'], usage), 2);
    assert.match(usage.stderr, /needs two files/);
  });
});

describe('cli: perflens profile record', () => {
  let dir: string;
  let target: NodeTarget | undefined;
  let server: http.Server | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-record-'));
  });
  afterEach(async () => {
    await target?.stop();
    target = undefined;
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records a Node process found by --pid (inspector port read from the process) into a .cpuprofile', async function () {
    this.timeout(30_000);
    target = await startNodeTarget(['--inspect=127.0.0.1:0']);
    const c = io(dir);
    const code = await runCli(
      [
        'profile',
        'record',
        '--pid',
        String(target.pid),
        '--duration',
        '2s',
        '--interval',
        '250',
        '-o',
        'live.cpuprofile',
        '--json',
      ],
      c,
    );
    assert.equal(code, 0, c.stderr);
    const out = JSON.parse(c.stdout) as {
      file: string;
      source: string;
      format: string;
      bytes: number;
      samples: number;
      top: { name: string } | null;
    };
    assert.equal(out.file, path.join(dir, 'live.cpuprofile'));
    assert.equal(out.source, 'inspector');
    assert.equal(out.format, 'cpuprofile');
    assert.equal(out.bytes, fs.statSync(out.file).size);
    assert.ok(out.samples > 20);
    const s = await summarize([out.file, '--top', '50']);
    assert.ok(s.functions.some((f) => f.name === 'busyWork'));
    // For people: one space between a name and its location, and a next step that can be pasted.
    const human = io(dir);
    assert.equal(
      await runCli(
        ['profile', 'record', '--pid', String(target.pid), '--duration', '1s', '-o', 'again.cpuprofile'],
        human,
      ),
      0,
      human.stderr,
    );
    assert.match(
      human.stdout,
      /^Wrote .*again\.cpuprofile \([\d.,]+ (?:bytes|KB|MB), [\d,]+ samples?\)\.\nHottest function: \S.*\S \(.+ self\)\.\nNext: perflens profile summarize again\.cpuprofile\n$/,
    );
    assert.doesNotMatch(human.stdout, /Hottest function: .* {2}/);
  });

  it('pulls a Go profile with --pprof and says when a process has no inspector', async function () {
    this.timeout(30_000);
    const body = await makeGoCpuPprof();
    server = http.createServer((req, res) => {
      if (req.url === '/debug/pprof/profile?seconds=1') res.end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const c = io(dir);
    const code = await runCli(
      [
        'profile',
        'record',
        '--pprof',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        '--duration',
        '1s',
        '-o',
        'go.pb.gz',
        '--json',
      ],
      c,
    );
    assert.equal(code, 0, c.stderr);
    const out = JSON.parse(c.stdout) as { source: string; format: string; top: { name: string; selfMs: number } };
    assert.deepEqual([out.source, out.format, out.top.name, out.top.selfMs], ['pprof', 'pprof', 'main.parse', 300]);

    target = await startNodeTarget([]);
    const none = io(dir);
    assert.equal(await runCli(['profile', 'record', '--pid', String(target.pid), '--duration', '1s'], none), 2);
    assert.match(none.stderr, /has no Node inspector listening[\s\S]*--enable-inspector/);
  });

  it('exits 2 on usage errors', async () => {
    for (const [args, message] of [
      [['--duration', '1s'], /exactly one of --pid/],
      [['--pid', '1', '--pprof', 'http://127.0.0.1:1'], /exactly one of --pid/],
      [['--inspect', 'nonsense'], /--inspect is \[HOST:\]PORT/],
      [['--inspect', '9229', '--duration', '10ms'], /--duration must be between/],
      // Refused before recording, not after the whole duration.
      [
        ['--inspect', '127.0.0.1:1', '-o', 'missing/x.cpuprofile'],
        /^perflens: Cannot write missing\/x\.cpuprofile: the folder .*missing does not exist\.$/m,
      ],
    ] as [string[], RegExp][]) {
      const c = io(dir);
      assert.equal(await runCli(['profile', 'record', ...args], c), 2, args.join(' '));
      assert.match(c.stderr, message);
    }
  });
});
