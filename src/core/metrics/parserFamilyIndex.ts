/**
 * The families of one Prometheus text body by name, for its reader (parserPrometheus.ts).
 *
 * Exporters written with the Go client (node_exporter, Prometheus itself) write their families
 * sorted by name, so that most names a first read of such a body looks up come after every name
 * it has seen: such a name names no family yet, and the index says so by one comparison with the
 * greatest name so far, without hashing the name (a string just sliced from the body has no hash
 * yet, and hashing it costs more than the comparison). The families known that way join the Map
 * only when a name that is not past them all is looked up. With `ordered` off (a body read through
 * a series cache, whose names are kept strings already hashed) every name goes to the Map.
 *
 * A name given with where it is written in an ASCII body (a HELP or TYPE line's) is compared
 * with the greatest name there, on the body's bytes, when that name is written there too:
 * comparing two strings sliced from the body (most names are views into it) is a call into the
 * runtime that costs several times the byte loop, and Go exporters' names share long prefixes.
 */
import type { MetricFamily } from './types';
import type { BodyText } from './parserBody';
import * as comment from './parserComment';

// Local bindings, not live imports (see parserScan.ts).
const { AFTER, UNCOMPARED } = comment;

export interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  helped: boolean;
}

const NO_BYTES = new Uint8Array(0);

let inPlace = true;

/**
 * Turns the in-place comparison of names off (false) or back on: the differential tests parse
 * each input both ways and compare the results. Not for production use.
 */
export function setFamilyNamesInPlaceEnabled(enabled: boolean): void {
  inPlace = enabled;
}

export class FamilyIndex {
  /** Every family, in the order the body first names them. */
  families: MetricFamily[] = [];
  /** The families made while names were in order, the first `mapped` of them in the Map too. */
  private states: FamilyState[] = [];
  private readonly byName = new Map<string, FamilyState>();
  private mapped = 0;
  /** The greatest family name so far (with `ordered`). */
  greatest = '';
  /**
   * Where that name is written in the body's byte copy; -1: not known to be written there (also
   * when names are not in order). A HELP line's name is compared with it as the line is read.
   */
  greatestAt = -1;
  private ordered = false;
  /** The body the names given with a place are written in, and its byte copy (undefined: none). */
  private body: BodyText | undefined;
  private view: DataView | undefined;
  private bytes: Uint8Array = NO_BYTES;

  /** A new body; `ordered` as the module comment says. */
  begin(ordered: boolean, body?: BodyText): void {
    this.ordered = ordered;
    this.body = body;
    // Only for a first read: through a series cache names are kept strings, mostly the same ones.
    this.view = inPlace && ordered ? body?.view : undefined;
    this.bytes = body?.bytes ?? NO_BYTES;
  }

  /** The family of that name, if there is one. */
  find(name: string): FamilyState | undefined {
    if (this.ordered && name > this.greatest) return undefined;
    this.catchUp();
    return this.byName.get(name);
  }

  /**
   * The family of that name, made (with no type, help or samples) if there is none. `at`: where
   * the name is written in the body given to begin (-1: not written as itself, or not known);
   * `order`: whether it comes after the greatest name, when the caller compared it with that
   * name where it is written (at greatestAt), else UNCOMPARED.
   */
  named(name: string, at = -1, order = UNCOMPARED): FamilyState {
    if (
      this.ordered &&
      (order !== UNCOMPARED
        ? order === AFTER
        : at >= 0 && this.greatestAt >= 0
          ? this.pastGreatestAt(at, name.length)
          : name > this.greatest)
    ) {
      this.greatest = name;
      this.greatestAt = this.view === undefined ? -1 : at;
      return this.made(name);
    }
    this.catchUp();
    let state = this.byName.get(name);
    if (state === undefined) {
      // A new name before one seen already: the body is not sorted, and the Map serves alone.
      this.ordered = false;
      state = this.made(name);
      this.byName.set(name, state);
    }
    return state;
  }

  /** Lets go of every family (the index is reused by the next reader). */
  clear(): void {
    this.families = [];
    this.states = [];
    this.byName.clear();
    this.mapped = 0;
    this.greatest = '';
    this.greatestAt = -1;
    this.body = undefined;
    this.view = undefined;
    this.bytes = NO_BYTES;
  }

  /**
   * Whether `name`, written at `at` in the body given to begin, is the name of `state`, written
   * at `stateAt`. On a first read of a body with a byte copy, compared where both are written, as
   * two strings sliced from the body compare in the runtime.
   */
  sameName(state: FamilyState, stateAt: number, name: string, at: number): boolean {
    const known = state.family.name;
    if (this.view === undefined) return known === name;
    return known.length === name.length && this.body!.same(at, stateAt, name.length);
  }

  /**
   * Whether the name written at text[at, at + n) comes after the greatest name, compared as
   * strings are (by character codes, a prefix first) on the body's bytes: four at a time as
   * big-endian words, whose order is that of their bytes. Only with a byte copy (greatestAt is
   * -1 without one).
   */
  private pastGreatestAt(at: number, n: number): boolean {
    const view = this.view!;
    const g = this.greatestAt;
    const m = this.greatest.length;
    const shorter = n < m ? n : m;
    let i = 0;
    for (; i + 4 <= shorter; i += 4) {
      const a = view.getUint32(at + i);
      const b = view.getUint32(g + i);
      if (a !== b) return a > b;
    }
    const bytes = this.bytes;
    for (; i < shorter; i++) {
      const a = bytes[at + i]!;
      const b = bytes[g + i]!;
      if (a !== b) return a > b;
    }
    return n > m;
  }

  private made(name: string): FamilyState {
    const state: FamilyState = { family: { name, type: 'untyped', samples: [] }, typed: false, helped: false };
    // Listed only while names may be in order: the others go straight into the Map.
    if (this.ordered) this.states.push(state);
    this.families.push(state.family);
    return state;
  }

  /** Puts the families not yet in the Map into it. */
  private catchUp(): void {
    const states = this.states;
    for (let i = this.mapped; i < states.length; i++) this.byName.set(states[i]!.family.name, states[i]!);
    this.mapped = states.length;
  }
}
