/**
 * Generated V8 CPU profiles for the scanner's property tests: any tree shape, key order, escapes,
 * whitespace and number forms, written as JSON text.
 */
import fc from 'fast-check';
import { prng } from '../../examples/demo-service/src/random';

/** A JSON value with its objects' members in writing order (so order and repeats are chosen here). */
export type Doc = null | boolean | number | string | Doc[] | { members: [string, Doc][] };

/** How a document is spelled: whitespace, escapes and number forms, drawn from a seeded generator. */
export interface Spelling {
  seed: number;
  space: number;
  escapes: number;
  numberForms: boolean;
}

export function write(doc: Doc, how: Spelling): string {
  const rand = prng(how.seed);
  const ws = () => (rand() < how.space ? [' ', '\n', '\t', '\r\n', '  '][Math.floor(rand() * 5)]! : '');
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\' || c < 0x20 || rand() < how.escapes) {
        const units = c > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [c];
        out += units
          .map((u) => `\\u${u.toString(16).padStart(4, '0')[rand() < 0.5 ? 'toUpperCase' : 'toLowerCase']()}`)
          .join('');
      } else out += ch;
    }
    return `${out}"`;
  };
  const num = (n: number) => {
    const plain = JSON.stringify(n);
    if (!how.numberForms || /^-?\d+$/.exec(plain) === null) return plain;
    switch (Math.floor(rand() * 5)) {
      case 0:
        return `${plain}e0`;
      case 1:
        return `${plain}.000`;
      case 2:
        return /^-?0$/.exec(plain) !== null ? plain : `${plain}0E-1`;
      case 3:
        return `${plain}e+0`;
      default:
        return plain;
    }
  };
  const go = (d: Doc): string => {
    if (d === null || typeof d === 'boolean') return String(d);
    if (typeof d === 'number') return num(d);
    if (typeof d === 'string') return str(d);
    if (Array.isArray(d)) return `[${ws()}${d.map((x) => `${go(x)}${ws()}`).join(`,${ws()}`)}]`;
    return `{${ws()}${d.members.map(([k, v]) => `${str(k)}${ws()}:${ws()}${go(v)}${ws()}`).join(`,${ws()}`)}}`;
  };
  return `${ws()}${go(doc)}${ws()}`;
}

const obj = (...members: [string, Doc | undefined][]): Doc => ({
  members: members.filter((m): m is [string, Doc] => m[1] !== undefined),
});

/** Strings from a small pool (so frames repeat), with quotes, backslashes, controls and non-ASCII. */
const names = fc.constantFrom(
  '(root)',
  '(program)',
  '',
  'a',
  'main',
  'x"y',
  'back\\slash',
  'tab\tnl\n',
  'café',
  '\u{1f600}',
  '\udc00',
);
const urls = fc.constantFrom('', 'file:///srv/app.js', 'node:internal/main', 'https://x/app.js?v=1', 'C:\\app\\m.js');
const position = fc.oneof(
  fc.integer({ min: -1, max: 5000 }),
  fc.constant(undefined),
  fc.double({ min: -2, max: 1e6, noNaN: true }),
);
const extra = fc.constantFrom<Doc>(null, true, 0.5, 'x', [], { members: [] }, [[1, [2, { members: [['k', [null]]] }]]]);

interface NodeSpec {
  name: string;
  url: string;
  line: number | undefined;
  column: number | undefined;
  parentPick: number;
  ticks: [number, number][] | undefined;
  extra: Doc | undefined;
}

const nodeSpec = fc.record<NodeSpec>({
  name: names,
  url: urls,
  line: position,
  column: position,
  parentPick: fc.nat(),
  ticks: fc.option(fc.array(fc.tuple(fc.integer({ min: -3, max: 900 }), fc.nat(20)), { maxLength: 3 }), {
    nil: undefined,
  }),
  extra: fc.option(extra, { nil: undefined }),
});

export const profileSpec = fc.record({
  nodes: fc.array(nodeSpec, { minLength: 1, maxLength: 25 }),
  idBase: fc.constantFrom(0, 1, 1000, -5),
  idStride: fc.constantFrom(1, 1, 3),
  useParent: fc.boolean(),
  shuffle: fc.nat(),
  samples: fc.array(fc.nat(), { maxLength: 40 }),
  deltas: fc.constantFrom('ints', 'floats', 'timestamps'),
  deltaSeed: fc.nat(),
  startTime: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
  topExtra: fc.option(extra, { nil: undefined }),
  reverseKeys: fc.boolean(),
});

type ProfileSpec = typeof profileSpec extends fc.Arbitrary<infer T> ? T : never;

export function profileDoc(p: ProfileSpec): Doc {
  const n = p.nodes.length;
  const ids = p.nodes.map((_, i) => p.idBase + i * p.idStride);
  const parent = p.nodes.map((s, i) => (i === 0 ? -1 : s.parentPick % i));
  const children = p.nodes.map(() => [] as number[]);
  parent.forEach((q, i) => q >= 0 && children[q]!.push(ids[i]!));
  const rand = prng(p.deltaSeed);
  const order = p.nodes.map((_, i) => i);
  if (p.shuffle % 3 === 0) order.reverse();
  const keys = (members: [string, Doc | undefined][]) => obj(...(p.reverseKeys ? members.reverse() : members));
  const nodes: Doc[] = order.map((i) => {
    const s = p.nodes[i]!;
    return keys([
      ['id', ids[i]!],
      [
        'callFrame',
        keys([
          ['functionName', s.name],
          ['scriptId', String(i % 3)],
          ['url', s.url],
          ['lineNumber', s.line],
          ['columnNumber', s.column],
        ]),
      ],
      ['hitCount', i % 4],
      ['children', p.useParent ? undefined : children[i]!],
      ['parent', p.useParent && parent[i]! >= 0 ? ids[parent[i]!]! : undefined],
      ['positionTicks', s.ticks?.map(([line, ticks]) => obj(['line', line], ['ticks', ticks]))],
      ['deoptReason', s.extra],
    ]);
  });
  const samples = p.samples.map((k) => ids[k % n]!);
  const deltas = samples.map(() => (p.deltas === 'floats' ? rand() * 2000 - 100 : Math.floor(rand() * 1500)));
  let t = p.startTime ?? 0;
  const timestamps = [t, ...deltas.map((d) => (t += Math.abs(d)))];
  return keys([
    ['nodes', nodes],
    ['startTime', p.startTime],
    ['endTime', p.startTime === undefined ? undefined : p.startTime + 1_000_000],
    ['samples', samples],
    p.deltas === 'timestamps' ? ['timestamps', timestamps] : ['timeDeltas', deltas],
    ['title', p.topExtra],
  ]);
}

export const spelling = fc.record<Spelling>({
  seed: fc.nat(),
  space: fc.constantFrom(0, 0, 0.3, 1),
  escapes: fc.constantFrom(0, 0, 0.2, 1),
  numberForms: fc.boolean(),
});

/**
 * A V8-shaped profile like the ones services write: `nodes` nodes over a few hundred functions,
 * positionTicks on leaves, `samples` samples with ~1 ms deltas.
 */
export function generatedProfile(nodes: number, samples: number, seed = 1): string {
  const rand = prng(seed);
  const children: number[][] = Array.from({ length: nodes }, () => []);
  for (let i = 1; i < nodes; i++) children[Math.floor(Math.pow(rand(), 0.6) * i)]!.push(i + 1);
  const out: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const f = i === 0 ? 0 : Math.floor(rand() * 300);
    const ticks = children[i]!.length ? '' : `,"positionTicks":[{"line":${f + 3},"ticks":${1 + (i % 7)}}]`;
    out.push(
      `{"id":${i + 1},"callFrame":{"functionName":"${i === 0 ? '(root)' : `fn${f}_\\u00e9`}","scriptId":"${f % 30}","url":"file:///srv/app/m${f % 30}.js","lineNumber":${f},"columnNumber":${(f * 7) % 80}},"hitCount":0,"children":[${children[i]!.join(',')}]${ticks}}`,
    );
  }
  const ids = Array.from({ length: samples }, () => 1 + Math.floor(Math.pow(rand(), 3) * nodes));
  const deltas = ids.map(() => 800 + Math.floor(rand() * 400) + (rand() < 0.1 ? 0.25 : 0));
  return `{"nodes":[${out.join(',')}],"startTime":1000000,"endTime":${1000000 + samples * 1000},"samples":[${ids.join(',')}],"timeDeltas":[${deltas.join(',')}]}`;
}
