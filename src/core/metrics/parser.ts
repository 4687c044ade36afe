/**
 * Exposition parser: Prometheus text format 0.0.4 and OpenMetrics 1.0 text into MetricFamily
 * values, strict (first problem throws an ExpositionError naming the line and reason) or lenient
 * (bad lines skipped and counted, rule breaks recorded, data kept).
 *
 * Why hand-written:
 * - Conformance: `parse-prometheus-text-format` 1.1.1, the only parser in our dependency set,
 *   gets 55 of the 211 OpenMetrics suite cases right (accepts 41 of the 44 valid ones, rejects 14
 *   of the 167 invalid ones): it has no strict mode, no OpenMetrics grammar (EOF, UNIT, exemplars,
 *   stateset/info/gaugehistogram rules) and no line numbers in its errors. prom-client only writes
 *   the format. This parser gets 211 of 211 (test/unit/core/metrics/parser.conformance.test.ts).
 * - Speed: several times the anchor's throughput on a corpus of real scrapes (`npm run bench --
 *   parse`; recorded figures in bench/README.md), while also checking every rule the anchor
 *   ignores. How: one forward pass per line; names, label names and label values compared in
 *   place with where they were last written in the body and the earlier string reused (no
 *   substring per line); a family's samples reuse the name its HELP/TYPE line made; duplicate
 *   label checks skipped while the names repeat; label objects made by one cached object literal
 *   per label-name list (parserLabelSets.ts); indexOf cursors for quotes; exact integer/decimal
 *   fast paths for numbers. An ASCII body is also copied to bytes once (parserBody.ts): the
 *   in-place compares then go eight bytes at a time, and names, blanks, plain values and the
 *   usual HELP, TYPE and UNIT lines are read from the bytes, cheaper than charCodeAt, as is the
 *   usual sample line of a first parse, in one pass before its end is looked for
 *   (parserPlainLine.ts); other bodies are read char by char.
 *
 * Model notes for consumers: in OpenMetrics a counter family is named without `_total` (family
 * `a`, samples `a_total`, `a_created`); in Prometheus text the family is named as its TYPE line
 * says (usually with `_total`; `x_total`/`x_created` samples join a `# TYPE x counter` family,
 * `_bucket`/`_sum`/`_count`/`_created` their histogram or summary). Samples keep their full
 * names. Families with no TYPE are 'unknown' (OpenMetrics) or 'untyped'
 * (Prometheus). Timestamps are kept as written: seconds in OpenMetrics, milliseconds in
 * Prometheus text.
 */
import { isUtf8 } from 'node:buffer';
import type { ExpositionFormat, MetricFamily, ParseResult } from './types';
import { ProblemLog } from './parserProblems';
import { parseOpenMetricsText } from './parserOpenMetrics';
import { parsePrometheusText } from './parserPrometheus';
import type { SeriesCache } from './parserSeriesCache';
import { keepShape } from '../util/keepShape';

export { ExpositionError } from './parserProblems';
export { labelsKey } from './parserLexical';
export { SeriesCache } from './parserSeriesCache';

export interface ParseOptions {
  /** 'auto' (default) decides from contentType, else from the body. */
  format?: 'auto' | ExpositionFormat;
  /** The HTTP Content-Type of a scrape, used by format 'auto'. */
  contentType?: string;
  /** Throw an ExpositionError at the first problem instead of skipping and counting (default false). */
  strict?: boolean;
  /**
   * The series of this source's last parse: lines that repeat one of them take its name and
   * labels instead of being scanned again (parserSeriesCache.ts). One per source, kept across its
   * parses; results then share (frozen) label objects.
   */
  seriesCache?: SeriesCache;
}

/**
 * Chooses the dialect: from the content type (application/openmetrics-text or text/plain) when
 * there is one, else OpenMetrics when the body ends with `# EOF` (every OpenMetrics body does),
 * else Prometheus text. `# UNIT` lines alone do not make a body OpenMetrics: exporters write them
 * in text-format bodies too (OpenTelemetry's does); parseExposition reads such a body as
 * OpenMetrics only when that dialect accepts lines Prometheus text rejects.
 */
export function detectFormat(text: string, contentType?: string): ExpositionFormat {
  return detectCheaply(text, contentType) ?? 'prometheus';
}

/** The content type, or a body ending in `# EOF`; undefined when neither tells. */
function detectCheaply(text: string, contentType?: string): ExpositionFormat | undefined {
  // The usual content types, written in lower case with nothing before them, are named without
  // the trimmed and lower-cased copy any other needs.
  const named =
    contentType === undefined
      ? undefined
      : (formatNamedIn(contentType) ?? formatNamedIn(contentType.trim().toLowerCase()));
  if (named !== undefined) return named;
  let end = text.length;
  while (end > 0 && isWhitespace(text.charCodeAt(end - 1))) end--;
  if (end >= 5 && text.startsWith('# EOF', end - 5) && (end === 5 || text.charCodeAt(end - 6) === 10))
    return 'openmetrics';
  return undefined;
}

/** The format a (trimmed, lower-case) content type names; undefined for any other. */
function formatNamedIn(contentType: string): ExpositionFormat | undefined {
  if (contentType.startsWith('application/openmetrics-text')) return 'openmetrics';
  if (contentType.startsWith('text/plain')) return 'prometheus';
  return undefined;
}

function hasUnitLine(text: string): boolean {
  return text.startsWith('# UNIT ') || text.indexOf('\n# UNIT ') >= 0;
}

/** Parses a scrape body. Never throws in lenient mode; throws only ExpositionError in strict mode. */
export function parseExposition(input: string | Buffer, opts: ParseOptions = {}): ParseResult {
  const strict = opts.strict ?? false;
  const log = new ProblemLog(strict);
  let text = typeof input === 'string' ? input : decodeUtf8(input, log);
  // A byte-order mark is no part of the first line (some Windows tools write one).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const explicit =
    opts.format === undefined || opts.format === 'auto' ? detectCheaply(text, opts.contentType) : opts.format;
  const format = explicit ?? 'prometheus';
  if (looksLikeHtml(text)) {
    log.skip(1, 'the body is an HTML page, not a metrics exposition (a login or error page on the metrics URL?)');
    log.skippedLines = countLines(text);
    return finish(format, [], log);
  }
  const cache = opts.seriesCache;
  if (format === 'openmetrics') return finish(format, parseOpenMetricsText(text, log, cache), log);
  if (explicit !== undefined) return finish(format, parsePrometheusText(text, log, cache), log);
  // Undecided: Prometheus text. A body with `# UNIT` lines whose lines text format rejects may be
  // OpenMetrics that lost its `# EOF` (a truncated body): it is read as whichever dialect keeps
  // more of it. Strict mode stops at the first rejected line, as for any Prometheus body.
  const prelude = log.problems.slice();
  const families = parsePrometheusText(text, log, cache);
  if (log.skippedLines === 0 || !hasUnitLine(text)) return finish(format, families, log);
  const asOpenMetrics = new ProblemLog(false);
  asOpenMetrics.problems.push(...prelude);
  const omFamilies = parseOpenMetricsText(text, asOpenMetrics);
  return asOpenMetrics.skippedLines < log.skippedLines
    ? finish('openmetrics', omFamilies, asOpenMetrics)
    : finish(format, families, log);
}

/**
 * A family of each shape the readers give: made as `{ name, type, samples }`, with `help` and
 * `unit` added as their lines are read, in either order. Kept alive so that the code optimised
 * for them outlives a full collection between two scrapes (keepShape.ts).
 */
function familyShapes(): MetricFamily[] {
  const shapes: MetricFamily[] = [];
  for (const added of [[], ['help'], ['unit'], ['help', 'unit'], ['unit', 'help']] as const) {
    const family: MetricFamily = { name: '', type: 'untyped', samples: [] };
    for (const key of added) family[key] = '';
    shapes.push(family);
  }
  return shapes;
}
keepShape('metric families', familyShapes());

/** Problems are found in reading order, mostly; a histogram's are known at its end: list them by line. */
function finish(format: ExpositionFormat, families: MetricFamily[], log: ProblemLog): ParseResult {
  // The log's own list, sorted in place: the log ends with the parse.
  const problems = log.problems;
  if (problems.length > 1) problems.sort((a, b) => a.line - b.line);
  return { format, families, skippedLines: log.skippedLines, problems };
}

/** A value as JSON output shows it: the number, or "NaN", "+Inf", "-Inf" for the non-finite ones. */
export function formatValue(n: number): number | 'NaN' | '+Inf' | '-Inf' {
  if (Number.isFinite(n)) return n;
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? '+Inf' : '-Inf';
}

function decodeUtf8(bytes: Buffer, log: ProblemLog): string {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from((bytes as Uint8Array).buffer, (bytes as Uint8Array).byteOffset, (bytes as Uint8Array).byteLength);
  const text = buf.toString('utf8');
  if (!isUtf8(buf)) {
    const at = text.indexOf('\uFFFD');
    log.warn(lineAt(text, at < 0 ? 0 : at), 'the body is not valid UTF-8; invalid bytes were replaced with U+FFFD');
  }
  return text;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function looksLikeHtml(text: string): boolean {
  let i = 0;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 60; // '<': no exposition line starts with it
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
