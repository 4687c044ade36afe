/**
 * Keeps one object of each per-round shape alive between rounds, so that V8 keeps the code it
 * optimised for that shape.
 *
 * V8 gives every object a hidden class (a "map"). An object literal's map is held by the literal
 * itself, but the map of an object built field by field (a class instance whose constructor sets
 * its fields, a header table filled in name by name, a JSON.parse result) is held only by the
 * objects that have it: the map it came from, the inline caches and the optimised code that know
 * it all hold it weakly. A session builds such objects every round (a parser, a response reader,
 * a parsed health answer) and drops them before the next, so a full collection between two
 * rounds, which V8 runs every minute or two in an idle process to give memory back, finds those
 * maps dead. Every optimised function that relied on one is thrown away then ("weak objects" in
 * `node --trace-deopt`), runs unoptimised for a while, and is compiled again: at one round a
 * second that cost more CPU than the rounds themselves (bench/README.md, "Code thrown away by full
 * collections").
 *
 * keepShape(key, object) holds the object given last under each key, replacing the one before:
 * callers hand over an object they are done with, after dropping what it referred to (a body, a
 * result), so what stays alive is a few small objects whatever the scrapes hold.
 *
 * An object kept for its shape alone belongs here too, not in a module constant: a top-level
 * constant that no function reads is not held by its module once the module has loaded, and the
 * first collection takes it.
 */
const kept = new Map<string, object>();

/** Holds `object` (until the next call with the same key) so that its map stays alive. */
export function keepShape(key: string, object: object): void {
  kept.set(key, object);
}

/** The object held under `key` (tests). */
export function keptShape(key: string): object | undefined {
  return kept.get(key);
}

/** Lets go of the objects held under `keys` (tests: their shapes may then die at the next full collection). */
export function forgetShapes(keys: readonly string[]): void {
  for (const key of keys) kept.delete(key);
}
