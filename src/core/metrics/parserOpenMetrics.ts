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
import { SampleScanner } from './parserScan';
import type { SeriesCache } from './parserSeriesCache';
import { keepShape } from '../util/keepShape';
import * as familyRules from './parserOpenMetricsFamily';
import type { FamilyState } from './parserOpenMetricsFamily';
import * as metadataLines from './parserOpenMetricsMeta';
import type { MetadataRead } from './parserOpenMetricsMeta';
import * as claimRules from './parserOpenMetricsClaims';
import * as routing from './parserOpenMetricsRoute';
import type { RouteHost } from './parserOpenMetricsRoute';

// Local bindings: imported names read through getters when loaded as CommonJS (see parserScan.ts).
const { MetadataLineReader, scanOpenMetricsMetadata } = metadataLines;
const { LAZY_CLAIMS_POSSIBLE, claimOwner, endingOf, typeClash } = claimRules;
const { forgetRoutes, routeSample } = routing;
const {
  checkValue,
  finishPoint,
  groupExceptOf,
  newFamilyState,
  numericLabel,
  seriesFacts,
  trackGroup,
  trackHistogram,
} = familyRules;

/**
 * Off: every TYPE line's read lists the names it claims, as through a series cache, and they are
 * all kept (the careful path that the claims worked out on lookup, parserOpenMetricsClaims.ts,
 * must agree with, in tests).
 */
let readerClaims = true;

export function setReaderClaimsEnabled(enabled: boolean): void {
  readerClaims = enabled;
}

export function parseOpenMetricsText(text: string, log: ProblemLog, seriesCache?: SeriesCache): MetricFamily[] {
  return new OpenMetricsReader(text, log, seriesCache).read();
}

/** The members routing shares (RouteHost) are public; the rest are the reader's own. */
class OpenMetricsReader implements RouteHost {
  private families: MetricFamily[] = [];
  /**
   * Every family name and every sample name a typed family may use, to catch clashes; with
   * lazyClaims, the family names alone (the rest worked out on lookup, see ownerOf).
   */
  private readonly claimed = new Map<string, FamilyState>();
  /** Without a series cache: claims worked out on lookup (parserOpenMetricsClaims.ts). */
  private readonly lazyClaims: boolean;
  /** With lazyClaims, the families whose names end in a sample suffix (x_total, y_info). */
  private readonly suffixed: FamilyState[] = [];
  current: FamilyState | undefined;
  /** Where the current family's name is written on its last metadata line (-1: on none). */
  currentNameAt = -1;
  private readonly scanner = new SampleScanner(true);
  private readonly metadataLine = new MetadataLineReader();
  lineNo = 0;
  /** Route cache: names recently routed into routeOwner, with their suffixes (see routeSample). */
  // Literals of ROUTES entries (emptied by forgetRoutes): no builtin call per parse.
  readonly routeNames: string[] = ['', '', '', ''];
  readonly routeSuffixes: string[] = ['', '', '', ''];
  routeNext = 0;
  routeOwner: FamilyState | undefined;
  routedState: FamilyState | undefined;
  routedSuffix = '';

  constructor(
    private text: string,
    readonly log: ProblemLog,
    seriesCache?: SeriesCache,
  ) {
    this.scanner.reset(text, seriesCache);
    this.lazyClaims = seriesCache === undefined && readerClaims && LAZY_CLAIMS_POSSIBLE;
  }

  read(): MetricFamily[] {
    const text = this.text;
    const length = text.length;
    let pos = 0;
    let sawEof = false;
    let sawCarriageReturn = false;
    const cache = this.scanner.cache;
    while (pos < length) {
      this.lineNo++;
      // A line written as one of the last parse's, or with no cache the usual sample line: read
      // up to its end without looking for it.
      const hash = cache !== undefined && text.charCodeAt(pos) === 35;
      if (cache !== undefined || text.charCodeAt(pos) !== 35) {
        const start = pos;
        const known = hash ? (cache!.findMetadataLine(pos) as MetadataRead | undefined) : undefined;
        const sample = hash ? undefined : this.scanner.scanLine(pos, length);
        if (known !== undefined || sample !== undefined) {
          pos = (known !== undefined ? cache!.matchedEnd : this.scanner.lineEnd) + 1;
          try {
            if (known !== undefined) this.applyMetadata(known.kind, known.name, known.rest, known.claims, start);
            else this.readSample(sample!);
          } catch (e) {
            if (!(e instanceof LineSyntaxError)) throw e;
            this.log.skip(this.lineNo, e.reason);
          }
          continue;
        }
      } else if (this.lazyClaims) {
        // No cache: the usual HELP or TYPE line, read from the byte copy to its end at once.
        const line = this.metadataLine;
        const end = line.scan(this.scanner.body, pos, this.knownName(), this.currentNameAt);
        if (end >= 0) {
          const start = pos;
          pos = end + 1;
          try {
            this.applyMetadata(line.kind, line.name, line.rest, undefined, start);
          } catch (e) {
            if (!(e instanceof LineSyntaxError)) throw e;
            this.log.skip(this.lineNo, e.reason);
          }
          continue;
        }
      }
      let end = text.indexOf('\n', pos);
      if (end < 0) end = length;
      const start = pos;
      pos = end + 1;
      try {
        const sawCarriageReturnHere = end > start && text.charCodeAt(end - 1) === 13;
        if (sawCarriageReturnHere) {
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
          // (Looked for above, unless the line ends in CRLF: kept lines hold no CR.)
          this.readMetadata(start, end, !hash || sawCarriageReturnHere);
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
    const families = this.families;
    this.release();
    return families;
  }

  /** As PrometheusReader's: kept, holding nothing of the body or the result (keepShape.ts). */
  private release(): void {
    this.claimed.clear();
    if (this.suffixed.length !== 0) this.suffixed.length = 0;
    this.text = '';
    this.families = [];
    this.current = this.routeOwner = this.routedState = undefined;
    forgetRoutes(this);
    this.routedSuffix = '';
    this.scanner.release();
    keepShape('openmetrics reader', this);
  }

  private readMetadata(start: number, end: number, lookUp: boolean): void {
    const cache = this.scanner.cache;
    let read =
      cache === undefined || !lookUp ? undefined : (cache.findMetadata(start, end) as MetadataRead | undefined);
    if (read === undefined) {
      read = scanOpenMetricsMetadata(
        this.scanner.body,
        start,
        end,
        this.knownName(),
        this.currentNameAt,
        !this.lazyClaims,
      );
      cache?.addMetadata(start, end, read);
    }
    this.applyMetadata(read.kind, read.name, read.rest, read.claims, start);
  }

  /** The family name the last metadata line wrote at currentNameAt ('' for none): known to be valid. */
  private knownName(): string {
    const current = this.current;
    return current === undefined || this.currentNameAt < 0 ? '' : current.family.name;
  }

  /** The rules across lines for what the metadata line at text[start] says. */
  private applyMetadata(
    kind: 'HELP' | 'TYPE' | 'UNIT',
    name: string,
    rest: string,
    names: string[] | undefined,
    start: number,
  ): void {
    const state = this.familyForMetadata(name, kind);
    this.currentNameAt = start + 7;
    if (kind === 'HELP') {
      state.helped = true;
      state.family.help = rest;
    } else if (kind === 'TYPE') {
      const type = rest as MetricType;
      if (state.united && state.family.unit && (type === 'info' || type === 'stateset'))
        throw new LineSyntaxError(`${type === 'info' ? 'an info' : 'a stateset'} cannot have a unit`);
      const claimed = this.claimed;
      if (names !== undefined) {
        for (const part of names) {
          const owner = claimed.get(part);
          if (owner && owner !== state)
            throw new LineSyntaxError(`"${name}" as a ${type} clashes with metric family "${owner.family.name}"`);
        }
        for (const part of names) claimed.set(part, state);
      } else {
        // Claims worked out on lookup: the family's own name is claimed already (startFamily),
        // its sample names are once its type is set; only a family named as one of them clashes.
        const owner = typeClash(this.suffixed, name, type);
        if (owner !== undefined)
          throw new LineSyntaxError(`"${name}" as a ${type} clashes with metric family "${owner.family.name}"`);
      }
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
    const owner = this.ownerOf(name);
    if (owner)
      throw new LineSyntaxError(
        owner.family.name === name
          ? `metric family "${name}" appears twice`
          : `"${name}" clashes with metric family "${owner.family.name}"`,
      );
    return this.startFamily(name);
  }

  /** The family that claims `name` (its own, or one whose samples may be named so), if any. */
  ownerOf(name: string): FamilyState | undefined {
    return this.lazyClaims ? claimOwner(this.claimed, name) : this.claimed.get(name);
  }

  startFamily(name: string): FamilyState {
    if (this.current) this.finishFamily(this.current);
    const state = newFamilyState(name);
    this.families.push(state.family);
    this.claimed.set(name, state);
    if (this.lazyClaims && endingOf(name) !== undefined) this.suffixed.push(state);
    this.current = state;
    this.currentNameAt = -1;
    return state;
  }

  private readSample(sample: Sample): void {
    // What the series says on its own is worked out once per series text (see SeriesFacts).
    const facts = this.scanner.cache === undefined ? undefined : seriesFacts(this.scanner.lastSeries!);
    routeSample(this, sample.name, facts);
    const state = this.routedState!;
    const suffix = this.routedSuffix;
    const family = state.family;
    const type = family.type;
    const { labels, value } = sample;
    const isBucket = suffix === '_bucket';
    let le = 0;
    if (isBucket) {
      if (facts !== undefined && !Number.isNaN(facts.le)) le = facts.le;
      else {
        le = numericLabel(labels, 'le', 'histogram bucket');
        if (Number.isNaN(le) || le === -Infinity || (le === Infinity && labels.le !== '+Inf'))
          throw new LineSyntaxError(`invalid "le" label "${labels.le}"`);
        if (facts !== undefined) facts.le = le;
      }
    } else if (type === 'summary' && suffix === '') {
      if (facts === undefined || Number.isNaN(facts.quantile)) {
        const q = numericLabel(labels, 'quantile', 'summary quantile');
        if (!(q >= 0 && q <= 1)) throw new LineSyntaxError(`quantile "${labels.quantile}" is not between 0 and 1`);
        if (facts !== undefined) facts.quantile = q;
      }
    } else if (type === 'stateset') {
      if (!Object.hasOwn(labels, family.name))
        throw new LineSyntaxError(`stateset sample without its state label "${family.name}"`);
    }
    family.samples.push(sample);
    checkValue(family, suffix, sample, this.log, this.lineNo);
    if (sample.exemplar && !(isBucket || (type === 'counter' && suffix === '_total'))) {
      this.log.warn(
        this.lineNo,
        `exemplars are only allowed on counter _total and histogram _bucket samples, not on "${sample.name}"`,
      );
    }
    const except = groupExceptOf(type, suffix, family.name);
    // Labels the plain-line reader made with the names of the group's last labels and the same
    // values but perhaps the left-out one's: the same group, without comparing them.
    const scanner = this.scanner;
    const changed = scanner.changedLabel;
    const continuing =
      facts === undefined &&
      labels === scanner.plainSet &&
      scanner.plainSetBefore === state.groupLabels &&
      state.groupExcept === except &&
      (changed === undefined || changed === except);
    trackGroup(state, sample, except, isBucket ? le : undefined, facts, continuing, this.log, this.lineNo);
    if (type === 'histogram' || type === 'gaugehistogram')
      trackHistogram(state, suffix, value, le, this.log, this.lineNo);
  }

  finishFamily(state: FamilyState): void {
    finishPoint(state, this.log);
  }
}
