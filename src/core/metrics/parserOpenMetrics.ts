/**
 * OpenMetrics 1.0 text: the exact line grammar, metadata rules (HELP/TYPE/UNIT once each, before
 * the family's samples), one contiguous block per family and per label group, the sample names
 * each type allows, value rules (counters non-negative, info 1, stateset 0/1, quantiles in
 * [0, 1]), histogram consistency, exemplar placement, timestamps that never go back, `# EOF`.
 * Syntax problems make a line unusable (skipped in lenient mode); rule breaks on usable data
 * are warnings (kept in lenient mode), see ProblemLog.
 */
import type { MetricFamily, MetricType, Sample } from './types';
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import * as lexical from './parserLexical';
import { SampleScanner } from './parserScan';
import type { SeriesCache } from './parserSeriesCache';
import { GroupSeries } from './parserGroupSeries';
import * as groups from './parserGroups';

// Local bindings: imported names read through getters when loaded as CommonJS (see parserScan.ts).
const { NUMBER_VALUE, isMetricName, labelsKey, parseNumberToken, unescapeText } = lexical;
const { ClosedGroups, groupHash, sameGroup } = groups;

/** The sample-name suffixes each type allows ('' is the family name itself). */
const SUFFIXES: Record<MetricType, readonly string[]> = {
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

/** How many sample names the route cache remembers per family (x_bucket, x_count, x_sum, x_created). */
const ROUTES = 4;

const OPENMETRICS_TYPES = new Set<string>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

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

interface FamilyState {
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
  point: HistogramPoint | undefined;
  pointTimestamp: number | undefined;
}

/**
 * What a metadata line says on its own (kept for the next parse of the same source, see
 * parserSeriesCache.ts): HELP its unescaped text, TYPE its type and the names it claims, UNIT its unit.
 */
interface MetadataRead {
  kind: 'HELP' | 'TYPE' | 'UNIT';
  name: string;
  rest: string;
  claims: string[] | undefined;
}

export function parseOpenMetricsText(text: string, log: ProblemLog, seriesCache?: SeriesCache): MetricFamily[] {
  return new OpenMetricsReader(text, log, seriesCache).read();
}

class OpenMetricsReader {
  private readonly families: MetricFamily[] = [];
  /** Every family name and every sample name a typed family may use, to catch clashes. */
  private readonly claimed = new Map<string, FamilyState>();
  private current: FamilyState | undefined;
  /** Where the current family's name is written on its last metadata line (-1: on none). */
  private currentNameAt = -1;
  private readonly scanner = new SampleScanner(true);
  private lineNo = 0;
  /** Route cache: names recently routed into routeOwner, with their suffixes (see route). */
  private readonly routeNames: string[] = new Array<string>(ROUTES).fill('');
  private readonly routeSuffixes: string[] = new Array<string>(ROUTES).fill('');
  private routeNext = 0;
  private routeOwner: FamilyState | undefined;
  private routedState: FamilyState | undefined;
  private routedSuffix = '';

  constructor(
    private readonly text: string,
    private readonly log: ProblemLog,
    seriesCache?: SeriesCache,
  ) {
    this.scanner.reset(text, seriesCache);
  }

  read(): MetricFamily[] {
    const text = this.text;
    const length = text.length;
    let pos = 0;
    let sawEof = false;
    let sawCarriageReturn = false;
    while (pos < length) {
      this.lineNo++;
      let end = text.indexOf('\n', pos);
      if (end < 0) end = length;
      const start = pos;
      pos = end + 1;
      try {
        if (end > start && text.charCodeAt(end - 1) === 13) {
          // CRLF line ends: invalid (strict), read as if the "\r" were not there (lenient).
          if (!sawCarriageReturn) this.log.warn(this.lineNo, 'OpenMetrics lines end with "\\n" alone, not "\\r\\n"');
          sawCarriageReturn = true;
          end--;
        }
        if (start === end) throw new LineSyntaxError('blank lines are not allowed in OpenMetrics');
        if (text.charCodeAt(start) === 35) {
          if (end - start === 5 && text.startsWith('# EOF', start)) {
            sawEof = true;
            if (pos < length) this.log.warn(this.lineNo + 1, 'text after "# EOF"');
            break;
          }
          this.readMetadata(start, end);
        } else {
          this.readSample(this.scanner.scanSample(start, end));
        }
      } catch (e) {
        if (!(e instanceof LineSyntaxError)) throw e;
        this.log.skip(this.lineNo, e.reason);
      }
    }
    if (this.current) this.finishFamily(this.current);
    this.scanner.finishBody();
    if (!sawEof) this.log.warn(this.lineNo + 1, 'missing "# EOF" at the end (the body may be truncated)');
    return this.families;
  }

  private readMetadata(start: number, end: number): void {
    const cache = this.scanner.cache;
    let read = cache === undefined ? undefined : (cache.findMetadata(start, end) as MetadataRead | undefined);
    if (read === undefined) {
      read = this.scanMetadata(start, end);
      cache?.addMetadata(start, end, read);
    }
    const { kind, name, rest } = read;
    const state = this.familyForMetadata(name, kind);
    this.currentNameAt = start + 7;
    if (kind === 'HELP') {
      state.helped = true;
      state.family.help = rest;
    } else if (kind === 'TYPE') {
      const type = rest as MetricType;
      if (state.united && state.family.unit && (type === 'info' || type === 'stateset'))
        throw new LineSyntaxError(`${type === 'info' ? 'an info' : 'a stateset'} cannot have a unit`);
      const names = read.claims!;
      for (const part of names) {
        const owner = this.claimed.get(part);
        if (owner && owner !== state)
          throw new LineSyntaxError(`"${name}" as a ${type} clashes with metric family "${owner.family.name}"`);
      }
      for (const part of names) this.claimed.set(part, state);
      state.typed = true;
      state.family.type = type;
    } else {
      const type = state.family.type;
      if (rest.length > 0 && (type === 'info' || type === 'stateset'))
        throw new LineSyntaxError(`${type === 'info' ? 'an info' : 'a stateset'} cannot have a unit`);
      state.united = true;
      state.family.unit = rest;
    }
  }

  /**
   * What a HELP, TYPE or UNIT line says on its own, checked as far as it can be without its
   * family (so a rejected line leaves no family behind); throws LineSyntaxError.
   */
  private scanMetadata(start: number, end: number): MetadataRead {
    const t = this.text;
    const kind = t.startsWith('# HELP ', start)
      ? 'HELP'
      : t.startsWith('# TYPE ', start)
        ? 'TYPE'
        : t.startsWith('# UNIT ', start)
          ? 'UNIT'
          : undefined;
    if (kind === undefined)
      throw new LineSyntaxError(
        'comment lines other than "# HELP", "# TYPE", "# UNIT" and "# EOF" are not allowed in OpenMetrics',
      );
    const nameStart = start + 7;
    let name: string;
    let i: number;
    const current = this.current;
    const known = current === undefined || this.currentNameAt < 0 ? '' : current.family.name;
    if (
      known.length > 0 &&
      nameStart + known.length < end &&
      t.charCodeAt(nameStart + known.length) === 32 &&
      this.scanner.body.same(nameStart, this.currentNameAt, known.length)
    ) {
      // The name of the family the last metadata line named (HELP, then TYPE): already checked.
      name = known;
      i = nameStart + known.length;
    } else {
      i = t.indexOf(' ', nameStart);
      if (i < 0 || i > end) i = end;
      name = t.slice(nameStart, i);
      if (!isMetricName(name))
        throw new LineSyntaxError(name ? `invalid metric name "${name}" in ${kind}` : `${kind} without a metric name`);
    }
    if (i >= end)
      throw new LineSyntaxError(
        `${kind} line for "${name}" needs a space and a ${kind === 'HELP' ? 'text' : kind === 'TYPE' ? 'type' : 'unit'}`,
      );
    const rest = t.slice(i + 1, end);
    if (kind === 'TYPE' && !OPENMETRICS_TYPES.has(rest)) throw new LineSyntaxError(`unknown metric type "${rest}"`);
    if (kind === 'UNIT' && rest.length > 0 && !name.endsWith('_' + rest))
      throw new LineSyntaxError(`metric name "${name}" must end with "_${rest}" to have unit "${rest}"`);
    if (kind === 'HELP')
      return {
        kind,
        name,
        rest: rest.indexOf('\\') >= 0 ? unescapeText(rest, 0, rest.length) : rest,
        claims: undefined,
      };
    if (kind === 'UNIT') return { kind, name, rest, claims: undefined };
    // The names a family of this type claims: its own and its samples'.
    const claims = SUFFIXES[rest as MetricType].map((suffix) => (suffix === '' ? name : name + suffix));
    return { kind, name, rest, claims };
  }

  private familyForMetadata(name: string, kind: 'HELP' | 'TYPE' | 'UNIT'): FamilyState {
    const current = this.current;
    if (current && current.family.name === name) {
      if (current.family.samples.length > 0) throw new LineSyntaxError(`${kind} for "${name}" after its samples`);
      if (
        (kind === 'HELP' && current.helped) ||
        (kind === 'TYPE' && current.typed) ||
        (kind === 'UNIT' && current.united)
      ) {
        throw new LineSyntaxError(`second ${kind} line for "${name}"`);
      }
      return current;
    }
    const owner = this.claimed.get(name);
    if (owner)
      throw new LineSyntaxError(
        owner.family.name === name
          ? `metric family "${name}" appears twice`
          : `"${name}" clashes with metric family "${owner.family.name}"`,
      );
    return this.startFamily(name);
  }

  private startFamily(name: string): FamilyState {
    if (this.current) this.finishFamily(this.current);
    const state: FamilyState = {
      family: { name, type: 'unknown', samples: [] },
      typed: false,
      helped: false,
      united: false,
      group: undefined,
      groupLabels: undefined,
      groupExcept: undefined,
      closedGroups: undefined,
      series: undefined,
      point: undefined,
      pointTimestamp: undefined,
    };
    this.families.push(state.family);
    this.claimed.set(name, state);
    this.current = state;
    this.currentNameAt = -1;
    return state;
  }

  /**
   * Which family a sample belongs to, and the suffix it has there: sets routedState and
   * routedSuffix. The last few names routed into the current family are remembered.
   */
  private route(name: string): void {
    const current = this.current;
    if (current !== undefined && current === this.routeOwner) {
      const names = this.routeNames;
      for (let r = 0; r < ROUTES; r++) {
        if (names[r] === name) {
          this.routedState = current;
          this.routedSuffix = this.routeSuffixes[r]!;
          return;
        }
      }
    }
    const [state, suffix] = this.resolve(name);
    this.routedState = state;
    this.routedSuffix = suffix;
    if (state !== this.routeOwner) {
      this.routeNames.fill('');
      this.routeOwner = state;
    }
    this.routeNames[this.routeNext] = name;
    this.routeSuffixes[this.routeNext] = suffix;
    this.routeNext = (this.routeNext + 1) % ROUTES;
  }

  private resolve(name: string): [FamilyState, string] {
    const current = this.current;
    if (current) {
      const suffix = suffixIn(current.family, name);
      if (suffix !== undefined) return [current, suffix];
    }
    const owner = this.claimed.get(name);
    if (owner) {
      let suffix = suffixIn(owner.family, name);
      if (suffix === undefined) {
        const f = owner.family;
        const allowed = SUFFIXES[f.type].map((x) => `"${f.name}${x}"`).join(', ');
        const reason = `sample "${name}" does not belong in ${f.type} "${f.name}", whose samples are named ${allowed}`;
        if (name !== f.name) throw new LineSyntaxError(reason);
        // Prometheus-style naming (`# TYPE x_total counter`, `x_total 1`) under an OpenMetrics
        // content type: strict mode stops; lenient mode keeps the samples, warned once per name.
        this.log.warn(this.lineNo, reason);
        suffix = '';
      }
      if (owner !== this.current) {
        // Lenient mode merges the stray samples into their family; strict mode stops here.
        this.log.warn(this.lineNo, `samples of metric family "${owner.family.name}" are not contiguous`);
        if (this.current) this.finishFamily(this.current);
        this.current = owner;
        this.currentNameAt = -1;
      }
      return [owner, suffix];
    }
    return [this.startFamily(name), ''];
  }

  private readSample(sample: Sample): void {
    this.route(sample.name);
    const state = this.routedState!;
    const suffix = this.routedSuffix;
    const family = state.family;
    const type = family.type;
    const { labels, value } = sample;
    let groupExcept: string | undefined;
    const isBucket = suffix === '_bucket';
    let le = 0;
    if (isBucket) {
      le = numericLabel(labels, 'le', 'histogram bucket');
      if (Number.isNaN(le) || le === -Infinity || (le === Infinity && labels.le !== '+Inf'))
        throw new LineSyntaxError(`invalid "le" label "${labels.le}"`);
      groupExcept = 'le';
    } else if (type === 'summary' && suffix === '') {
      const q = numericLabel(labels, 'quantile', 'summary quantile');
      if (!(q >= 0 && q <= 1)) throw new LineSyntaxError(`quantile "${labels.quantile}" is not between 0 and 1`);
      groupExcept = 'quantile';
    } else if (type === 'stateset') {
      if (!Object.hasOwn(labels, family.name))
        throw new LineSyntaxError(`stateset sample without its state label "${family.name}"`);
      groupExcept = family.name;
    }
    family.samples.push(sample);
    this.checkValue(family, suffix, sample);
    if (sample.exemplar && !(isBucket || (type === 'counter' && suffix === '_total'))) {
      this.log.warn(
        this.lineNo,
        `exemplars are only allowed on counter _total and histogram _bucket samples, not on "${sample.name}"`,
      );
    }
    this.trackGroup(state, sample, groupExcept, isBucket ? le : undefined);
    if (type === 'histogram' || type === 'gaugehistogram') this.trackHistogram(state, suffix, value, le);
  }

  private checkValue(family: MetricFamily, suffix: string, sample: Sample): void {
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
    if (rule !== undefined) this.log.warn(this.lineNo, `${rule} (got ${v})`);
  }

  /**
   * Groups (label sets without le/quantile/state) must each be one contiguous block, and a series
   * repeats only with growing timestamps. A sample continues its group when its labels equal the
   * previous sample's (compared in place); a key string is built only when the group changes.
   */
  private trackGroup(state: FamilyState, sample: Sample, except: string | undefined, le: number | undefined): void {
    const labels = sample.labels;
    const previous = state.groupLabels;
    if (previous === undefined || !sameGroup(previous, state.groupExcept, labels, except)) {
      const group = groupHash(labels, except);
      if (state.group !== undefined) {
        this.finishPoint(state);
        (state.closedGroups ??= new ClosedGroups()).add(state.group, previous!, state.groupExcept);
        state.series?.reset();
      }
      if (state.closedGroups?.has(group, labels, except))
        this.log.warn(
          this.lineNo,
          `samples of "${state.family.name}{${labelsKey(labels, except)}}" are not contiguous`,
        );
      state.group = group;
    }
    state.groupLabels = labels;
    state.groupExcept = except;
    // Within a group, series differ only by their name and the label the group leaves out
    // (buckets: by their parsed "le", a cheaper key than a string).
    const ts = sample.timestamp ?? null;
    const series = (state.series ??= new GroupSeries());
    const seen =
      le !== undefined
        ? series.see(le, undefined, ts)
        : series.see(sample.name, except === undefined ? undefined : labels[except]!, ts);
    if (seen !== undefined) {
      const shown = `${sample.name}{${labelsKey(labels)}}`;
      if (seen === null || ts === null)
        this.log.warn(this.lineNo, `series ${shown} appears more than once without timestamps on every sample`);
      else if (ts < seen) this.log.warn(this.lineNo, `timestamps of series ${shown} go backwards`);
    }
    if (state.point !== undefined && state.pointTimestamp !== sample.timestamp) this.finishPoint(state);
    state.pointTimestamp = sample.timestamp;
  }

  private trackHistogram(state: FamilyState, suffix: string, value: number, le: number): void {
    let p = state.point;
    if (p === undefined) {
      p = {
        line: this.lineNo,
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
      if (le <= p.lastLe)
        this.log.warn(this.lineNo, `buckets of "${name}" must be in increasing "le" order without repeats`);
      else if (value < p.lastBucket)
        this.log.warn(this.lineNo, `bucket counts of "${name}" must not decrease as "le" grows`);
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

  private finishPoint(state: FamilyState): void {
    const p = state.point;
    if (p === undefined) return;
    state.point = undefined;
    const name = state.family.name;
    const gauge = state.family.type === 'gaugehistogram';
    const [count, sum] = gauge ? ['_gcount', '_gsum'] : ['_count', '_sum'];
    const kind = gauge ? 'gauge histogram' : 'histogram';
    const warn = (reason: string): void => this.log.warn(p.line, reason);
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

  private finishFamily(state: FamilyState): void {
    this.finishPoint(state);
  }
}

/** Whether two label sets are equal once each leaves out its `except` label. */
function suffixIn(family: MetricFamily, sampleName: string): string | undefined {
  const base = family.name;
  if (!sampleName.startsWith(base)) return undefined;
  const suffix = sampleName.length === base.length ? '' : sampleName.slice(base.length);
  return SUFFIXES[family.type].includes(suffix) ? suffix : undefined;
}

function numericLabel(labels: Record<string, string>, name: string, what: string): number {
  if (!Object.hasOwn(labels, name)) throw new LineSyntaxError(`${what} without a "${name}" label`);
  const v = labels[name]!;
  if (v.length === 0) throw new LineSyntaxError(`${what} with an empty "${name}" label`);
  return parseNumberToken(v, 0, v.length, NUMBER_VALUE, `"${name}" label value`);
}
