import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { summarizeHeapSnapshotFile } from '../../../../src/core/profiler/heapsnapshot/summary';
import { runCli } from '../../../../src/cli/main';
import { capture } from '../../cli/liveHelpers';

const LEAKED_INTERNALS = /unexpected error|TypeError|RangeError|Cannot read propert|\bundefined\b|\bNaN\b/;

/**
 * A real V8 heap snapshot of a worker thread's isolate (small: the worker holds little besides
 * what it allocates): a LeakyCache holding `n` Item objects.
 */
function snapshotOfWorker(file: string, n: number): Promise<void> {
  const code = `
    const v8 = require('node:v8');
    const { workerData, parentPort } = require('node:worker_threads');
    class Item { constructor(i) { this.i = i; this.payload = 'item ' + i; this.pair = [i, i + 1]; } }
    class LeakyCache { constructor() { this.items = []; } }
    const cache = new LeakyCache();
    for (let i = 0; i < workerData.n; i++) cache.items.push(new Item(i));
    globalThis.cache = cache;
    v8.writeHeapSnapshot(workerData.file);
    parentPort.postMessage('done');
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { file, n } });
    w.once('message', () => void w.terminate().then(() => resolve()));
    w.once('error', reject);
  });
}

describe('V8 .heapsnapshot summary: streaming reader, dominator tree, retained size by constructor', function () {
  this.timeout(120_000);
  let dir: string;
  let snap: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-heapsnapshot-'));
    snap = path.join(dir, 'worker.heapsnapshot');
    await snapshotOfWorker(snap, 20_000);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names what retains the heap: LeakyCache holds every Item, counted once', () => {
    const r = summarizeHeapSnapshotFile(snap, { top: 30 });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const s = r.value;
    const item = s.byConstructor.find((c) => c.name === 'Item')!;
    const cache = s.byConstructor.find((c) => c.name === 'LeakyCache')!;
    assert.equal(item.count, 20_000);
    assert.equal(cache.count, 1);
    // The cache retains its items, their strings and arrays: more than the items' own size.
    assert.ok(cache.retainedSize > item.retainedSize, `${cache.retainedSize} > ${item.retainedSize}`);
    assert.ok(item.retainedSize > item.selfSize);
    assert.ok(cache.retainedSize < s.totalSize);
    const biggest = s.largest.find((o) => o.className === 'LeakyCache')!;
    assert.equal(biggest.retainedSize, cache.retainedSize);
  });

  it('perflens profile summarize reads a .heapsnapshot: constructors and largest retainers, in text and --json', async () => {
    const io = capture();
    assert.equal(await runCli(['profile', 'summarize', snap, '--top', '40', '--json'], io), 0, io.stderr);
    const s = JSON.parse(io.stdout) as { format: string; byConstructor: { name: string; count: number }[] };
    assert.equal(s.format, 'heapsnapshot');
    assert.equal(s.byConstructor.find((c) => c.name === 'Item')?.count, 20_000);
    const text = capture();
    assert.equal(await runCli(['profile', 'summarize', snap, '--top', '40'], text), 0);
    assert.match(text.stdout, /Retained size by constructor:/);
    assert.match(text.stdout, /\d[\d.]* [KM]B\s+\S+ (KB|MB|bytes)\s+20,000\s+Item/);
  });

  const broken: [string, (full: string) => string, RegExp][] = [
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /ends inside|ends before/],
    ['no snapshot header', () => '{"nodes":[],"edges":[],"strings":[]}', /does not start with a "snapshot" header/],
    [
      'a node count that disagrees with its nodes',
      (t) => t.replace(/"node_count":(\d+)/, (_m, n: string) => `"node_count":${Number(n) + 5}`),
      /"nodes" holds \d+ values; the header's counts say \d+/,
    ],
    ['a letter among the nodes', (t) => t.replace('"nodes":[', '"nodes":[x'), /"nodes" holds "x", not a number/],
  ];
  for (const [name, breakIt, says] of broken) {
    it(`${name}: a clear failure naming the problem`, () => {
      const bad = path.join(dir, `${name.replace(/\W+/g, '-')}.heapsnapshot`);
      fs.writeFileSync(bad, breakIt(fs.readFileSync(snap, 'utf8')));
      const r = summarizeHeapSnapshotFile(bad);
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'invalid');
      assert.match(r.error.message, /^Not a valid V8 \.heapsnapshot file: /);
      assert.match(r.error.message, says);
      assert.doesNotMatch(r.error.message, LEAKED_INTERNALS);
    });
  }

  it('refuses a snapshot past the size limit, naming the limit and how to raise it', async () => {
    const r = summarizeHeapSnapshotFile(snap, { maxBytes: 1024 * 1024 });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /worker\.heapsnapshot is [\d.]+ MB, more than the 1 MB limit for profiles/);
    assert.match(r.error.message, /--max-profile-size/);
    const io = capture();
    assert.equal(await runCli(['profile', 'summarize', snap, '--max-profile-size', '1MB'], io), 2);
    assert.match(io.stderr, /more than the 1 MB limit/);
  });
});
