/**
 * Prometheus text format 0.0.4: `# HELP` / `# TYPE` lines, other comments ignored, blank lines
 * allowed, runs of blanks between tokens, timestamps in integer milliseconds. Histogram and
 * summary samples (`_bucket`, `_sum`, `_count`) join the family their TYPE line declared; a
 * family whose samples are split by another family is merged, as the reference parser does.
 *
 * Strict mode accepts and rejects what Prometheus's own Go parser (prometheus/common expfmt)
 * does, checked against that parser's test inputs (test/unit/core/metrics/parser.expfmt.test.ts):
 * e.g. the last line must end in a newline, `# HELP` with no name is a plain comment, and a
 * histogram's counts may not be negative. Lenient mode reads what it can of the same input.
 */
import type { MetricFamily, MetricType, Sample } from './types';
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import * as lexical from './parserLexical';
import { SampleScanner } from './parserScan';
import type { MetadataRead } from './parserComment';
import * as comment from './parserComment';
import type { SeriesCache } from './parserSeriesCache';
import type { FamilyState } from './parserFamilyIndex';
import { FamilyIndex } from './parserFamilyIndex';
import { keepShape } from '../util/keepShape';

// Local bindings: imported names read through getters when loaded as CommonJS (see parserScan.ts).
const { NUMBER_VALUE, isMetricName, isPlainNumberText, parseNumberToken } = lexical;
const { COMMENT, CommentScan, HELP, NOT_METADATA, SPACE, UNCOMPARED, UPPER_U, isBlank } = comment;
const { scanComment, scanHelpLine, scanTypeLineOf, unescapeHelp } = comment;

/** What a sample is to its family, which decides the label it must carry. */
const ROLE_PLAIN = 0;
const ROLE_BUCKET = 1; // a histogram's _bucket: needs "le"
const ROLE_QUANTILE = 2; // a summary's own-name sample: needs "quantile"
const ROLE_HISTOGRAM_COUNT = 3; // a histogram's _count: not negative

/** How many sample names the reader remembers the family of (x, x_bucket, x_sum, x_count). */
const ROUTES = 4;

export function parsePrometheusText(text: string, log: ProblemLog, seriesCache?: SeriesCache): MetricFamily[] {
  return new PrometheusReader(text, log, seriesCache).read();
}

class PrometheusReader {
  private readonly index = new FamilyIndex();
  private readonly scanner: SampleScanner;
  /**
   * Recently routed sample names and their family and role. Routing depends only on the
   * families and their types, so it stays right until the next HELP/TYPE line.
   */
  private readonly routeNames: string[] = new Array<string>(ROUTES).fill('');
  private readonly routeStates: (FamilyState | undefined)[] = new Array<FamilyState | undefined>(ROUTES).fill(
    undefined,
  );
  private readonly routeRoles: number[] = new Array<number>(ROUTES).fill(ROLE_PLAIN);
  private routeNext = 0;
  /** Whether a route was set since they were last cleared (HELP and TYPE lines clear them). */
  private routed = false;
  private warnedExemplar = false;
  /** The comment scanner's output, reused line to line. */
  private readonly meta = new CommentScan();
  /** What scanMetadata returns when nothing keeps it. */
  private readonly scratch: MetadataRead = { ...NOT_METADATA };
  /** The family the last HELP or TYPE line named. */
  private lastMeta: FamilyState | undefined;
  /** Where its name is written on that line (-1: quoted, so its text is not its name). */
  private lastMetaAt = -1;

  constructor(
    private text: string,
    private readonly log: ProblemLog,
    seriesCache?: SeriesCache,
  ) {
    this.scanner = new SampleScanner(false, log.strict);
    this.scanner.reset(text, seriesCache);
    this.index.begin(seriesCache === undefined, this.scanner.body);
  }

  read(): MetricFamily[] {
    const text = this.text;
    const length = text.length;
    const cache = this.scanner.cache;
    let lineNo = 0;
    let pos = 0;
    while (pos < length) {
      lineNo++;
      // A line written as one of the last parse's, or with no cache the usual sample line: read
      // up to its end without looking for it.
      const hash = cache !== undefined && text.charCodeAt(pos) === 35;
      if (hash) {
        const known = cache.findMetadataLine(pos) as MetadataRead | undefined;
        if (known !== undefined) {
          const start = pos;
          const end = cache.matchedEnd;
          pos = end + 1;
          try {
            this.applyMetadata(known, start, end);
          } catch (e) {
            if (!(e instanceof LineSyntaxError)) throw e;
            this.log.skip(lineNo, e.reason);
          }
          continue;
        }
      } else if (cache !== undefined || text.charCodeAt(pos) !== 35) {
        const sample = this.scanner.scanLine(pos, length);
        if (sample !== undefined) {
          pos = this.scanner.lineEnd + 1;
          try {
            this.addSample(sample, lineNo);
          } catch (e) {
            if (!(e instanceof LineSyntaxError)) throw e;
            this.log.skip(lineNo, e.reason);
          }
          continue;
        }
      } else if (text.charCodeAt(pos) === 35) {
        // Most often the TYPE line of the family the HELP line before named, or a HELP line.
        const next = this.lastMetaAt >= 0 ? this.typeLineOfLast(pos) : -1;
        const after = next >= 0 ? next : this.helpLine(pos);
        if (after >= 0) {
          pos = after;
          continue;
        }
      }
      let end = text.indexOf('\n', pos);
      if (end < 0) end = length;
      const next = end + 1;
      const crlf = end > pos && text.charCodeAt(end - 1) === 13;
      if (crlf) end--;
      let start = pos;
      pos = next;
      while (start < end && isBlank(text.charCodeAt(start))) start++;
      // Prometheus's parser reads a CR as part of the line (a comment may hold one); a lenient
      // read takes CRLF for a line end.
      if (crlf && this.log.strict && text.charCodeAt(start) !== 35)
        this.log.skip(lineNo, 'the line ends in CRLF: Prometheus text lines end in LF only');
      if (start === end) continue;
      try {
        // (Looked for above, unless the line ends in CRLF: kept lines hold no CR.)
        if (text.charCodeAt(start) === 35) this.readComment(start, end, !hash || crlf);
        else this.readSample(start, end, lineNo);
      } catch (e) {
        if (!(e instanceof LineSyntaxError)) throw e;
        this.log.skip(lineNo, e.reason);
      }
      // Prometheus's parser takes a last line with no newline for a cut-off body; a lenient
      // read keeps it.
      if (next > length && this.log.strict)
        this.log.skip(lineNo, 'the last line does not end with a newline (was the body cut off?)');
    }
    this.scanner.finishBody();
    const families = this.index.families;
    this.release();
    return families;
  }

  /**
   * The body is read: lets go of it and of the result, and stays alive until the next reader
   * is done, so that the code optimised for readers outlives a full collection (keepShape.ts).
   */
  private release(): void {
    this.text = '';
    this.index.clear();
    this.clearRoutes();
    this.routeStates.fill(undefined);
    this.lastMeta = undefined;
    this.scratch.name = '';
    this.meta.name = undefined;
    this.scanner.release();
    keepShape('prometheus text reader', this);
  }

  private readComment(start: number, end: number, lookUp: boolean): void {
    const t = this.text;
    if (t.charCodeAt(start + 1) === SPACE && t.charCodeAt(start + 2) === UPPER_U && t.startsWith('# UNIT ', start))
      return this.readUnitComment(start + 7, end);
    const cache = this.scanner.cache;
    let read =
      cache === undefined || !lookUp ? undefined : (cache.findMetadata(start, end) as MetadataRead | undefined);
    if (read === undefined) {
      read = this.scanMetadata(start, end);
      cache?.addMetadata(start, end, read);
    }
    this.applyMetadata(read, start, end);
  }

  /** The rules across lines for what a `#` line says (read from text[start, end)). */
  private applyMetadata(read: MetadataRead, start: number, end: number): void {
    if (read.kind === COMMENT) return;
    const t = this.text;
    this.clearRoutes();
    const state = this.metadataFamily(read.name, read.quoted ? -1 : start + read.nameOffset);
    const name = state.family.name;
    if (read.kind === HELP) {
      if (state.helped) throw new LineSyntaxError(`second HELP line for "${name}"`);
      state.helped = true;
      if (read.help === undefined) {
        const textStart = start + read.textOffset;
        read.help =
          this.scanner.nextBackslash(textStart) < end
            ? unescapeHelp(t, textStart, end, this.log.strict)
            : t.slice(textStart, end);
      }
      state.family.help = read.help;
    } else {
      if (state.typed) throw new LineSyntaxError(`second TYPE line for "${name}"`);
      if (state.family.samples.length > 0) throw new LineSyntaxError(`TYPE line for "${name}" after its samples`);
      state.typed = true;
      state.family.type = read.type;
    }
  }

  /**
   * The family a HELP or TYPE line names, written at `at` (-1: quoted, so its text is not its
   * name). HELP x, then TYPE x: the second line names the family the first one did, found without
   * a lookup; any other name becomes the last one named, and its samples reuse its string.
   */
  private metadataFamily(name: string, at: number, order = UNCOMPARED): FamilyState {
    const last = this.lastMeta;
    if (last !== undefined && this.lastMetaAt >= 0 && at >= 0 && this.index.sameName(last, this.lastMetaAt, name, at))
      return last;
    const state = this.index.named(name, at, order);
    this.lastMeta = state;
    this.lastMetaAt = at;
    if (at >= 0) this.scanner.rememberName(state.family.name, at);
    return state;
  }

  /**
   * At a `#` line with no series cache: the usual TYPE line of the family the last HELP or TYPE
   * line named (scanTypeLineOf), read as readComment would read it; returns where the next line
   * starts, or -1 when the line is not that one or the general path's rules may reject it.
   */
  private typeLineOfLast(pos: number): number {
    const state = this.lastMeta;
    if (state === undefined || state.typed || state.family.samples.length > 0) return -1;
    const newline = scanTypeLineOf(this.scanner.body, pos, state.family.name, this.lastMetaAt, this.meta);
    if (newline < 0) return -1;
    this.clearRoutes();
    state.typed = true;
    state.family.type = this.meta.type;
    return newline + 1;
  }

  /**
   * The same for the usual HELP line (scanHelpLine) with no backslash in its text: where the next
   * line starts, or -1 when the line is not that one or the general path's rules may reject it.
   */
  private helpLine(pos: number): number {
    const meta = this.meta;
    const index = this.index;
    const textStart = scanHelpLine(this.scanner.body, pos, meta, index.greatestAt, index.greatest.length);
    if (textStart < 0) return -1;
    const t = this.text;
    const newline = t.indexOf('\n', textStart);
    if (newline < 0 || t.charCodeAt(newline - 1) === 13 || this.scanner.nextBackslash(textStart) < newline) return -1;
    const state = this.metadataFamily(t.slice(meta.nameStart, meta.nameEnd), meta.nameStart, meta.order);
    if (state.helped) return -1;
    this.clearRoutes();
    state.helped = true;
    state.family.help = t.slice(textStart, newline);
    return newline + 1;
  }

  /** What a `#` line says on its own, scanned in full (throws LineSyntaxError for a malformed HELP or TYPE). */
  private scanMetadata(start: number, end: number): MetadataRead {
    const meta = this.meta;
    const last = this.lastMeta;
    const known = last === undefined || this.lastMetaAt < 0 ? '' : last.family.name;
    if (!scanComment(this.scanner.body, start, end, this.log.strict, meta, known, this.lastMetaAt)) return NOT_METADATA;
    // Kept for the next parse when there is a cache; else one object serves every line.
    const read = this.scanner.cache === undefined ? this.scratch : { ...NOT_METADATA };
    read.kind = meta.kind;
    read.name = meta.name ?? (meta.sameAsKnown ? known : this.text.slice(meta.nameStart, meta.nameEnd));
    read.quoted = meta.name !== undefined;
    read.nameOffset = meta.nameStart - start;
    read.textOffset = meta.textStart - start;
    read.type = meta.type;
    read.help = undefined;
    return read;
  }

  private clearRoutes(): void {
    if (!this.routed) return;
    this.routed = false;
    const names = this.routeNames;
    for (let r = 0; r < ROUTES; r++) names[r] = '';
  }

  /**
   * A `# UNIT name unit` line is a comment in this format (the reference parser skips it), but
   * exporters that write one (OpenTelemetry's, for one) mean it: the unit is kept on the family
   * when the line is well formed. Its OpenMetrics rules (the name ends in the unit) do not apply.
   */
  private readUnitComment(start: number, end: number): void {
    const [name, unit, ...rest] = this.text
      .slice(start, end)
      .trim()
      .split(/[ \t]+/);
    if (!name || !unit || rest.length > 0 || !isMetricName(name)) return;
    this.clearRoutes();
    this.familyNamed(name).family.unit ??= unit;
  }

  private readSample(start: number, end: number, lineNo: number): void {
    this.addSample(this.scanner.scanSample(start, end), lineNo);
  }

  /** A sample line's sample, into its family (the rules its role there sets). */
  private addSample(sample: Sample, lineNo: number): void {
    if (sample.exemplar !== undefined && !this.warnedExemplar) {
      this.warnedExemplar = true;
      this.log.warn(
        lineNo,
        'exemplars are not part of Prometheus text 0.0.4 (an OpenMetrics body served as text/plain?)',
      );
    }
    const name = sample.name;
    const names = this.routeNames;
    let r = 0;
    while (r < ROUTES && names[r] !== name) r++;
    if (r === ROUTES) {
      r = this.routeNext;
      this.routeNext = (r + 1) % ROUTES;
      this.route(name, r);
    }
    const role = this.routeRoles[r]!;
    const family = this.routeStates[r]!.family;
    if (role === ROLE_BUCKET) {
      checkNumericLabel(sample.labels, 'le', 'histogram bucket');
      if (sample.value < 0)
        this.log.warn(
          lineNo,
          `negative bucket count ${sample.value} in histogram "${family.name}" (counts of observations cannot be negative)`,
        );
    } else if (role === ROLE_QUANTILE) {
      checkNumericLabel(sample.labels, 'quantile', 'summary quantile');
    } else if (role === ROLE_HISTOGRAM_COUNT && sample.value < 0) {
      this.log.warn(
        lineNo,
        `negative count ${sample.value} in histogram "${family.name}" (counts of observations cannot be negative)`,
      );
    }
    family.samples.push(sample);
  }

  /** Finds the family of a sample name (its own, or the histogram/summary it is part of) into route slot r. */
  private route(name: string, r: number): void {
    let state = this.knownFamily(name);
    let role = ROLE_PLAIN;
    if (state !== undefined) {
      if (state.family.type === 'summary') role = ROLE_QUANTILE;
    } else {
      for (const suffix of PART_SUFFIXES) {
        if (!name.endsWith(suffix)) continue;
        const baseName = name.slice(0, -suffix.length);
        const base = this.knownFamily(baseName);
        if (base && isPartOf(suffix, base.family.type)) {
          state = base;
          if (suffix === '_bucket') role = ROLE_BUCKET;
          else if (suffix === '_count' && base.family.type !== 'summary') role = ROLE_HISTOGRAM_COUNT;
          break;
        }
      }
      state ??= this.familyNamed(name);
    }
    this.routeNames[r] = name;
    this.routed = true;
    this.routeStates[r] = state;
    this.routeRoles[r] = role;
  }

  /** The family of that name if there is one: most often the one the HELP and TYPE lines just before named. */
  private knownFamily(name: string): FamilyState | undefined {
    const last = this.lastMeta;
    return last !== undefined && last.family.name === name ? last : this.index.find(name);
  }

  private familyNamed(name: string): FamilyState {
    return this.index.named(name);
  }
}

/**
 * Sample-name suffixes that join a typed family of the shorter name. Beyond the 0.0.4 format's
 * `_bucket`/`_sum`/`_count`, some clients write OpenMetrics-style names in Prometheus text
 * (`# TYPE x counter` with `x_total`, or `x_created`): those join their family too.
 */
const PART_SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created'];

function isPartOf(suffix: string, type: MetricType): boolean {
  if (type === 'histogram' || type === 'gaugehistogram')
    return suffix === '_bucket' || suffix === '_count' || suffix === '_sum' || suffix === '_created';
  if (type === 'summary') return suffix === '_count' || suffix === '_sum' || suffix === '_created';
  if (type === 'counter') return suffix === '_total' || suffix === '_created';
  return false;
}

function checkNumericLabel(labels: Record<string, string>, name: string, what: string): void {
  const v = labels[name];
  if (typeof v !== 'string') throw new LineSyntaxError(`${what} without a "${name}" label`);
  if (v.length === 0) throw new LineSyntaxError(`${what} with an empty "${name}" label`);
  if (!isPlainNumberText(v)) parseNumberToken(v, 0, v.length, NUMBER_VALUE, `"${name}" label value`);
}
