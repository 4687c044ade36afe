/**
 * Building a sample's label object. Storing labels one at a time under names known only at run
 * time (`labels[name] = value`) is a keyed store that V8 cannot specialise, since the names
 * change from family to family: it cost about a third of scanning a label set. A scrape repeats
 * a handful of label-name lists (one per family, give or take `le`), so each list gets a small
 * function that returns an object literal with those names, written once and reused: its
 * objects share one shape and are made in one step.
 *
 * Only lists of plain names (`[a-zA-Z_][a-zA-Z0-9_]*`, which cannot break out of a quoted
 * property key) get such a function; a quoted name, `__proto__` (a literal key of that name
 * would set the prototype) or a list longer than MAX_BUILT_LABELS take the keyed-store path.
 */

/** A function that makes a label object from the label values, in the order of its names. */
export type LabelSetBuilder = (values: readonly string[]) => Record<string, string>;

/** Lists longer than this are rare enough that a literal per list would not pay back. */
const MAX_BUILT_LABELS = 32;

/** How many builders are kept across parses; a scrape with more distinct lists builds the rest by keyed stores. */
const MAX_BUILDERS = 512;

/**
 * How many kept lists may share a first name: a lookup compares the lists with its first name one
 * by one, so a scrape whose many label lists all begin with one name (hostile, or just unusual)
 * builds the rest by keyed stores instead of making every lookup walk hundreds of lists.
 */
const MAX_SHARING_FIRST_NAME = 64;

/** A builder and the names it was made for (copies: none keeps a scrape's body alive). */
interface KeptBuilder {
  readonly names: readonly string[];
  readonly builder: LabelSetBuilder;
}

/**
 * The builders made so far, by the first name of their list ("" for none): a lookup by a name
 * the scanner already holds, where a key joined from the whole list would be a new string to
 * make and hash on every lookup. Few lists share a first name, and they are told apart by
 * comparing the rest of their names.
 */
const builders = new Map<string, KeptBuilder[]>();
let builderCount = 0;

/** A copy of a string made of its own characters, not a view into (and keeping alive) a scrape's body. */
function ownCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

const PLAIN_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A plain assignment to "__proto__" would set the object's prototype instead of a label. */
export function setProtoLabel(labels: Record<string, string>, value: string): void {
  Object.defineProperty(labels, '__proto__', { value, enumerable: true, writable: true, configurable: true });
}

/** The label object by keyed stores: any names, any number (names are distinct). */
export function buildLabelsByStores(
  names: readonly string[],
  values: readonly string[],
  count: number,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    if (name.charCodeAt(0) === 95 && name === '__proto__') setProtoLabel(labels, values[i]!);
    else labels[name] = values[i]!;
  }
  return labels;
}

/**
 * The builder for names[0, count), or undefined when that list must be built by keyed stores
 * (see the module comment). Names must be distinct.
 */
export function labelSetBuilder(names: readonly string[], count: number): LabelSetBuilder | undefined {
  if (count > MAX_BUILT_LABELS) return undefined;
  const first = count === 0 ? '' : names[0]!;
  const kept = builders.get(first);
  if (kept !== undefined) {
    for (let b = 0; b < kept.length; b++) {
      const known = kept[b]!;
      const knownNames = known.names;
      if (knownNames.length !== count) continue;
      let k = 1;
      while (k < count && knownNames[k] === names[k]) k++;
      if (k >= count) return known.builder;
    }
  }
  if (builderCount >= MAX_BUILDERS || (kept !== undefined && kept.length >= MAX_SHARING_FIRST_NAME)) return undefined;
  let body = '';
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    if (!PLAIN_NAME.test(name) || name === '__proto__') return undefined;
    body += `${i === 0 ? '' : ','}${JSON.stringify(name)}:v[${i}]`;
  }
  // Names are plain identifiers here (checked above), so the generated source is only an object
  // literal of string keys; nothing from the scrape runs.
  const builder = new Function('v', `return {${body}};`) as LabelSetBuilder;
  // The names are kept across parses: copies, since they may be slices that keep the whole body
  // of this scrape alive (a name of 13 characters or more is a view into the body).
  const own: string[] = [];
  for (let i = 0; i < count; i++) own.push(ownCopy(names[i]!));
  const entry: KeptBuilder = { names: own, builder };
  if (kept !== undefined) kept.push(entry);
  else builders.set(count === 0 ? '' : own[0]!, [entry]);
  builderCount++;
  return builder;
}
