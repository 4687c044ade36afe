/**
 * The exposition parser's line scanner: one sample line (name, labels, value, timestamp,
 * exemplar) in one forward pass, for both dialects. OpenMetrics is scanned to its
 * exact grammar (single spaces, no trailing comma); Prometheus text 0.0.4 allows runs of blanks
 * and a trailing comma, and quoted names (`{"http.server.duration","url.scheme"="https"} 1`, the
 * metric name possibly inside the braces), as Prometheus's own Go parser does. Names and labels
 * are read by LabelScanner (parserLabelScan.ts), the usual line of a first parse in one pass by
 * PlainLineScanner (parserPlainLine.ts); this adds the value, timestamp and exemplar, and the
 * series cache (a line written as one of the last parse's takes that line's series).
 */
import type { Exemplar, Sample } from './types';
import { LineSyntaxError } from './parserProblems';
import * as lexical from './parserLexical';
import * as plainLine from './parserPlainLine';
import type { SeriesCache, SeriesEntry } from './parserSeriesCache';
import { NO_SERIES } from './parserSeriesCache';
import { PARSE_BUFFERS } from './parserBody';

// Local bindings, not live imports: a module loaded as CommonJS (tsx, the tests, the benchmark)
// reads each imported name through a getter, which costs dearly inside per-character loops.
const { HASH, NUMBER_INTEGER, NUMBER_REAL, NUMBER_VALUE, OPEN_BRACE, QUOTE, SPACE, codePointLength, scanQuotedName } =
  lexical;

const { PlainLineScanner } = plainLine;

const NEWLINE = 10;
const CR = 13;

/** Most exemplar label sets are far shorter; the spec caps names plus values at 128 code points. */
const MAX_EXEMPLAR_LABEL_CODE_POINTS = 128;

function withExemplar(
  name: string,
  labels: Record<string, string>,
  value: number,
  timestamp: number | undefined,
  exemplar: Exemplar,
): Sample {
  return timestamp === undefined ? { name, labels, value, exemplar } : { name, labels, value, timestamp, exemplar };
}

export class SampleScanner extends PlainLineScanner {
  /** The last parse's series of this source, when the caller keeps them (see parserSeriesCache.ts). */
  private seriesCache: SeriesCache | undefined;
  /** What scanKnownLine found of the series at `peekedAt` when it left the line to scanSample. */
  private peekedAt = -1;
  private peeked = NO_SERIES;
  /** The series cache's entry for the last sample's series; undefined without a cache. */
  lastSeries: SeriesEntry | undefined;

  get cache(): SeriesCache | undefined {
    return this.seriesCache;
  }

  reset(text: string, seriesCache?: SeriesCache): void {
    // The body lives as long as this parse unless a series cache keeps it for the next one.
    this.start(text, seriesCache?.copyBuffers ?? PARSE_BUFFERS, seriesCache?.lastBody);
    this.seriesCache = seriesCache;
    this.peekedAt = -1;
    seriesCache?.begin(this.body, this.openMetrics ? 'openmetrics' : this.strictText ? 'text strict' : 'text');
    this.resetNames();
  }

  /** Done with the body: lets go of it, of the series cache and of every string read from the body. */
  release(): void {
    this.start('');
    this.seriesCache = undefined;
    this.lastSeries = undefined;
    this.peekedAt = -1;
    this.peeked = NO_SERIES;
    this.resetNames();
    this.forgetLine();
  }

  /** The body was read to its end: the series kept from it are the next parse's to match. */
  finishBody(): void {
    this.seriesCache?.commit();
  }

  /**
   * The usual line of a later scrape, read before its end is looked for: a series of the last
   * parse, a plain value (see plainDecimal) and the newline. Returns its sample (the line ends at
   * `lineEnd`), or undefined for any other line, which scanSample then reads (without comparing
   * the series text again). Only with a series cache and a byte copy of the body.
   */
  scanKnownLine(start: number, limit: number): Sample | undefined {
    const cache = this.seriesCache!;
    const j = cache.peekSeries(start, limit);
    this.peekedAt = start;
    this.peeked = j;
    if (j < 0 || this.body.bytes.length === 0) return undefined;
    this.pos = start + cache.seriesLength(j);
    this.end = limit;
    const value = this.plainDecimal(NUMBER_VALUE);
    if (value < 0 || this.body.bytes[this.pos] !== NEWLINE) return undefined;
    this.peekedAt = -1;
    this.lineEnd = this.pos;
    const series = cache.takeSeries(j, start);
    this.lastSeries = series;
    return { name: series.name, labels: series.labels, value };
  }

  /**
   * The usual sample line at `start`, read before its end is looked for: with a series cache one
   * of its series (scanKnownLine), else a plain line (scanPlainLine). Undefined for any other.
   */
  scanLine(start: number, limit: number): Sample | undefined {
    return this.seriesCache !== undefined ? this.scanKnownLine(start, limit) : this.scanPlainLine(start, limit);
  }

  /**
   * The rest of a plain line (see PlainLineScanner.plainRest) as scanSample reads it after the
   * name and labels. Undefined when the line ends in CR or none, or is malformed: the general path
   * then reads it again (and finds what was cached).
   */
  protected plainRest(name: string, labels: Record<string, string>, from: number): Sample | undefined {
    const t = this.text;
    const end = t.indexOf('\n', from);
    if (end < 0 || t.charCodeAt(end - 1) === CR) return undefined;
    this.pos = from;
    this.end = end;
    try {
      const sample = this.scanRest(name, labels);
      this.lineEnd = end;
      return sample;
    } catch (e) {
      if (!(e instanceof LineSyntaxError)) throw e;
      // Read again from the line's start: the quote and backslash cursors must not be past it.
      this.forgetDelimiters();
      return undefined;
    }
  }

  /** Scans the sample line text[start, end); throws LineSyntaxError when it is malformed. */
  scanSample(start: number, end: number): Sample {
    const t = this.text;
    this.pos = start;
    this.end = end;
    const cache = this.seriesCache;
    if (cache !== undefined) {
      const series = this.knownSeries(cache, start, end);
      if (series !== undefined) {
        this.lastSeries = series;
        this.pos = start + series.length;
        return this.scanRest(series.name, series.labels);
      }
    }
    if (!this.openMetrics) {
      const first = t.charCodeAt(start);
      if (first === OPEN_BRACE || first === QUOTE) return this.scanQuotedOrBracedSample(first, start);
    }
    const name = this.scanMetricName();
    let labels: Record<string, string> = {};
    if (this.openMetrics) {
      if (this.peek() === OPEN_BRACE) labels = this.scanLabels(true, true);
      this.expectSpace('a space and a value after the metric name');
    } else {
      this.skipBlanks();
      if (this.peek() === OPEN_BRACE) {
        labels = this.scanLabels(false, true);
        this.skipBlanks();
      } else if (this.pos === start + name.length) {
        throw new LineSyntaxError(`invalid metric name: unexpected "${t[this.pos] ?? ''}"`);
      }
    }
    return this.scanRest(name, this.kept(start, name, labels));
  }

  /** The last parse's series written at text[start, end), using what scanKnownLine found there. */
  private knownSeries(cache: SeriesCache, start: number, end: number): SeriesEntry | undefined {
    if (this.peekedAt !== start) return cache.findSeries(start, end);
    this.peekedAt = -1;
    const j = this.peeked;
    // No series for the body's end means none for the line's; one that ends before the line
    // does is the one findSeries finds.
    if (j === NO_SERIES) return undefined;
    if (j >= 0 && start + cache.seriesLength(j) < end) return cache.takeSeries(j, start);
    return cache.findSeries(start, end);
  }

  /**
   * Prometheus text with a quoted metric name, `"a.b"{…} 1`, or its name inside the braces,
   * `{"a.b",…} 1` (also `{a_b} 1`): rarer than plain names, so read without the caches.
   */
  private scanQuotedOrBracedSample(first: number, start: number): Sample {
    let name: string | undefined;
    let labels: Record<string, string> = {};
    if (first === QUOTE) {
      const quoted = scanQuotedName(this.text, this.pos + 1, this.end, 'metric name');
      name = quoted.name;
      this.pos = quoted.end;
      this.skipBlanks();
      if (this.peek() === OPEN_BRACE) labels = this.scanLabels(false, false);
    } else {
      this.nameInBraces = true;
      this.bracedName = undefined;
      try {
        labels = this.scanLabels(false, false);
      } finally {
        this.nameInBraces = false;
      }
      name = this.bracedName;
      if (name === undefined)
        throw new LineSyntaxError('invalid metric name: the braces hold labels but no metric name');
    }
    this.skipBlanks();
    return this.scanRest(name, this.kept(start, name, labels));
  }

  /** A series scanned in full, text[start, pos): kept for the next parse when there is a cache. */
  private kept(start: number, name: string, labels: Record<string, string>): Record<string, string> {
    const cache = this.seriesCache;
    if (cache === undefined) return labels;
    const entry = cache.addSeries(start, this.pos - start, name, labels);
    this.lastSeries = entry;
    return entry.labels;
  }

  /** After the name and labels: the value, and a timestamp or (not Prometheus text) an exemplar. */
  private scanRest(name: string, labels: Record<string, string>): Sample {
    const t = this.text;
    const end = this.end;
    const valueStart = this.pos;
    const value = this.scanNumber(NUMBER_VALUE, 'value');
    if ((value === Infinity || value === -Infinity) && this.strictText) this.checkInRange(valueStart);
    // The sample is made once its parts are known, as one literal: adding a timestamp or an
    // exemplar to a made object would change its shape (a slower object, more garbage).
    if (this.pos === end) return { name, labels, value };
    let timestamp: number | undefined;
    if (this.openMetrics) {
      this.expectSpace('a single space before the timestamp or exemplar');
      if (this.peek() !== HASH) {
        timestamp = this.scanNumber(NUMBER_REAL, 'timestamp');
        if (this.pos === end) return { name, labels, value, timestamp };
        this.expectSpace('a single space before the exemplar');
        if (this.peek() !== HASH) throw new LineSyntaxError('unexpected text after the timestamp');
      }
      return withExemplar(name, labels, value, timestamp, this.scanExemplar());
    }
    this.skipBlanks();
    if (this.pos < end && t.charCodeAt(this.pos) !== HASH) {
      const timestampStart = this.pos;
      timestamp = this.scanNumber(NUMBER_INTEGER, 'timestamp');
      if (this.strictText && (timestamp >= 2 ** 63 || timestamp < -(2 ** 63))) {
        throw new LineSyntaxError(
          `timestamp ${t.slice(timestampStart, this.pos)} is out of range (a 64-bit count of milliseconds)`,
        );
      }
      if (this.pos === end) return { name, labels, value, timestamp };
      this.skipBlanks();
    }
    if (this.pos === end && this.strictText)
      throw new LineSyntaxError(
        'blanks at the end of the sample line (Prometheus text allows none after the value or timestamp)',
      );
    if (this.pos < end) {
      if (t.charCodeAt(this.pos) !== HASH) throw new LineSyntaxError('unexpected text after the timestamp');
      // Not Prometheus text, but what an OpenMetrics body served as text/plain has: the reader
      // decides (strict rejects it, lenient keeps the sample and its exemplar).
      return withExemplar(name, labels, value, timestamp, this.scanExemplar());
    }
    return timestamp === undefined ? { name, labels, value } : { name, labels, value, timestamp };
  }

  /** At "#" after " ": scans `# {labels} value [timestamp]` to the end of the line. */
  private scanExemplar(): Exemplar {
    this.pos++;
    if (this.peek() !== SPACE) throw new LineSyntaxError('expected a space after "#" before the exemplar');
    this.pos++;
    if (this.peek() !== OPEN_BRACE) throw new LineSyntaxError('expected "{" to open the exemplar labels');
    const labels = this.scanLabels(true, false);
    let length = 0;
    for (const k in labels) length += k.length + labels[k]!.length;
    if (length > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
      length = 0;
      for (const k in labels) length += codePointLength(k) + codePointLength(labels[k]!);
      if (length > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
        throw new LineSyntaxError(
          `exemplar labels are ${length} code points long, over the limit of ${MAX_EXEMPLAR_LABEL_CODE_POINTS}`,
        );
      }
    }
    this.expectSpace('a space and a value after the exemplar labels');
    const value = this.scanNumber(NUMBER_VALUE, 'exemplar value');
    if (this.pos === this.end) return { labels, value };
    this.expectSpace('a single space before the exemplar timestamp');
    const timestamp = this.scanNumber(NUMBER_REAL, 'exemplar timestamp');
    if (this.pos !== this.end) throw new LineSyntaxError('unexpected text after the exemplar');
    return { labels, value, timestamp };
  }
}
