/**
 * The label groups an OpenMetrics family has finished (a label set less its le, quantile or
 * state label): a group must be one contiguous block, so meeting a finished one again is a rule
 * break. Groups are found by a hash of their labels that does not depend on their order, and
 * compared exactly on a hit, so no key string is built and no names are sorted per group; most
 * groups are new, and a new group costs one pass over its names and values.
 */

interface Group {
  labels: Record<string, string>;
  except: string | undefined;
}

export class ClosedGroups {
  private readonly byHash = new Map<number, Group | Group[]>();

  add(hash: number, labels: Record<string, string>, except: string | undefined): void {
    const group: Group = { labels, except };
    const there = this.byHash.get(hash);
    if (there === undefined) this.byHash.set(hash, group);
    else if (Array.isArray(there)) there.push(group);
    else this.byHash.set(hash, [there, group]);
  }

  has(hash: number, labels: Record<string, string>, except: string | undefined): boolean {
    const there = this.byHash.get(hash);
    if (there === undefined) return false;
    if (!Array.isArray(there)) return sameGroup(there.labels, there.except, labels, except);
    for (const g of there) if (sameGroup(g.labels, g.except, labels, except)) return true;
    return false;
  }
}

/** Whether two samples' labels, each less the label its group leaves out, are the same set. */
export function sameGroup(
  a: Record<string, string>,
  exceptA: string | undefined,
  b: Record<string, string>,
  exceptB: string | undefined,
): boolean {
  let n = 0;
  for (const k in b) {
    if (k === exceptB) continue;
    if (k === exceptA || a[k] !== b[k]) return false;
    n++;
  }
  for (const k in a) if (k !== exceptA) n--;
  return n === 0;
}

/**
 * The hashes of label names met lately, one slot per name length (mod NAME_SLOTS): the names of
 * a scrape's label sets repeat (and, as property keys, are the same strings each time), so most
 * are found here instead of being hashed character by character again. Names only: they are
 * few and short, and as property keys they are strings of their own, never views into a body.
 */
const NAME_SLOTS = 16;
const slotNames: string[] = new Array<string>(NAME_SLOTS).fill('');
const slotHashes: number[] = new Array<number>(NAME_SLOTS).fill(stringHash(''));

function nameHash(name: string): number {
  const slot = name.length & (NAME_SLOTS - 1);
  if (slotNames[slot] === name) return slotHashes[slot]!;
  const h = stringHash(name);
  slotNames[slot] = name;
  slotHashes[slot] = h;
  return h;
}

/** A hash of the labels less `except`: each name and value pair mixed, the pairs summed (order-free). */
export function groupHash(labels: Record<string, string>, except: string | undefined): number {
  let h = 0;
  for (const k in labels) {
    if (k === except) continue;
    let p = Math.imul(nameHash(k), 0x9e3779b1) ^ stringHash(labels[k]!);
    p = Math.imul(p ^ (p >>> 16), 0x85ebca6b);
    p = Math.imul(p ^ (p >>> 13), 0xc2b2ae35);
    h = (h + (p ^ (p >>> 16))) | 0;
  }
  return h;
}

function stringHash(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
