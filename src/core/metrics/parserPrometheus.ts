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
import type { MetricFamily, MetricType } from './types';
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import * as lexical from './parserLexical';
import { escapedChar, scanQuotedName } from './parserLexical';
import { SampleScanner } from './parserScan';
import type { SeriesCache } from './parserSeriesCache';
import type { BodyText } from './parserBody';
import * as cursor from './parserCursor';

// Local bindings: imported names read through getters when loaded as CommonJS (see parserScan.ts).
const { METRIC_PART, METRIC_START, NAME_CLASS, NUMBER_VALUE, isMetricName, matchesAt, parseNumberToken } = lexical;
const { nameCharsEnd } = cursor;

/** TYPE words, in any case (as Prometheus reads them); both spellings of gauge histograms. */
const PROMETHEUS_TYPES = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'untyped'],
  ['gauge_histogram', 'gaugehistogram'],
  ['gaugehistogram', 'gaugehistogram'],
]);

interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  helped: boolean;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

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
  private readonly families: MetricFamily[] = [];
  private readonly byName = new Map<string, FamilyState>();
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
  private warnedExemplar = false;
  /** The comment scanner's output, reused line to line. */
  private readonly meta = new CommentScan();
  /** The family the last HELP or TYPE line named. */
  private lastMeta: FamilyState | undefined;
  /** Where its name is written on that line (-1: quoted, so its text is not its name). */
  private lastMetaAt = -1;

  constructor(
    private readonly text: string,
    private readonly log: ProblemLog,
    seriesCache?: SeriesCache,
  ) {
    this.scanner = new SampleScanner(false, log.strict);
    this.scanner.reset(text, seriesCache);
  }

  read(): MetricFamily[] {
    const text = this.text;
    const length = text.length;
    let lineNo = 0;
    let pos = 0;
    while (pos < length) {
      lineNo++;
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
        if (text.charCodeAt(start) === 35) this.readComment(start, end);
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
    return this.families;
  }

  private readComment(start: number, end: number): void {
    const t = this.text;
    if (t.charCodeAt(start + 1) === SPACE && t.charCodeAt(start + 2) === UPPER_U && t.startsWith('# UNIT ', start))
      return this.readUnitComment(start + 7, end);
    const meta = this.meta;
    const last = this.lastMeta;
    const known = last === undefined || this.lastMetaAt < 0 ? '' : last.family.name;
    if (!scanComment(this.scanner.body, start, end, this.log.strict, meta, known, this.lastMetaAt)) return;
    this.clearRoutes();
    // HELP x, then TYPE x: the second line names the family the first one did.
    let state = last;
    if (state === undefined || !meta.sameAsKnown) {
      state = this.familyNamed(meta.name ?? t.slice(meta.nameStart, meta.nameEnd));
      this.lastMeta = state;
      this.lastMetaAt = meta.name === undefined ? meta.nameStart : -1;
      if (this.lastMetaAt >= 0) this.scanner.rememberName(state.family.name, this.lastMetaAt);
    }
    const name = state.family.name;
    if (meta.kind === HELP) {
      if (state.helped) throw new LineSyntaxError(`second HELP line for "${name}"`);
      state.helped = true;
      state.family.help =
        this.scanner.nextBackslash(meta.textStart) < end
          ? unescapeHelp(t, meta.textStart, end, this.log.strict)
          : t.slice(meta.textStart, end);
    } else {
      if (state.typed) throw new LineSyntaxError(`second TYPE line for "${name}"`);
      if (state.family.samples.length > 0) throw new LineSyntaxError(`TYPE line for "${name}" after its samples`);
      state.typed = true;
      state.family.type = meta.type;
    }
  }

  private clearRoutes(): void {
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
    const sample = this.scanner.scanSample(start, end);
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
    let state = this.byName.get(name);
    let role = ROLE_PLAIN;
    if (state !== undefined) {
      if (state.family.type === 'summary') role = ROLE_QUANTILE;
    } else {
      for (const suffix of PART_SUFFIXES) {
        if (!name.endsWith(suffix)) continue;
        const base = this.byName.get(name.slice(0, -suffix.length));
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
    this.routeStates[r] = state;
    this.routeRoles[r] = role;
  }

  private familyNamed(name: string): FamilyState {
    let state = this.byName.get(name);
    if (!state) {
      state = { family: { name, type: 'untyped', samples: [] }, typed: false, helped: false };
      this.byName.set(name, state);
      this.families.push(state.family);
    }
    return state;
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
  parseNumberToken(v, 0, v.length, NUMBER_VALUE, `"${name}" label value`);
}

const HELP = 1;
const TYPE = 2;

/** Where a HELP or TYPE line's parts are: filled in by scanComment, reused from line to line. */
class CommentScan {
  kind = HELP;
  /** The name, text[nameStart, nameEnd): plain names are not sliced out until needed. */
  nameStart = 0;
  nameEnd = 0;
  /** A quoted name, unescaped; undefined for a plain one. */
  name: string | undefined = undefined;
  /** The name is the one scanComment was told the line likely holds (written at its `knownAt`). */
  sameAsKnown = false;
  /** HELP: where the text starts (it runs to the end of the line). */
  textStart = 0;
  /** TYPE: the type. */
  type: MetricType = 'untyped';
}

/**
 * A `#` line: true for HELP or TYPE metadata (its parts in `out`), false for any other comment.
 * As in Prometheus's parser, `# HELP` or `# TYPE` with nothing after the name (or no name at all)
 * says nothing and is taken for a comment.
 */
function scanComment(
  body: BodyText,
  start: number,
  end: number,
  strict: boolean,
  out: CommentScan,
  known: string,
  knownAt: number,
): boolean {
  const t = body.text;
  let i = start + 1;
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  const c = t.charCodeAt(i);
  let kind: typeof HELP | typeof TYPE;
  if (c === UPPER_H && t.charCodeAt(i + 1) === 69 && t.charCodeAt(i + 2) === 76 && t.charCodeAt(i + 3) === 80)
    kind = HELP; // "HELP"
  else if (c === UPPER_T && t.charCodeAt(i + 1) === 89 && t.charCodeAt(i + 2) === 80 && t.charCodeAt(i + 3) === 69)
    kind = TYPE; // "TYPE"
  else return false;
  if (i + 4 > end) return false;
  i += 4;
  if (i < end && !isBlank(t.charCodeAt(i))) return false; // e.g. "# HELPFUL note"
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  if (i === end) return false;
  const nameStart = i;
  let quotedName: string | undefined;
  let sameAsKnown = false;
  const afterKnown = i + known.length;
  if (
    known.length > 0 &&
    afterKnown <= end &&
    (afterKnown === end || isBlank(t.charCodeAt(afterKnown))) &&
    body.same(i, knownAt, known.length)
  ) {
    // The name the last HELP or TYPE line had (checked there): no need to check it again.
    sameAsKnown = true;
    i = afterKnown;
  } else if (t.charCodeAt(i) === QUOTE_CHAR) {
    const quoted = scanQuotedName(t, i + 1, end, 'metric name');
    quotedName = quoted.name;
    i = quoted.end;
  } else {
    i = nameCharsEnd(body, i, end, METRIC_PART);
  }
  const kindWord = kind === HELP ? 'HELP' : 'TYPE';
  if (i < end && !isBlank(t.charCodeAt(i))) {
    let tokenEnd = i;
    while (tokenEnd < end && !isBlank(t.charCodeAt(tokenEnd))) tokenEnd++;
    throw new LineSyntaxError(`invalid metric name "${t.slice(nameStart, tokenEnd)}" in ${kindWord}`);
  }
  // The loop took name characters only; a name may not start with a digit.
  if (quotedName === undefined && (NAME_CLASS[t.charCodeAt(nameStart)]! & METRIC_START) === 0)
    throw new LineSyntaxError(`invalid metric name "${t.slice(nameStart, i)}" in ${kindWord}`);
  const nameEnd = i;
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  if (i === end) return false;
  out.kind = kind;
  out.sameAsKnown = sameAsKnown;
  out.nameStart = nameStart;
  out.nameEnd = nameEnd;
  out.name = quotedName;
  if (kind === HELP) {
    out.textStart = i;
    return true;
  }
  let typeEnd = end;
  while (typeEnd > i && isBlank(t.charCodeAt(typeEnd - 1))) typeEnd--;
  const type = typeWord(t, i, typeEnd);
  if (type === undefined)
    throw new LineSyntaxError(
      `unknown metric type "${t.slice(i, typeEnd)}" (expected counter, gauge, histogram, summary or untyped)`,
    );
  if (strict && typeEnd < end) throw new LineSyntaxError(`blanks after the metric type "${t.slice(i, typeEnd)}"`);
  out.type = type;
  return true;
}

/** The type a TYPE word names, in any case; undefined for an unknown word. */
function typeWord(t: string, start: number, end: number): MetricType | undefined {
  // The usual lower-case spellings, told apart by length and first letter and compared in place;
  // anything else through the table.
  const length = end - start;
  let word: MetricType | undefined;
  if (length === 5) word = 'gauge';
  else if (length === 9) word = 'histogram';
  else if (length === 7) {
    const c = t.charCodeAt(start);
    word = c === LOWER_C ? 'counter' : c === LOWER_S ? 'summary' : c === LOWER_U ? 'untyped' : undefined;
  }
  if (word !== undefined && matchesAt(t, start, word)) return word;
  return PROMETHEUS_TYPES.get(t.slice(start, end).toLowerCase());
}

const LOWER_C = 99;
const LOWER_S = 115;
const LOWER_U = 117;
const UPPER_H = 72;
const UPPER_T = 84;
const UPPER_U = 85;
const SPACE = 32;

const QUOTE_CHAR = 34;

/**
 * HELP text escapes `\\`, `\"` and `\n`. Any other backslash is an error in strict mode (as in
 * Prometheus's parser) and stays as written in a lenient read.
 */
function unescapeHelp(t: string, start: number, end: number, strict: boolean): string {
  const raw = t.slice(start, end);
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  let from = 0;
  for (let i = raw.indexOf('\\'); i >= 0; i = raw.indexOf('\\', i)) {
    const replacement = i + 1 < raw.length ? escapedChar(raw.charCodeAt(i + 1)) : undefined;
    if (replacement === undefined) {
      if (strict)
        throw new LineSyntaxError(
          `invalid escape sequence "${raw.slice(i, i + 2)}" in HELP text (only \\\\, \\" and \\n are allowed)`,
        );
      i++;
      continue;
    }
    out += raw.slice(from, i) + replacement;
    from = i + 2;
    i += 2;
  }
  return out + raw.slice(from);
}
