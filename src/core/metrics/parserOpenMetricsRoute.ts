/**
 * Which OpenMetrics family a sample line belongs to, and under which of its type's suffixes: the
 * current family's, else the family that claims the name (a stray sample of an earlier family,
 * merged into it in lenient mode), else a new untyped family of that name. The last few names
 * routed into the current family are remembered, so a family's repeated sample names (x_bucket,
 * x_count, x_sum, x_created) are worked out once.
 */
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import * as familyRules from './parserOpenMetricsFamily';
import type { FamilyState, SeriesFacts } from './parserOpenMetricsFamily';

// Local bindings, not live imports (see parserScan.ts).
const { SUFFIXES, suffixIn } = familyRules;

/** How many sample names the route cache remembers per family (x_bucket, x_count, x_sum, x_created). */
export const ROUTES = 4;

/** What routing reads and sets of the reader (parserOpenMetrics.ts). */
export interface RouteHost {
  current: FamilyState | undefined;
  /** Where the current family's name is written on its last metadata line (-1: on none). */
  currentNameAt: number;
  readonly lineNo: number;
  readonly log: ProblemLog;
  /** Route cache: names recently routed into routeOwner, with their suffixes. */
  readonly routeNames: string[];
  readonly routeSuffixes: string[];
  routeNext: number;
  routeOwner: FamilyState | undefined;
  /** The family and suffix the last routed name was given. */
  routedState: FamilyState | undefined;
  routedSuffix: string;
  /** The family that claims `name` (its own, or one whose samples may be named so), if any. */
  ownerOf(name: string): FamilyState | undefined;
  startFamily(name: string): FamilyState;
  finishFamily(state: FamilyState): void;
}

/** Empties the route cache (its lists keep their ROUTES entries). */
export function forgetRoutes(host: RouteHost): void {
  const names = host.routeNames;
  const suffixes = host.routeSuffixes;
  for (let r = 0; r < ROUTES; r++) names[r] = suffixes[r] = '';
}

/**
 * Which family a sample belongs to, and the suffix it has there: sets routedState and
 * routedSuffix. The last few names routed into the current family are remembered.
 */
export function routeSample(host: RouteHost, name: string, facts: SeriesFacts | undefined): void {
  const current = host.current;
  if (
    facts !== undefined &&
    current !== undefined &&
    facts.familyName === current.family.name &&
    facts.familyType === current.family.type
  ) {
    // The series was a sample of a family of this name and type before: the same suffix.
    host.routedState = current;
    host.routedSuffix = facts.suffix;
    return;
  }
  if (current !== undefined && current === host.routeOwner) {
    const names = host.routeNames;
    for (let r = 0; r < ROUTES; r++) {
      if (names[r] === name) {
        host.routedState = current;
        host.routedSuffix = host.routeSuffixes[r]!;
        return;
      }
    }
  }
  resolve(host, name, facts);
  const state = host.routedState!;
  const suffix = host.routedSuffix;
  if (state !== host.routeOwner) {
    forgetRoutes(host);
    host.routeOwner = state;
  }
  host.routeNames[host.routeNext] = name;
  host.routeSuffixes[host.routeNext] = suffix;
  host.routeNext = (host.routeNext + 1) % ROUTES;
}

/** Sets routedState and routedSuffix for a sample name the route cache did not know. */
function resolve(host: RouteHost, name: string, facts: SeriesFacts | undefined): void {
  const current = host.current;
  if (current) {
    const suffix = suffixIn(current.family, name);
    if (suffix !== undefined) {
      host.routedState = current;
      host.routedSuffix = suffix;
      if (facts !== undefined) {
        // suffixIn depends on the family's name and type alone.
        facts.familyName = current.family.name;
        facts.familyType = current.family.type;
        facts.suffix = suffix;
      }
      return;
    }
  }
  const owner = host.ownerOf(name);
  if (owner) {
    let suffix = suffixIn(owner.family, name);
    if (suffix === undefined) {
      const f = owner.family;
      const allowed = SUFFIXES[f.type].map((x) => `"${f.name}${x}"`).join(', ');
      const reason = `sample "${name}" does not belong in ${f.type} "${f.name}", whose samples are named ${allowed}`;
      if (name !== f.name) throw new LineSyntaxError(reason);
      // Prometheus-style naming (`# TYPE x_total counter`, `x_total 1`) under an OpenMetrics
      // content type: strict mode stops; lenient mode keeps the samples, warned once per name.
      host.log.warn(host.lineNo, reason);
      suffix = '';
    }
    if (owner !== host.current) {
      // Lenient mode merges the stray samples into their family; strict mode stops here.
      host.log.warn(host.lineNo, `samples of metric family "${owner.family.name}" are not contiguous`);
      if (host.current) host.finishFamily(host.current);
      host.current = owner;
      host.currentNameAt = -1;
    }
    host.routedState = owner;
    host.routedSuffix = suffix;
    return;
  }
  host.routedState = host.startFamily(name);
  host.routedSuffix = '';
}
