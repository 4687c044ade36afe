import type { CallEdge, Frame, FunctionStats, Profile } from '../model';
import type { ImportResult } from './types';
import { invalid } from './types';
import type { MarshalValue } from './marshal';
import { MarshalDict, MarshalError, readMarshal } from './marshal';
import { ok } from '../../util/result';

/** A pstats file is one marshalled dict; the first byte is '{' with or without the ref flag. */
export function looksLikePstats(bytes: Buffer): boolean {
  return bytes.length > 1 && (bytes[0] === 0x7b || bytes[0] === 0xfb);
}

function num(v: MarshalValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new MarshalError(`expected a number, found ${describe(v)}.`);
}

function describe(v: MarshalValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (Array.isArray(v)) return `a ${v.length}-tuple`;
  if (v instanceof MarshalDict) return 'a dict';
  return typeof v;
}

/** A count or time of a pstats entry: finite and not negative. */
function amount(v: MarshalValue, what: string, f: Frame): number {
  const n = num(v);
  if (!Number.isFinite(n) || n < 0)
    throw new MarshalError(`the ${what} of ${f.name} (${f.file}:${f.line}) is not a finite, non-negative number.`);
  return n;
}

/** The (filename, line, function name) key pstats uses for every function. */
function keyFrame(k: MarshalValue): Frame {
  if (!Array.isArray(k) || k.length !== 3 || typeof k[0] !== 'string' || typeof k[2] !== 'string') {
    throw new MarshalError(`expected a (file, line, name) key, found ${describe(k)}.`);
  }
  // Built-ins are keyed ('~', 0, '<built-in method ...>').
  return { name: k[2], file: k[0] === '~' ? '' : k[0], line: num(k[1]!), column: 0 };
}

/**
 * Imports a cProfile/profile stats file (what `pstats.Stats.dump_stats` and `cProfile -o` write):
 * {(file, line, name): (primitive calls, calls, self s, cumulative s, {caller: (...)})}.
 * It has no stacks and no samples, so the profile is flat, with pstats's own times and calls.
 */
export function importPstats(bytes: Buffer, name = 'cProfile'): ImportResult {
  let root: MarshalValue;
  try {
    root = readMarshal(bytes);
  } catch (e) {
    return invalid('pstats', e instanceof MarshalError ? e.message : String(e));
  }
  if (!(root instanceof MarshalDict))
    return invalid('pstats', `expected a marshalled dict at the top, found ${describe(root)}.`);
  try {
    return ok({ format: 'pstats', profiles: [buildFlat(root, name)], activeIndex: 0, warnings: [] });
  } catch (e) {
    if (e instanceof MarshalError) return invalid('pstats', e.message);
    throw e;
  }
}

function buildFlat(root: MarshalDict, name: string): Profile {
  const frames: Frame[] = [];
  const index = new Map<string, number>();
  const idOf = (k: MarshalValue): number => {
    const f = keyFrame(k);
    const key = `${f.file}\u0000${f.line}\u0000${f.name}`;
    let id = index.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      index.set(key, id);
    }
    return id;
  };
  const stats = new Map<number, { calls: number; selfS: number; totalS: number }>();
  const edges: CallEdge[] = [];
  for (const [k, v] of root.entries) {
    const id = idOf(k);
    if (!Array.isArray(v) || v.length < 4)
      throw new MarshalError(`the entry for ${frames[id]!.name} is ${describe(v)}, not (cc, nc, tt, ct, callers).`);
    stats.set(id, {
      calls: amount(v[1]!, 'call count', frames[id]!),
      selfS: amount(v[2]!, 'self time', frames[id]!),
      totalS: amount(v[3]!, 'cumulative time', frames[id]!),
    });
    const callers = v[4];
    if (callers instanceof MarshalDict) {
      for (const [ck, cv] of callers.entries) {
        const caller = idOf(ck);
        // cProfile writes (calls, primitive calls, self, cumulative); the old profile module a call count.
        const calls = amount(Array.isArray(cv) ? cv[0]! : cv, 'call count from a caller', frames[id]!);
        const timeMs =
          Array.isArray(cv) && cv.length >= 4 ? amount(cv[3]!, 'time from a caller', frames[id]!) * 1000 : null;
        edges.push({ caller, callee: id, samples: null, timeMs, calls });
      }
    }
  }
  let selfSum = 0;
  const functions: FunctionStats[] = frames.map((f, i) => {
    const s = stats.get(i);
    selfSum += s?.selfS ?? 0;
    return {
      frame: i,
      name: f.name,
      file: f.file,
      line: f.line,
      column: 0,
      selfSamples: null,
      totalSamples: null,
      selfMs: (s?.selfS ?? 0) * 1000,
      totalMs: (s?.totalS ?? 0) * 1000,
      calls: s?.calls ?? 0,
    };
  });
  return {
    name,
    frames,
    tree: null,
    functions,
    lines: [],
    edges,
    hasSamples: false,
    hasTime: true,
    sampleCount: 0,
    totalMs: selfSum * 1000,
    durationMs: selfSum * 1000,
  };
}
