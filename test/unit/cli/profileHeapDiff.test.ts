import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';

const FIXTURES = path.join(__dirname, '../../fixtures/profiles');
const MiB = 1024 * 1024;

/** A .heapprofile: (root) → handle → {cacheSet: cache bytes, parse: parse bytes}. */
function heapprofile(cache: number, parse: number): string {
  const frame = (functionName: string, lineNumber: number) => ({
    functionName,
    scriptId: '1',
    url: '/srv/app.js',
    lineNumber,
    columnNumber: 2,
  });
  return JSON.stringify({
    head: {
      id: 1,
      callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
      selfSize: 0,
      children: [
        {
          id: 2,
          callFrame: frame('handle', 9),
          selfSize: 0,
          children: [
            { id: 3, callFrame: frame('cacheSet', 19), selfSize: cache, children: [] },
            { id: 4, callFrame: frame('parse', 39), selfSize: parse, children: [] },
          ],
        },
      ],
    },
    samples: [
      { size: cache, nodeId: 3, ordinal: 1 },
      { size: parse, nodeId: 4, ordinal: 2 },
    ],
  });
}

describe('perflens profile diff on heap profiles: growth by allocation site', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-heap-diff-'));
    fs.writeFileSync(path.join(dir, 'before.heapprofile'), heapprofile(2 * MiB, 3 * MiB));
    fs.writeFileSync(path.join(dir, 'after.heapprofile'), heapprofile(14 * MiB, 3 * MiB));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const io = capture();
    io.cwd = dir;
    const code = await runCli(['profile', 'diff', ...args], io);
    return { code, io };
  };

  it('names the site that grew, by how many bytes, in --json and in text', async () => {
    const { code, io } = await run(['before.heapprofile', 'after.heapprofile', '--json']);
    assert.equal(code, 0, io.stderr);
    const d = JSON.parse(io.stdout) as {
      kind: string;
      unit: string;
      growing: { name: string; line: number; growth: number; before: number; after: number }[];
      shrinking: unknown[];
    };
    assert.equal(d.kind, 'heap');
    assert.equal(d.unit, 'bytes');
    assert.deepEqual(
      d.growing.map((g) => [g.name, g.line, g.before, g.after, g.growth]),
      [['cacheSet', 20, 2 * MiB, 14 * MiB, 12 * MiB]],
    );
    assert.deepEqual(d.shrinking, []);
    const text = await run(['before.heapprofile', 'after.heapprofile']);
    assert.match(text.io.stdout, /Growing:\n.*\n\+12 MB\s+2 MB\s+14 MB\s+82\.4%\s+cacheSet\s+\/srv\/app\.js:20/);
    const failing = await run(['before.heapprofile', 'after.heapprofile', '--fail-on-regression']);
    assert.equal(failing.code, 1);
  });

  it('refuses a heap profile against a CPU profile, and CPU-only flags on heap profiles', async () => {
    const cpu = path.join(FIXTURES, 'cpuprofile', 'chrome65-simple.cpuprofile');
    const mixed = await run(['before.heapprofile', cpu]);
    assert.equal(mixed.code, 2);
    assert.match(
      mixed.io.stderr,
      /before\.heapprofile is a heap profile and .* a CPU profile; profile diff compares two of a kind/,
    );
    const alpha = await run(['before.heapprofile', 'after.heapprofile', '--alpha', '0.05']);
    assert.equal(alpha.code, 2);
    assert.match(alpha.io.stderr, /--alpha has no effect on heap profiles/);
  });

  it('diffs two Go heap profiles of one sample type chosen with --sample-type', async () => {
    const heap = path.join(FIXTURES, 'pprof', 'prometheus-2.42-heap.pb.gz');
    const allocs = path.join(FIXTURES, 'pprof', 'prometheus-2.42-allocs.pb.gz');
    const { code, io } = await run([heap, allocs, '--sample-type', 'alloc_objects', '--json']);
    assert.equal(code, 0, io.stderr);
    const d = JSON.parse(io.stdout) as { sampleType: string; unit: string; growing: unknown[] };
    assert.equal(d.sampleType, 'alloc_objects');
    assert.equal(d.unit, 'objects');
    // Both were taken in the same instant of one process: nothing grew between them.
    assert.deepEqual(d.growing, []);
  });
});
