import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { findFunctions, weightUnit } from '../../../../src/core/profiler/model';
import { summarizeProfile } from '../../../../src/core/profiler/summary';

const FIXTURES = path.join(__dirname, '../../../fixtures/profiles');
const MiB = 1024 * 1024;

function post<T>(s: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    s.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r as T))),
  );
}

/**
 * Plain JavaScript compiled by V8 as written (no transpiler between the text and its lines):
 * `retainRecords` allocates objects that stay alive, on line 3 of retain.js.
 */
const RETAIN_JS = [
  'const retained = [];',
  '(function () {',
  '  function retainRecords(n) {',
  '    for (let i = 0; i < n; i++) retained.push({ id: i, text: `record ${i} `.repeat(8) });',
  '  }',
  '  return { retainRecords, clear: () => { retained.length = 0; } };',
  '})()',
].join('\n');
const RETAIN_LINE = 3;
const retain = vm.runInThisContext(RETAIN_JS, { filename: '/virtual/retain.js' }) as {
  retainRecords(n: number): void;
  clear(): void;
};

/** A real sampling heap profile of this process, taken over the inspector as DevTools does. */
async function sampleHeap(): Promise<Buffer> {
  const s = new inspector.Session();
  s.connect();
  try {
    await post(s, 'HeapProfiler.enable');
    await post(s, 'HeapProfiler.startSampling', { samplingInterval: 1024 });
    retain.retainRecords(40_000);
    const r = await post<{ profile: unknown }>(s, 'HeapProfiler.stopSampling');
    return Buffer.from(JSON.stringify(r.profile));
  } finally {
    s.disconnect();
  }
}

describe('heap profiles: V8 .heapprofile and pprof heap sample types', function () {
  this.timeout(60_000);
  let heapprofile: Buffer;
  before(async () => {
    heapprofile = await sampleHeap();
  });
  after(() => {
    retain.clear();
  });

  it('reads a real V8 sampling heap profile, weighing bytes in use and naming the allocating function at its line', () => {
    const r = importProfile(heapprofile, 'app.heapprofile');
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.value.format, 'heapprofile');
    const p = r.value.profiles[0]!;
    assert.equal(weightUnit(p), 'bytes');
    assert.deepEqual(
      r.value.sampleTypes?.map((t) => t.type),
      ['inuse_space', 'inuse_objects'],
    );
    const [fn] = findFunctions(p, 'retainRecords', '/virtual/retain.js');
    assert.ok(fn, 'retainRecords is in the profile');
    assert.equal(fn.line, RETAIN_LINE);
    // 40,000 records of ~100 bytes each: megabytes, most of what was sampled.
    assert.ok(fn.selfSamples! > 1 * MiB, `retainRecords holds ${fn.selfSamples} bytes`);
    const summary = summarizeProfile(r.value, { top: 5 });
    assert.equal(summary.heap?.unit, 'bytes');
    assert.equal(summary.heap?.sampleType, 'inuse_space');
    const row = summary.functions.find((f) => f.name === 'retainRecords')!;
    assert.equal(row.selfBytes, Math.round(fn.selfSamples!));
    assert.equal(row.selfSamples, null);
    assert.deepEqual(row.lines, [{ line: RETAIN_LINE, bytes: row.selfBytes }]);
  });

  it('weighs the same .heapprofile by sampled objects with --sample-type inuse_objects', () => {
    const r = importProfile(heapprofile, 'app.heapprofile', { sampleType: 'inuse_objects' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const p = r.value.profiles[0]!;
    assert.equal(weightUnit(p), 'objects');
    const [fn] = findFunctions(p, 'retainRecords');
    assert.ok(fn && fn.selfSamples! > 100, `retainRecords has ${fn?.selfSamples} sampled objects`);
    const bad = importProfile(heapprofile, 'app.heapprofile', { sampleType: 'alloc_space' });
    assert.ok(!bad.ok);
    assert.match(bad.error.message, /no sample type "alloc_space".*inuse_space, inuse_objects/);
  });

  it('detects a .heapprofile from its content, whatever the file is called', () => {
    const r = importProfile(heapprofile, 'capture.json');
    assert.ok(r.ok && r.value.format === 'heapprofile');
  });

  for (const file of ['prometheus-2.42-heap.pb.gz', 'prometheus-2.42-allocs.pb.gz']) {
    it(`imports Prometheus's own Go heap profile (${file}) with every sample type, in bytes or objects`, () => {
      const bytes = fs.readFileSync(path.join(FIXTURES, 'pprof', file));
      const expected = {
        inuse_space: 'bytes',
        inuse_objects: 'objects',
        alloc_space: 'bytes',
        alloc_objects: 'objects',
      };
      for (const [type, unit] of Object.entries(expected)) {
        const r = importProfile(bytes, file, { sampleType: type });
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        const p = r.value.profiles[0]!;
        assert.equal(p.sampleType?.type, type);
        assert.equal(weightUnit(p), unit);
        assert.deepEqual(r.value.sampleTypes?.map((t) => t.type).sort(), Object.keys(expected).sort());
        const top = summarizeProfile(r.value, { top: 3 });
        assert.ok(top.heap!.total > 0);
        assert.match(top.functions[0]!.name, /\./, 'Go functions are package-qualified');
        assert.ok(top.functions[0]!.file.endsWith('.go'));
        assert.ok((unit === 'bytes' ? top.functions[0]!.selfBytes : top.functions[0]!.selfObjects)! > 0);
      }
      // Without a choice: what the endpoint names as its default (allocs: alloc_space), else inuse_space.
      const plain = importProfile(bytes, file);
      assert.ok(plain.ok);
      assert.equal(plain.value.profiles[0]!.sampleType?.type, file.includes('allocs') ? 'alloc_space' : 'inuse_space');
    });
  }

  it('refuses a sample type a Go heap profile does not have, listing the ones it has', () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'pprof', 'prometheus-2.42-heap.pb.gz'));
    const r = importProfile(bytes, 'heap.pb.gz', { sampleType: 'cpu' });
    assert.ok(!r.ok);
    assert.match(r.error.message, /no sample type "cpu".*inuse_space\/bytes/);
  });

  it('refuses a gzipped .heapprofile that inflates past the size limit, naming the limit and how to raise it', () => {
    const head =
      '{"head":{"callFrame":{"functionName":"(root)","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":0,"id":1,"children":[';
    const big = zlib.gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc(4 * MiB, 0x20)]));
    const r = importProfile(big, 'big.heapprofile', { maxBytes: 1 * MiB });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /1 MB limit for profiles/);
    assert.match(r.error.message, /--max-profile-size/);
  });

  it('leaves out samples whose call site V8 already pruned from the tree, and says how many', () => {
    interface Node {
      id: number;
      children: Node[];
    }
    const doc = JSON.parse(heapprofile.toString('utf8')) as {
      head: Node;
      samples: { size: number; nodeId: number }[];
    };
    // The live profile this suite sampled may hold such samples already: V8 prunes call sites
    // while it samples. One more is added, whose node no tree has.
    const ids = new Set<number>();
    const walk = (n: Node): void => {
      ids.add(n.id);
      n.children.forEach(walk);
    };
    walk(doc.head);
    const pruned = doc.samples.filter((x) => !ids.has(x.nodeId)).length + 1;
    doc.samples.push({ size: 64, nodeId: 987_654_321 });
    const r = importProfile(Buffer.from(JSON.stringify(doc)), 'app.heapprofile', { sampleType: 'inuse_objects' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.match(
      r.value.warnings.join('\n'),
      new RegExp(`^${pruned} of ${doc.samples.length} samples refer to call sites that are not in the tree`, 'm'),
    );
    assert.equal(r.value.profiles[0]!.sampleCount, doc.samples.length - pruned);
  });

  it('says a heap profile with no sampled allocations is empty, in words about allocations', () => {
    const empty = JSON.stringify({
      head: {
        callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 },
        selfSize: 0,
        id: 1,
        children: [],
      },
      samples: [],
    });
    const r = importProfile(Buffer.from(empty), 'idle.heapprofile');
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'empty');
    assert.match(r.error.message, /no allocation was sampled/);
  });
});
