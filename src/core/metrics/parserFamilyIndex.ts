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
 */
import type { MetricFamily } from './types';

export interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  helped: boolean;
}

export class FamilyIndex {
  /** Every family, in the order the body first names them. */
  families: MetricFamily[] = [];
  /** The families made while names were in order, the first `mapped` of them in the Map too. */
  private states: FamilyState[] = [];
  private readonly byName = new Map<string, FamilyState>();
  private mapped = 0;
  /** The greatest family name so far (with `ordered`). */
  private greatest = '';
  private ordered = false;

  begin(ordered: boolean): void {
    this.ordered = ordered;
  }

  /** The family of that name, if there is one. */
  find(name: string): FamilyState | undefined {
    if (this.ordered && name > this.greatest) return undefined;
    this.catchUp();
    return this.byName.get(name);
  }

  /** The family of that name, made (with no type, help or samples) if there is none. */
  named(name: string): FamilyState {
    if (this.ordered && name > this.greatest) {
      this.greatest = name;
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
