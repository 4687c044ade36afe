import { StackTreeBuilder } from '../builder';
import type { Frame, Profile } from '../model';
import type { ImportResult } from './types';
import { FormatError, invalid } from './types';
import { ok } from '../../util/result';

interface SpeedscopeFrame {
  name?: string;
  file?: string;
  line?: number;
  col?: number;
}

interface SpeedscopeProfileJson {
  type?: string;
  name?: string;
  unit?: string;
  startValue?: number;
  endValue?: number;
  samples?: number[][];
  weights?: number[];
  events?: { type?: string; at?: number; frame?: number }[];
}

export interface SpeedscopeJson {
  $schema?: string;
  shared?: { frames?: SpeedscopeFrame[] };
  profiles?: SpeedscopeProfileJson[];
  activeProfileIndex?: number;
  name?: string;
}

export function looksLikeSpeedscope(json: unknown): json is SpeedscopeJson {
  if (!json || typeof json !== 'object') return false;
  const j = json as SpeedscopeJson;
  return (
    (typeof j.$schema === 'string' && j.$schema.includes('speedscope')) ||
    (Array.isArray(j.profiles) && typeof j.shared === 'object')
  );
}

/** Milliseconds per unit for time units; undefined for weights that are not time (none, bytes). */
const MS_PER_UNIT: Record<string, number> = { nanoseconds: 1e-6, microseconds: 1e-3, milliseconds: 1, seconds: 1000 };

/**
 * Imports speedscope's own file format: sampled and evented profiles, several per file, sharing
 * one frame table. Weights in a time unit become milliseconds; unit "none" weights become samples.
 */
export function importSpeedscope(json: SpeedscopeJson): ImportResult {
  try {
    const frames = json.shared?.frames;
    if (!Array.isArray(frames)) throw new FormatError('it has no shared.frames table.');
    if (!Array.isArray(json.profiles) || json.profiles.length === 0) throw new FormatError('it has no profiles.');
    const profiles = json.profiles.map((p: unknown, i) => {
      if (!p || typeof p !== 'object' || Array.isArray(p))
        throw new FormatError(`profile ${i} is not an object (${p === null ? 'null' : typeof p}).`);
      return importOne(p as SpeedscopeProfileJson, i, frames);
    });
    const a = json.activeProfileIndex;
    if (a !== undefined && a !== null && !(Number.isInteger(a) && a >= 0 && a < profiles.length)) {
      throw new FormatError(
        `activeProfileIndex ${JSON.stringify(a)} is not one of its profiles (0 to ${profiles.length - 1}).`,
      );
    }
    const active = typeof a === 'number' ? a : 0;
    return ok({ format: 'speedscope', profiles, activeIndex: active, warnings: [] });
  } catch (e) {
    if (e instanceof FormatError) return invalid('speedscope', e.message);
    throw e;
  }
}

function toFrame(f: SpeedscopeFrame | undefined, index: number): Frame {
  if (!f || typeof f !== 'object') throw new FormatError(`frame ${index} is missing.`);
  if (f.name !== undefined && typeof f.name !== 'string' && typeof f.name !== 'number')
    throw new FormatError(`frame ${index} has a name that is not text.`);
  if (f.file !== undefined && f.file !== null && typeof f.file !== 'string')
    throw new FormatError(`frame ${index} has a file that is not text.`);
  const whole = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
  return { name: String(f.name ?? `(frame ${index})`), file: f.file ?? '', line: whole(f.line), column: whole(f.col) };
}

function importOne(p: SpeedscopeProfileJson, index: number, shared: SpeedscopeFrame[]): Profile {
  const label = `profile ${index} (${p.name ?? 'unnamed'})`;
  const unit = p.unit ?? 'none';
  const msPer = MS_PER_UNIT[unit];
  const b = new StackTreeBuilder(msPer !== undefined);
  const ids = new Map<number, number>();
  const frameId = (i: unknown): number => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= shared.length)
      throw new FormatError(`${label} refers to frame ${String(i)}, which is not in shared.frames.`);
    let id = ids.get(i);
    if (id === undefined) ids.set(i, (id = b.frameId(toFrame(shared[i], i))));
    return id;
  };
  const span = typeof p.endValue === 'number' && typeof p.startValue === 'number' ? p.endValue - p.startValue : null;
  const durationMs = span !== null && msPer !== undefined ? span * msPer : null;
  if (p.type === 'sampled') {
    if (!Array.isArray(p.samples)) throw new FormatError(`${label} is sampled but has no samples array.`);
    const weights = p.weights === undefined || p.weights === null ? undefined : p.weights;
    if (weights !== undefined && !Array.isArray(weights))
      throw new FormatError(`${label} has "weights" that is not a list.`);
    let total = 0;
    if (weights && weights.length !== p.samples.length)
      throw new FormatError(`${label} has ${p.samples.length} samples but ${weights.length} weights.`);
    p.samples.forEach((stack, s) => {
      if (!Array.isArray(stack)) throw new FormatError(`${label}: sample ${s} is not an array of frame indexes.`);
      const w = weights ? weights[s]! : 1;
      if (typeof w !== 'number' || !(w >= 0))
        throw new FormatError(`${label}: weight ${s} is not a non-negative number.`);
      total += w;
      if (!Number.isFinite(total))
        throw new FormatError(`${label}: its weights add up to a number too large to represent.`);
      b.addStack(stack.map(frameId), msPer === undefined ? w : 1, msPer === undefined ? 0 : w * msPer);
    });
    return b.finish(p.name ?? `profile ${index}`, true, durationMs);
  }
  if (p.type === 'evented') {
    if (!Array.isArray(p.events)) throw new FormatError(`${label} is evented but has no events array.`);
    const nodeStack: number[] = [0];
    const frameStack: number[] = [];
    let last = typeof p.startValue === 'number' ? p.startValue : (p.events[0]?.at ?? 0);
    for (const [k, e] of p.events.entries()) {
      if (typeof e?.at !== 'number' || !Number.isFinite(e.at))
        throw new FormatError(`${label}: event ${k} has no "at" value.`);
      if (e.at < last)
        throw new FormatError(`${label}: event ${k} at ${e.at} comes before the previous event at ${last}.`);
      const top = nodeStack[nodeStack.length - 1]!;
      if (top !== 0 && e.at > last)
        b.addSelf(top, msPer === undefined ? e.at - last : 0, msPer === undefined ? 0 : (e.at - last) * msPer);
      last = e.at;
      if (e.type === 'O') {
        if (typeof e.frame !== 'number')
          throw new FormatError(`${label}: event ${k} opens no frame (its "frame" is not a frame index).`);
        frameStack.push(e.frame);
        nodeStack.push(b.child(top, frameId(e.frame)));
      } else if (e.type === 'C') {
        const open = frameStack[frameStack.length - 1];
        if (open !== e.frame) {
          throw new FormatError(
            `${label}: event ${k} closes frame ${String(e.frame)} at ${e.at} but the innermost open frame is ${open === undefined ? 'none' : String(open)} (events out of order).`,
          );
        }
        frameStack.pop();
        nodeStack.pop();
      } else {
        throw new FormatError(`${label}: event ${k} has type ${JSON.stringify(e.type)}; expected "O" or "C".`);
      }
    }
    if (frameStack.length > 0)
      throw new FormatError(
        `${label} ends with ${frameStack.length} frame${frameStack.length === 1 ? '' : 's'} still open (incomplete trace).`,
      );
    return b.finish(p.name ?? `profile ${index}`, msPer === undefined, durationMs);
  }
  throw new FormatError(`${label} has type ${JSON.stringify(p.type)}; expected "sampled" or "evented".`);
}
