import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { MarshalDict, MarshalSet, readMarshal } from '../../../../src/core/profiler/formats/marshal';
import type { MarshalValue } from '../../../../src/core/profiler/formats/marshal';
import { topFunctions } from '../../../../src/core/profiler/model';

function python(code: string, args: string[] = []): Buffer {
  const r = spawnSync('python3', ['-c', code, ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Marshal values as plain JSON-able data, to compare with what Python says it wrote. */
function plain(v: MarshalValue): unknown {
  if (v instanceof MarshalDict) return v.entries.map(([k, x]) => [plain(k), plain(x)]);
  if (v instanceof MarshalSet) return { set: v.items.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return `big:${v}`;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  return v;
}

describe('marshal reader', () => {
  it('reads what python3 marshal writes: ints, longs, floats, strings, bytes, containers, refs (versions 2 and 4)', () => {
    const code = [
      'import marshal, sys',
      's = "shared-string"',
      'obj = {("a.py", 1, "f"): (1, -7, 2**31 - 1, -2**31, 2**40, -2**40, 2**70, 0.1, -2.5e-300, None, True, False, s, s, "ünïcode", b"\\x00\\xff", [1, [2]], frozenset([3]))}',
      'sys.stdout.buffer.write(marshal.dumps(obj, int(sys.argv[1])))',
    ].join('\n');
    const expected = [
      [
        ['a.py', 1, 'f'],
        [
          1,
          -7,
          2 ** 31 - 1,
          -(2 ** 31),
          2 ** 40,
          -(2 ** 40),
          `big:${2n ** 70n}`,
          0.1,
          -2.5e-300,
          null,
          true,
          false,
          'shared-string',
          'shared-string',
          'ünïcode',
          { bytes: '00ff' },
          [1, [2]],
          { set: [3] },
        ],
      ],
    ];
    for (const version of ['2', '4'])
      assert.deepEqual(plain(readMarshal(python(code, [version]))), expected, `marshal version ${version}`);
  });

  it('fails clearly on truncated data and on code objects', () => {
    const full = python('import marshal, sys; sys.stdout.buffer.write(marshal.dumps({"k": (1, 2.0, "x")}))');
    assert.throws(() => readMarshal(full.subarray(0, full.length - 3)), /unexpected end of data/);
    const code = python('import marshal, sys; sys.stdout.buffer.write(marshal.dumps(compile("1", "x", "eval")))');
    assert.throws(() => readMarshal(code), /unsupported marshal type "c"/);
  });
});

describe('pstats (cProfile) importer', () => {
  let dir: string;
  let statsFile: string;
  let truth: {
    file: string;
    line: number;
    name: string;
    cc: number;
    nc: number;
    tt: number;
    ct: number;
    callers: [string, number, string, number][];
  }[];

  before(function () {
    this.timeout(30_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-pstats-'));
    statsFile = path.join(dir, 'app.pstats');
    const app = path.join(dir, 'app.py');
    fs.writeFileSync(
      app,
      [
        'def fib(n):',
        '    return n if n < 2 else fib(n - 1) + fib(n - 2)',
        '',
        'def crunch(k):',
        '    total = 0',
        '    for i in range(k):',
        '        total += i * i % 7',
        '    return total',
        '',
        'def handler():',
        '    return fib(16) + crunch(200000)',
        '',
        'for _ in range(2):',
        '    handler()',
      ].join('\n'),
    );
    // The seed's way: cProfile writes the file; pstats reads it back as the ground truth.
    const out = python(
      [
        'import cProfile, json, pstats, runpy, sys',
        'cProfile.run("runpy.run_path(sys.argv[1])", sys.argv[2])',
        'st = pstats.Stats(sys.argv[2]).stats',
        'print(json.dumps([{"file": k[0], "line": k[1], "name": k[2], "cc": v[0], "nc": v[1], "tt": v[2], "ct": v[3], "callers": [list(c) + [v[4][c][0]] for c in v[4]]} for k, v in st.items()]))',
      ].join('\n'),
      [app, statsFile],
    );
    truth = JSON.parse(out.toString('utf8')) as typeof truth;
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads every function with pstats's own self/cumulative times and call counts, exactly", () => {
    const r = importProfile(fs.readFileSync(statsFile), 'app.pstats');
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.equal(r.value.format, 'pstats');
    const p = r.value.profiles[0]!;
    assert.equal(p.hasSamples, false);
    assert.equal(p.functions.length, truth.length);
    for (const t of truth) {
      const f = p.functions.find(
        (x) => x.name === t.name && x.line === t.line && x.file === (t.file === '~' ? '' : t.file),
      );
      assert.ok(f, `missing ${t.name}`);
      assert.equal(f.selfMs, t.tt * 1000);
      assert.equal(f.totalMs, t.ct * 1000);
      assert.equal(f.calls, t.nc);
    }
    const fib = p.functions.find((f) => f.name === 'fib')!;
    assert.equal(fib.calls, 2 * 3193);
    assert.equal(fib.line, 1);
    // Caller edges: handler calls fib twice (once per request), fib calls itself the rest.
    const handler = p.functions.find((f) => f.name === 'handler')!;
    const edge = p.edges.find((e) => e.caller === handler.frame && e.callee === fib.frame);
    assert.equal(edge?.calls, 2);
  });

  it("ranks the hot function first by self time and handler first by total among the script's functions", () => {
    const r = importProfile(fs.readFileSync(statsFile), 'app.pstats');
    assert.ok(r.ok);
    const p = r.value.profiles[0]!;
    const expectSelf = [...truth].sort((a, b) => b.tt - a.tt)[0]!;
    assert.equal(topFunctions(p, 1, 'self')[0]!.name, expectSelf.name);
    const own = topFunctions(p, 50, 'total').filter((f) => f.file.endsWith('app.py') && f.name !== '<module>');
    assert.equal(own[0]!.name, 'handler');
  });

  it('rejects a marshalled value that is not a stats dict, naming the format', () => {
    const notStats = python('import marshal, sys; sys.stdout.buffer.write(marshal.dumps({("a", 1): 5}))');
    const r = importProfile(notStats, 'x.pstats');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /^Not a valid Python pstats file: expected a \(file, line, name\) key/);
  });
});
