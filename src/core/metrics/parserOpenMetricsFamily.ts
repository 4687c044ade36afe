/**
 * The OpenMetrics rules on one family's samples, sample by sample: the values each type allows,
 * label groups as contiguous blocks, series that repeat only with growing timestamps, and each
 * histogram point checked whole (buckets in order, +Inf, count and sum) when it ends.
 */
import type { MetricFamily, MetricType, Sample } from './types';
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import * as lexical from './parserLexical';
import { GroupSeries } from './parserGroupSeries';
import * as groups from './parserGroups';
import type { SeriesEntry } from './parserSeriesCache';

// Local bindings: imported names read through getters when loaded as CommonJS (see parserScan.ts).
const { DOT, NINE, NUMBER_VALUE, POW10, ZERO, labelsKey, parseNumberToken } = lexical;
const { ClosedGroups, groupHash, sameGroup } = groups;

/**
 * Off: every series is listed, every sample's labels compared with the previous sample's in
 * full, and every "le" and quantile read by the general number reader (the careful path the
 * shortcuts must agree with, in tests).
 */
let fastPaths = true;

export function setGroupFastPathsEnabled(enabled: boolean): void {
  fastPaths = enabled;
}

/** The sample-name suffixes each type allows ('' is the family name itself). */
export const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
  untyped: [''],
};

/** One histogram or gauge histogram MetricPoint being read: checked when it ends. */
interface HistogramPoint {
  line: number;
  lastLe: number;
  lastBucket: number;
  infBucket: number | undefined;
  negativeBuckets: boolean;
  count: number | undefined;
  sum: number | undefined;
}

export interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  helped: boolean;
  united: boolean;
  /** Hash of the label set (without le/quantile/state) being read (see parserGroups.ts); groups never come back. */
  group: number | undefined;
  /** The previous sample's labels and the label its group left out. */
  groupLabels: Record<string, string> | undefined;
  groupExcept: string | undefined;
  /** Made on first use: most families are small, and three collections each would cost more than reading them. */
  closedGroups: groups.ClosedGroups | undefined;
  /** The series of the current group and the last timestamp of each (made on first use). */
  series: GroupSeries | undefined;
  /** Where the current group's first sample is in family.samples (a group's samples are the last ones). */
  groupStart: number;
  point: HistogramPoint | undefined;
  pointTimestamp: number | undefined;
}

/**
 * What a sample's series (its name and labels, the same text in every scrape of a source) says
 * on its own, worked out the first time a parse meets it and kept on its series cache entry:
 * a bucket's "le", a quantile, the hash of its label group, its suffix in its family. NaN: not worked out yet (a valid
 * "le" or quantile is never NaN).
 */
export class SeriesFacts {
  le = NaN;
  quantile = NaN;
  /** groupHash(labels, hashExcept), once hashed. */
  hash = 0;
  hashed = false;
  hashExcept: string | undefined = undefined;
  /**
   * Whether the series is in the group of the labels before it (`after`, less `afterExcept`),
   * itself less `except`: label objects of kept series are frozen, so this holds while both stay.
   */
  after: Record<string, string> | undefined = undefined;
  afterExcept: string | undefined = undefined;
  except: string | undefined = undefined;
  sameAsAfter = false;
  /** The suffix the sample name has in a family of this name and type ('' for none yet). */
  familyName = '';
  familyType: MetricType = 'unknown';
  suffix = '';
}

/** The facts kept on a series cache entry, made on first use. */
export function seriesFacts(entry: SeriesEntry): SeriesFacts {
  return (entry.facts ??= new SeriesFacts()) as SeriesFacts;
}

/** A family's state when its first line is read. */
export function newFamilyState(name: string): FamilyState {
  return {
    family: { name, type: 'unknown', samples: [] },
    typed: false,
    helped: false,
    united: false,
    group: undefined,
    groupLabels: undefined,
    groupExcept: undefined,
    closedGroups: undefined,
    series: undefined,
    groupStart: 0,
    point: undefined,
    pointTimestamp: undefined,
  };
}

export function checkValue(
  family: MetricFamily,
  suffix: string,
  sample: Sample,
  log: ProblemLog,
  lineNo: number,
): void {
  const v = sample.value;
  const type = family.type;
  let rule: string | undefined;
  if (type === 'info') {
    if (v !== 1) rule = 'an info value must be 1';
  } else if (type === 'stateset') {
    if (v !== 0 && v !== 1) rule = 'a stateset value must be 0 or 1';
  } else if (type === 'summary' && suffix === '') {
    if (v < 0) rule = 'a quantile value must not be negative';
  } else if (type === 'gaugehistogram' && suffix === '_gsum') {
    if (Number.isNaN(v)) rule = 'a _gsum must not be NaN';
  } else if (
    suffix === '_total' ||
    suffix === '_bucket' ||
    suffix === '_count' ||
    suffix === '_gcount' ||
    (suffix === '_sum' && type !== 'unknown')
  ) {
    if (Number.isNaN(v) || v < 0)
      rule = `"${sample.name}" must not be NaN or negative (totals, counts, sums and buckets only count up)`;
  }
  if (rule !== undefined) log.warn(lineNo, `${rule} (got ${v})`);
}

/**
 * Groups (label sets without le/quantile/state) must each be one contiguous block, and a series
 * repeats only with growing timestamps. A sample continues its group when its labels equal the
 * previous sample's (compared in place); a key string is built only when the group changes.
 * `continuing`: the caller knows the labels are in the previous sample's group.
 */
export function trackGroup(
  state: FamilyState,
  sample: Sample,
  except: string | undefined,
  le: number | undefined,
  facts: SeriesFacts | undefined,
  continuing: boolean,
  log: ProblemLog,
  lineNo: number,
): void {
  const labels = sample.labels;
  const previous = state.groupLabels;
  if (previous === undefined || !(continuing || continues(previous, state.groupExcept, labels, except, facts))) {
    let group: number;
    if (facts !== undefined && facts.hashed && facts.hashExcept === except) group = facts.hash;
    else {
      group = groupHash(labels, except);
      if (facts !== undefined) {
        facts.hash = group;
        facts.hashed = true;
        facts.hashExcept = except;
      }
    }
    if (state.group !== undefined) {
      finishPoint(state, log);
      (state.closedGroups ??= new ClosedGroups()).add(state.group, previous!, state.groupExcept);
      state.series?.reset();
    }
    if (state.closedGroups?.has(group, labels, except))
      log.warn(lineNo, `samples of "${state.family.name}{${labelsKey(labels, except)}}" are not contiguous`);
    state.group = group;
    state.groupStart = state.family.samples.length - 1;
  }
  state.groupLabels = labels;
  state.groupExcept = except;
  // Within a group, series differ only by their name and the label the group leaves out
  // (buckets: by their parsed "le", a cheaper key than a string).
  const ts = sample.timestamp ?? null;
  const series = (state.series ??= new GroupSeries());
  if (fastPaths && (le !== undefined ? series.newBucket(le) : except === undefined && series.newName(sample.name))) {
    // New to its group: nothing to report.
  } else {
    if (!series.listed) listGroup(state, series);
    const seen =
      le !== undefined
        ? series.see(le, undefined, ts)
        : series.see(sample.name, except === undefined ? undefined : labels[except]!, ts);
    if (seen !== undefined) {
      const shown = `${sample.name}{${labelsKey(labels)}}`;
      if (seen === null || ts === null)
        log.warn(lineNo, `series ${shown} appears more than once without timestamps on every sample`);
      else if (ts < seen) log.warn(lineNo, `timestamps of series ${shown} go backwards`);
    }
  }
  if (state.point !== undefined && state.pointTimestamp !== sample.timestamp) finishPoint(state, log);
  state.pointTimestamp = sample.timestamp;
}

/** Whether the labels are in the group of the previous sample's (see SeriesFacts.after). */
function continues(
  previous: Record<string, string>,
  previousExcept: string | undefined,
  labels: Record<string, string>,
  except: string | undefined,
  facts: SeriesFacts | undefined,
): boolean {
  if (facts === undefined) return sameGroup(previous, previousExcept, labels, except);
  if (fastPaths && facts.after === previous && facts.afterExcept === previousExcept && facts.except === except)
    return facts.sameAsAfter;
  facts.after = previous;
  facts.afterExcept = previousExcept;
  facts.except = except;
  return (facts.sameAsAfter = sameGroup(previous, previousExcept, labels, except));
}

/**
 * Lists the series of the group's samples before the last one, in their order (see
 * GroupSeries): each named as trackGroup names it, from the sample alone (its name is its
 * family's name and its suffix).
 */
/**
 * The label a sample's group leaves out: a bucket's "le", a summary quantile's "quantile", a
 * stateset's state label (named as its family); none for any other sample.
 */
export function groupExceptOf(type: MetricType, suffix: string, familyName: string): string | undefined {
  if (suffix === '_bucket') return 'le';
  if (type === 'summary' && suffix === '') return 'quantile';
  return type === 'stateset' ? familyName : undefined;
}

function listGroup(state: FamilyState, series: GroupSeries): void {
  series.startList();
  const family = state.family;
  const samples = family.samples;
  const type = family.type;
  for (let i = state.groupStart; i < samples.length - 1; i++) {
    const s = samples[i]!;
    const suffix = s.name.slice(family.name.length);
    const ts = s.timestamp ?? null;
    const except = groupExceptOf(type, suffix, family.name);
    if (except === 'le') series.see(numericLabel(s.labels, 'le', 'histogram bucket'), undefined, ts);
    else series.see(s.name, except === undefined ? undefined : s.labels[except]!, ts);
  }
}

export function trackHistogram(
  state: FamilyState,
  suffix: string,
  value: number,
  le: number,
  log: ProblemLog,
  lineNo: number,
): void {
  let p = state.point;
  if (p === undefined) {
    p = {
      line: lineNo,
      lastLe: -Infinity,
      lastBucket: 0,
      infBucket: undefined,
      negativeBuckets: false,
      count: undefined,
      sum: undefined,
    };
    state.point = p;
  }
  const name = state.family.name;
  if (suffix === '_bucket') {
    if (le <= p.lastLe) log.warn(lineNo, `buckets of "${name}" must be in increasing "le" order without repeats`);
    else if (value < p.lastBucket) log.warn(lineNo, `bucket counts of "${name}" must not decrease as "le" grows`);
    p.lastLe = le;
    p.lastBucket = value;
    if (le < 0) p.negativeBuckets = true;
    if (le === Infinity) p.infBucket = value;
  } else if (suffix === '_count' || suffix === '_gcount') {
    p.count = value;
  } else if (suffix === '_sum' || suffix === '_gsum') {
    p.sum = value;
  }
}

/** The histogram point being read ends: its buckets, count and sum are checked together. */
export function finishPoint(state: FamilyState, log: ProblemLog): void {
  const p = state.point;
  if (p === undefined) return;
  state.point = undefined;
  const gauge = state.family.type === 'gaugehistogram';
  // The usual point (a +Inf bucket equal to its count, a sum and a count) needs no words.
  if (
    fastPaths &&
    p.infBucket !== undefined &&
    (p.count === undefined ? p.sum === undefined : p.count === p.infBucket && p.sum !== undefined) &&
    (gauge ? p.negativeBuckets || p.sum === undefined || !(p.sum < 0) : !p.negativeBuckets || p.sum === undefined)
  )
    return;
  const name = state.family.name;
  const [count, sum] = gauge ? ['_gcount', '_gsum'] : ['_count', '_sum'];
  const kind = gauge ? 'gauge histogram' : 'histogram';
  const warn = (reason: string): void => log.warn(p.line, reason);
  if (p.infBucket === undefined) warn(`${kind} "${name}" has no +Inf bucket`);
  else if (p.count !== undefined && p.count !== p.infBucket)
    warn(`${name}${count} (${p.count}) differs from its +Inf bucket (${p.infBucket})`);
  if (p.count !== undefined && p.sum === undefined) warn(`${kind} "${name}" has ${count} without ${sum}`);
  if (p.sum !== undefined && p.count === undefined) warn(`${kind} "${name}" has ${sum} without ${count}`);
  if (!gauge && p.negativeBuckets && p.sum !== undefined)
    warn(`histogram "${name}" has negative buckets, so it must not have a _sum`);
  if (gauge && !p.negativeBuckets && p.sum !== undefined && p.sum < 0)
    warn(`gauge histogram "${name}" has a negative _gsum but no negative buckets`);
}

/** The suffix `sampleName` has as a sample of `family` ('' for its own name); undefined if none its type allows. */
export function suffixIn(family: MetricFamily, sampleName: string): string | undefined {
  const base = family.name;
  const extra = sampleName.length - base.length;
  if (extra < 0) return undefined;
  // (indexOf: several times cheaper than startsWith and endsWith on names cut from the body.)
  for (const suffix of SUFFIXES[family.type]) {
    if (suffix.length !== extra) continue;
    if (extra > 0 && sampleName.indexOf(suffix, base.length) !== base.length) continue;
    return sampleName.indexOf(base) === 0 ? suffix : undefined;
  }
  return undefined;
}

/**
 * The number a bucket's or quantile's label holds; throws LineSyntaxError when it is missing or
 * not a number. The usual value (present, plain) is read first, in a few steps that inline where
 * `name` is a constant; anything else by labelNumber.
 */
export function numericLabel(labels: Record<string, string>, name: string, what: string): number {
  if (fastPaths) {
    const v = labels[name];
    if (v !== undefined && v.length !== 0 && Object.hasOwn(labels, name)) {
      const plain = plainLabelNumber(v);
      if (plain >= 0) return plain;
    }
  }
  return labelNumber(labels, name, what);
}

/** numericLabel for any value: missing, empty, not plain, or with the fast paths off. */
function labelNumber(labels: Record<string, string>, name: string, what: string): number {
  if (!Object.hasOwn(labels, name)) throw new LineSyntaxError(`${what} without a "${name}" label`);
  const v = labels[name]!;
  if (v.length === 0) throw new LineSyntaxError(`${what} with an empty "${name}" label`);
  if (fastPaths) {
    const plain = plainLabelNumber(v);
    if (plain >= 0) return plain;
  }
  return parseNumberToken(v, 0, v.length, NUMBER_VALUE, `"${name}" label value`);
}

/**
 * The usual "le" and "quantile" values (`0.005`, `1`, `2.5`, `+Inf`) without the general
 * number reader: digits with an optional fraction, at most 15 significant digits, read as
 * parseNumberToken reads them (one exact division by a power of ten); -1 for anything else.
 */
function plainLabelNumber(v: string): number {
  if (v === '+Inf') return Infinity;
  const n = v.length;
  let mantissa = 0;
  let significant = 0;
  let scale = 0;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (significant > 0 || c !== ZERO) {
        mantissa = mantissa * 10 + (c - ZERO);
        significant++;
      }
      if (dot >= 0) scale++;
    } else if (c === DOT && dot < 0 && i > 0) dot = i;
    else return -1;
  }
  if (significant > 15 || scale > 22) return -1;
  return mantissa / POW10[scale]!;
}
