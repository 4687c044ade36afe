/**
 * The names an OpenMetrics family claims, worked out when a name is looked up instead of listed
 * when the family is typed (the reader's first read of a body, parserOpenMetrics.ts).
 *
 * A family claims its own name and, once typed, its name followed by each sample suffix its type
 * allows (x_total and x_created for a counter x). Listing those means a new string per suffix,
 * hashed twice (looked up, then added), on every TYPE line. Instead the reader keeps families by
 * their own names only and answers "who claims N?" from the other side: N's own family, or, when
 * N ends in a sample suffix, the family named N without it if its type allows that suffix. Since
 * no suffix ends with another (checked below), N ends in at most one of them, and a TYPE line
 * for x of type T clashes with an earlier family exactly when that family is named x + s for a
 * suffix s of T: such a family's name ends in s, so only the few families whose names end in a
 * suffix (kept aside as they are made) need comparing, by length and characters, no string made.
 */
import type { MetricType } from './types';
import * as familyRules from './parserOpenMetricsFamily';
import type { FamilyState } from './parserOpenMetricsFamily';

// Local bindings, not live imports (see parserScan.ts).
const { SUFFIXES, suffixIn } = familyRules;

/** Every sample suffix some type allows ('' aside), once each. */
const ENDINGS: readonly string[] = [...new Set(Object.values(SUFFIXES).flat())].filter((s) => s !== '');

/**
 * Whether the claims can be worked out on lookup: only if no suffix ends with another (then a
 * name ends in one suffix at most, and x + s can be another family's y + s' only when s = s').
 */
export const LAZY_CLAIMS_POSSIBLE = !ENDINGS.some((a) => ENDINGS.some((b) => a !== b && a.endsWith(b)));

/**
 * The suffixes by their last character code, to try only those a name can end in (every code
 * below 128 has a place, the others none: an array with all its places, not a sparse one).
 */
const ENDINGS_BY_LAST: readonly (readonly string[] | undefined)[] = (() => {
  const byLast = new Array<string[] | undefined>(128).fill(undefined);
  for (const s of ENDINGS) (byLast[s.charCodeAt(s.length - 1)] ??= []).push(s);
  return byLast;
})();

/** The sample suffix `name` ends in, after at least one character; undefined for none. */
export function endingOf(name: string): string | undefined {
  const n = name.length;
  const candidates = ENDINGS_BY_LAST[name.charCodeAt(n - 1)];
  if (candidates === undefined) return undefined;
  for (const suffix of candidates) {
    const m = suffix.length;
    if (n <= m) continue;
    let k = m - 2;
    while (k >= 0 && name.charCodeAt(n - m + k) === suffix.charCodeAt(k)) k--;
    if (k < 0) return suffix;
  }
  return undefined;
}

/**
 * The family that claims `name`, given the families by their own names: its own, else the one
 * named `name` without the suffix it ends in, if that family's type allows the suffix.
 */
export function claimOwner(byName: Map<string, FamilyState>, name: string): FamilyState | undefined {
  const own = byName.get(name);
  if (own !== undefined) return own;
  const suffix = endingOf(name);
  if (suffix === undefined) return undefined;
  const stem = byName.get(name.slice(0, name.length - suffix.length));
  return stem !== undefined && suffixIn(stem.family, name) !== undefined ? stem : undefined;
}

/**
 * The earlier family that a TYPE line for `name` of type `type` clashes with: the first, in the
 * order of the type's suffixes, named `name` + suffix, among `suffixed` (the families whose names
 * end in a suffix). Undefined for none.
 */
export function typeClash(suffixed: readonly FamilyState[], name: string, type: MetricType): FamilyState | undefined {
  if (suffixed.length === 0) return undefined;
  const n = name.length;
  for (const suffix of SUFFIXES[type]) {
    if (suffix === '') continue;
    const m = suffix.length;
    for (const state of suffixed) {
      const other = state.family.name;
      if (other.length === n + m && other.endsWith(suffix) && other.startsWith(name)) return state;
    }
  }
  return undefined;
}
