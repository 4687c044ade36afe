import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { cpuProfile, v8Node } from '../../../helpers/builders';

/**
 * Malformed files, per format: each must fail with a message that says what is wrong, never with a
 * JavaScript error's own text (a TypeError, "Cannot read properties of null", NaN in a number).
 */
const LEAKED_INTERNALS =
  /unexpected error|TypeError|RangeError|Cannot read propert|is not a function|is not iterable|Maximum call stack|\bundefined\b|\bNaN\b|\[object Object\]/;

interface Case {
  name: string;
  file: string;
  bytes: Buffer;
  /** What the message must say (what is wrong, in words). */
  says: RegExp;
}

const json = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

/** A node, then a whole .cpuprofile, whose fields a case replaces with malformed ones. */
const APP_JS = { url: 'file:///app.js', lineNumber: 1, columnNumber: 1 };
const cpuNode = (id: number, extra: Record<string, unknown> = {}) => ({ ...v8Node(id, `f${id}`, APP_JS), ...extra });
const cpu = (over: Record<string, unknown>) =>
  json({ ...cpuProfile([v8Node(1, 'f1', APP_JS, { children: [2] }), v8Node(2, 'f2', APP_JS)], [2, 2]), ...over });

function nestedHead(depth: number): string {
  return `{"head":${'{"id":1,"functionName":"f","children":['.repeat(depth)}${']}'.repeat(depth)},"samples":[],"timestamps":[]}`;
}

const cpuprofileCases: Case[] = [
  { name: 'truncated', file: 'a.cpuprofile', bytes: json('{"nodes":[{"id":1,"callFrame":'), says: /not valid JSON/ },
  { name: 'a null node', file: 'a.cpuprofile', bytes: cpu({ nodes: [null] }), says: /node 0 has no numeric id/ },
  {
    name: 'children not an array',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: 5 }), cpuNode(2)] }),
    says: /node 1 has "children" that is not a list/,
  },
  {
    name: 'a null child id',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [null] }), cpuNode(2)] }),
    says: /node 1 lists child null/,
  },
  {
    name: 'a cycle in children',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [2] }), cpuNode(2, { children: [1] })] }),
    says: /cycle/,
  },
  {
    name: 'a node that is its own child',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [1] }), cpuNode(2)] }),
    says: /cycle/,
  },
  {
    name: 'a sample naming no node',
    file: 'a.cpuprofile',
    bytes: cpu({ samples: [2, 'x'] }),
    says: /sample 1 refers to node "x"/,
  },
  {
    name: 'a null time delta',
    file: 'a.cpuprofile',
    bytes: cpu({ timeDeltas: [0, null] }),
    says: /timeDeltas\[1\] is not a number/,
  },
  {
    name: 'a huge time delta',
    file: 'a.cpuprofile',
    bytes: json('{"nodes":[{"id":1,"children":[2]},{"id":2}],"samples":[2,2],"timeDeltas":[1e308,1e308]}'),
    says: /too large/,
  },
  {
    name: 'a string start time',
    file: 'a.cpuprofile',
    bytes: cpu({ startTime: 'soon' }),
    says: /startTime is not a number/,
  },
  {
    name: 'positionTicks not a list',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [2] }), cpuNode(2, { positionTicks: 'abc' })] }),
    says: /positionTicks/,
  },
  {
    name: 'a null positionTick',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [2] }), cpuNode(2, { positionTicks: [null] })] }),
    says: /positionTicks/,
  },
  {
    name: 'negative ticks',
    file: 'a.cpuprofile',
    bytes: cpu({ nodes: [cpuNode(1, { children: [2] }), cpuNode(2, { positionTicks: [{ line: 3, ticks: -5 }] })] }),
    says: /positionTicks/,
  },
  {
    name: 'a legacy head with a null child',
    file: 'a.cpuprofile',
    bytes: json({ head: { id: 1, children: [null] }, samples: [], timestamps: [] }),
    says: /child 0 of node 1 is not a node/,
  },
  {
    name: 'a legacy head with children not a list',
    file: 'a.cpuprofile',
    bytes: json({ head: { id: 1, children: 5 }, samples: [], timestamps: [] }),
    says: /node 1 has "children" that is not a list/,
  },
  {
    name: 'a legacy head nested 100,000 deep (and no samples)',
    file: 'a.cpuprofile',
    bytes: json(nestedHead(100_000)),
    says: /no samples/,
  },
];

const ss = (profiles: unknown, frames: unknown = [{ name: 'a' }, { name: 'b' }], extra: Record<string, unknown> = {}) =>
  json({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames }, profiles, ...extra });
const sampled = (over: Record<string, unknown> = {}) => ({
  type: 'sampled',
  name: 'p',
  unit: 'milliseconds',
  startValue: 0,
  endValue: 10,
  samples: [[0, 1]],
  weights: [1],
  ...over,
});

const speedscopeCases: Case[] = [
  {
    name: 'truncated',
    file: 'a.speedscope.json',
    bytes: json('{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"fra'),
    says: /not valid JSON/,
  },
  { name: 'a null profile', file: 'a.speedscope.json', bytes: ss([null]), says: /profile 0 is not an object/ },
  { name: 'profiles not a list', file: 'a.speedscope.json', bytes: ss({ 0: sampled() }), says: /no profiles/ },
  {
    name: 'shared is null',
    file: 'a.speedscope.json',
    bytes: json({ $schema: 'speedscope', shared: null, profiles: [sampled()] }),
    says: /shared\.frames/,
  },
  {
    name: 'a null frame',
    file: 'a.speedscope.json',
    bytes: ss([sampled()], [null, { name: 'b' }]),
    says: /frame 0 is missing/,
  },
  {
    name: 'a frame whose name is an object',
    file: 'a.speedscope.json',
    bytes: ss([sampled()], [{ name: {} }, { name: 'b' }]),
    says: /frame 0 has a name that is not text/,
  },
  {
    name: 'a frame whose file is a number',
    file: 'a.speedscope.json',
    bytes: ss([sampled()], [{ name: 'a', file: 5 }, { name: 'b' }]),
    says: /frame 0 has a file that is not text/,
  },
  {
    name: 'a sample with a huge frame index',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ samples: [[1e300]] })]),
    says: /refers to frame 1e\+300/,
  },
  {
    name: 'a sample with a negative frame index',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ samples: [[-1]] })]),
    says: /refers to frame -1/,
  },
  {
    name: 'a null sample',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ samples: [null] })]),
    says: /sample 0 is not an array/,
  },
  {
    name: 'a null weight',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ weights: [null] })]),
    says: /weight 0 is not a non-negative number/,
  },
  {
    name: 'a negative weight',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ weights: [-3] })]),
    says: /weight 0 is not a non-negative number/,
  },
  {
    name: 'a huge weight',
    file: 'a.speedscope.json',
    bytes: json(
      '{"$schema":"speedscope","shared":{"frames":[{"name":"a"}]},"profiles":[{"type":"sampled","unit":"none","samples":[[0],[0]],"weights":[1e308,1e308]}]}',
    ),
    says: /too large/,
  },
  {
    name: 'a null event',
    file: 'a.speedscope.json',
    bytes: ss([{ type: 'evented', unit: 'milliseconds', startValue: 0, endValue: 5, events: [null] }]),
    says: /event 0 has no "at" value/,
  },
  {
    name: 'an open event with no frame',
    file: 'a.speedscope.json',
    bytes: ss([{ type: 'evented', unit: 'milliseconds', startValue: 0, endValue: 5, events: [{ type: 'O', at: 0 }] }]),
    says: /event 0 opens no frame/,
  },
  {
    name: 'an unknown profile type',
    file: 'a.speedscope.json',
    bytes: ss([sampled({ type: 'weird' })]),
    says: /type "weird"/,
  },
  {
    name: 'a negative active profile index',
    file: 'a.speedscope.json',
    bytes: ss([sampled()], undefined, { activeProfileIndex: -1 }),
    says: /activeProfileIndex -1/,
  },
];

const foldedCases: Case[] = [
  {
    name: 'NaN counts',
    file: 'a.folded',
    bytes: json('main;work NaN\nmain;idle NaN\n'),
    says: /none of its 2 non-comment lines/,
  },
  { name: 'negative counts', file: 'a.folded', bytes: json('main;work -4\n'), says: /none of its 1 non-comment lines/ },
  {
    name: 'a count past the largest number',
    file: 'a.folded',
    bytes: json('main;work 1e400\n'),
    says: /none of its 1 non-comment lines/,
  },
  {
    name: 'counts too large to add up',
    file: 'a.folded',
    bytes: json('main;work 1e308\nmain;idle 1e308\n'),
    says: /too large/,
  },
  { name: 'only comments', file: 'a.folded', bytes: json('# nothing here\n# at all\n'), says: /no stacks/ },
  {
    name: 'binary noise',
    file: 'a.folded',
    bytes: Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 0]),
    says: /none of its|no stacks|Could not recognise/,
  },
];

function pprofBytes(build: (st: StringTable) => ConstructorParameters<typeof Profile>[0]): Buffer {
  const st = new StringTable();
  return zlib.gzipSync(Buffer.from(new Profile({ ...build(st), stringTable: st }).encode()));
}
const cpuTypes = (st: StringTable) => [
  new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }),
  new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
];
const oneLocation = (st: StringTable) => ({
  function: [new PFunction({ id: 1, name: st.dedup('main.f'), filename: st.dedup('f.go') })],
  location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
});
const goodPprof = pprofBytes((st) => ({
  sampleType: cpuTypes(st),
  ...oneLocation(st),
  sample: [new Sample({ locationId: [1], value: [1, 10_000_000] })],
}));

const pprofCases: Case[] = [
  {
    name: 'truncated gzip',
    file: 'a.pb.gz',
    bytes: goodPprof.subarray(0, goodPprof.length - 9),
    says: /gzip data is damaged.*truncated/,
  },
  {
    name: 'truncated protobuf',
    file: 'a.pb',
    bytes: zlib.gunzipSync(goodPprof).subarray(0, 20),
    says: /truncated|ends/,
  },
  {
    name: 'random bytes',
    file: 'a.pb.gz',
    bytes: zlib.gzipSync(Buffer.from('this is not a protobuf at all, just text that looks like nothing')),
    says: /expected a gzipped or raw pprof protobuf/,
  },
  { name: 'no sample types', file: 'a.pb.gz', bytes: pprofBytes(() => ({})), says: /declares no sample types/ },
  {
    name: 'a sample naming a missing location',
    file: 'a.pb.gz',
    bytes: pprofBytes((st) => ({
      sampleType: cpuTypes(st),
      ...oneLocation(st),
      sample: [new Sample({ locationId: [7], value: [1, 1] })],
    })),
    says: /sample 0 refers to location 7/,
  },
  {
    name: 'a negative value',
    file: 'a.pb.gz',
    bytes: pprofBytes((st) => ({
      sampleType: cpuTypes(st),
      ...oneLocation(st),
      sample: [new Sample({ locationId: [1], value: [-1, -10_000_000] })],
    })),
    says: /negative/,
  },
];

/** Python marshal bytes for the few shapes the cases need. */
const m = {
  dict: (...pairs: Buffer[][]) => Buffer.concat([Buffer.from('{'), ...pairs.flat(), Buffer.from('0')]),
  tuple: (...items: Buffer[]) => Buffer.concat([Buffer.from([0x29, items.length]), ...items]),
  str: (s: string) => Buffer.concat([Buffer.from([0x7a, s.length]), Buffer.from(s)]),
  int: (n: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0x69;
    b.writeInt32LE(n, 1);
    return b;
  },
  float: (x: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0x67;
    b.writeDoubleLE(x, 1);
    return b;
  },
};
const key = m.tuple(m.str('app.py'), m.int(3), m.str('work'));
const pstatsCases: Case[] = [
  {
    name: 'truncated',
    file: 'a.pstats',
    bytes: m.dict([key, m.tuple(m.int(1), m.int(1), m.float(0.5), m.float(0.5), m.dict())]).subarray(0, 30),
    says: /end of data/,
  },
  {
    name: 'an entry that is not a tuple',
    file: 'a.pstats',
    bytes: m.dict([key, m.str('x')]),
    says: /not \(cc, nc, tt, ct, callers\)/,
  },
  {
    name: 'a key that is not (file, line, name)',
    file: 'a.pstats',
    bytes: m.dict([m.str('k'), m.tuple(m.int(1), m.int(1), m.float(0.5), m.float(0.5), m.dict())]),
    says: /\(file, line, name\) key/,
  },
  {
    name: 'a NaN time',
    file: 'a.pstats',
    bytes: m.dict([key, m.tuple(m.int(1), m.int(1), m.float(NaN), m.float(0.5), m.dict())]),
    says: /not a finite, non-negative number/,
  },
  {
    name: 'a negative call count',
    file: 'a.pstats',
    bytes: m.dict([key, m.tuple(m.int(1), m.int(-4), m.float(0.5), m.float(0.5), m.dict())]),
    says: /not a finite, non-negative number/,
  },
  {
    name: 'tuples nested 100,000 deep',
    file: 'a.pstats',
    bytes: Buffer.concat([Buffer.from('{'), Buffer.alloc(100_000 * 2, Buffer.from([0x29, 0x01])), Buffer.from('N0')]),
    says: /nested deeper than/,
  },
];

/** A .heapprofile: a (root) head, one child f1, one sample on it; cases replace parts. */
const ROOT_FRAME = { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 };
const heapChild = (extra: Record<string, unknown> = {}) => ({
  id: 2,
  callFrame: { functionName: 'f1', url: 'file:///app.js', lineNumber: 3, columnNumber: 2 },
  selfSize: 4096,
  children: [],
  ...extra,
});
const heap = (child: unknown, over: Record<string, unknown> = {}) =>
  json({
    head: { id: 1, callFrame: ROOT_FRAME, selfSize: 0, children: [child] },
    samples: [{ size: 4096, nodeId: 2, ordinal: 1 }],
    ...over,
  });
const heapprofileCases: Case[] = [
  {
    name: 'truncated',
    file: 'a.heapprofile',
    bytes: json('{"head":{"callFrame":{},"selfSize":'),
    says: /not valid JSON/,
  },
  { name: 'a null child', file: 'a.heapprofile', bytes: heap(null), says: /child 0 of node 1 is not an object/ },
  {
    name: 'a negative selfSize',
    file: 'a.heapprofile',
    bytes: heap(heapChild({ selfSize: -5 })),
    says: /node 2's selfSize is -5, not a non-negative number/,
  },
  {
    name: 'a string selfSize',
    file: 'a.heapprofile',
    bytes: heap(heapChild({ selfSize: '12' })),
    says: /node 2's selfSize is "12", not a non-negative number/,
  },
  {
    name: 'no callFrame',
    file: 'a.heapprofile',
    bytes: heap(heapChild({ callFrame: 3 })),
    says: /node 2 has no "callFrame"/,
  },
  {
    name: 'children not a list',
    file: 'a.heapprofile',
    bytes: heap(heapChild({ children: {} })),
    says: /node 2's "children" is not a list/,
  },
  {
    name: 'a duplicate node id',
    file: 'a.heapprofile',
    bytes: heap(heapChild({ id: 1 })),
    says: /node id 1 appears twice/,
  },
  {
    name: 'a sample without a numeric nodeId',
    file: 'a.heapprofile',
    bytes: heap(heapChild(), { samples: [{ size: 8, nodeId: 'x' }] }),
    says: /sample 0's nodeId is "x", not a number/,
  },
  {
    name: 'samples not a list',
    file: 'a.heapprofile',
    bytes: heap(heapChild(), { samples: 'many' }),
    says: /"samples" is not a list/,
  },
];

const TABLE: Record<string, Case[]> = {
  heapprofile: heapprofileCases,
  cpuprofile: cpuprofileCases,
  speedscope: speedscopeCases,
  folded: foldedCases,
  pprof: pprofCases,
  pstats: pstatsCases,
};

describe('malformed profiles get a clear message, per format', () => {
  for (const [format, cases] of Object.entries(TABLE)) {
    describe(format, () => {
      for (const c of cases) {
        it(`${c.name}: a clear failure, no JavaScript error text`, () => {
          const r = importProfile(c.bytes, c.file);
          assert.ok(!r.ok, `${c.name} was accepted`);
          assert.doesNotMatch(r.error.message, LEAKED_INTERNALS);
          assert.match(r.error.message, c.says);
        });
      }
    });
  }
});
