/**
 * The usual sample line of a first scrape, read in one pass over the body's bytes before its
 * end is looked for: `name` or `name{a="x",b="y"}`, one space, a plain value (digits, a
 * fraction, an exponent, to any number of digits: what LineCursor.plainDecimal reads) and the
 * newline. Most lines of real scrapes are written so; reading their names and labels with
 * locals, rather than token by token through the cursor's fields, takes a good part of the cost
 * of a first parse away. A line with such a name and labels and another value (a sign, Inf, NaN,
 * a timestamp, an exemplar after it) has its rest read by SampleScanner as scanSample reads it
 * (plainRest).
 *
 * The line is read as LabelScanner and SampleScanner read it, step by step, with the same
 * caches: a name or label value written as where it was last written is that same string, and
 * each cache is updated as the general path updates it, at the same step. Anything else (blanks
 * other than the one space, tabs, a CR, a backslash or a quoted name, `__name__`, a duplicate
 * or trailing comma, many labels, a last line without a newline) makes it return undefined,
 * and the line is read again by the general path. What it updated before then is what the
 * general path updates reading the line up to that point, and reading it again from there
 * finds what it just cached (the same text, at this line's place): the outcome is the same as
 * if the general path alone had read the line.
 */
import type { Sample } from './types';
import * as lexical from './parserLexical';
import * as labelScan from './parserLabelScan';

// Local bindings, not live imports: a module loaded as CommonJS (tsx, the tests, the benchmark)
// reads each imported name through a getter, which costs dearly inside per-character loops.
const {
  BACKSLASH,
  CLOSE_BRACE,
  COMMA,
  EQUALS,
  LABEL_PART,
  LABEL_START,
  METRIC_PART,
  METRIC_START,
  NAME_CLASS,
  NUMBER_VALUE,
  OPEN_BRACE,
  QUOTE,
  SPACE,
} = lexical;
const { FEW_LABELS, LabelScanner, RECENT_NAMES } = labelScan;

const NEWLINE = 10;

let plainLinesEnabled = true;

/**
 * Turns the plain-line reader off (false) or back on: the differential tests parse each input
 * both ways and compare the results. Not for production use.
 */
export function setPlainLineFastPathEnabled(enabled: boolean): void {
  plainLinesEnabled = enabled;
}

let plainSetsEnabled = true;

/**
 * Turns off (false) or back on telling the reader how a plain line's labels relate to the last
 * plain line's (plainSetBefore, changedLabel): the reader then compares every label set in full.
 * For the differential tests; not for production use.
 */
export function setPlainSetRelationEnabled(enabled: boolean): void {
  plainSetsEnabled = enabled;
}

export abstract class PlainLineScanner extends LabelScanner {
  /** Where the line scanPlainLine (or SampleScanner.scanKnownLine) read ends (at its newline). */
  lineEnd = 0;

  /**
   * The sample of the usual line that starts at `start` (see above), read up to `limit` (the
   * body's length) without looking for its end first; its newline is at `lineEnd`. Undefined for
   * any other line, or a body with no byte copy: the general path reads it.
   */
  scanPlainLine(start: number, limit: number): Sample | undefined {
    const bytes = this.body.bytes;
    if (bytes.length === 0 || !plainLinesEnabled) return undefined;
    const name = this.metricNameAt(start, limit);
    if (name === undefined) return undefined;
    let i = this.lineEnd;
    let labels: Record<string, string>;
    if (bytes[i] === SPACE) labels = {};
    else {
      const set = this.plainLabels(i + 1, limit);
      if (set === undefined) return undefined;
      labels = set;
      i = this.lineEnd;
      if (i >= limit || bytes[i] !== SPACE) return undefined;
    }
    const valueStart = i + 1;
    const value = this.plainValueAt(valueStart, limit);
    if (value >= 0) return { name, labels, value };
    // Not a plain value: the value and what follows are SampleScanner's to read (scanLine), as
    // scanSample reads them after this name and labels. (Where scanSample would read otherwise,
    // a blank or "{" or the line's end after the space, that read fails and the line goes to the
    // general path.)
    return valueStart < limit ? this.plainRest(name, labels, valueStart) : undefined;
  }

  /**
   * The rest of a plain line whose name and labels are read, from its value at `valueStart`, as
   * scanSample reads it after them (SampleScanner): its sample, or undefined to have the general
   * path read the line from its start.
   */
  protected abstract plainRest(name: string, labels: Record<string, string>, valueStart: number): Sample | undefined;

  /**
   * The plain value at `i` (LineCursor.plainDecimal) and the newline right after it, which is
   * then at `lineEnd`; -1 for any other value or end.
   */
  private plainValueAt(i: number, limit: number): number {
    this.pos = i;
    this.end = limit;
    const value = this.plainDecimal(NUMBER_VALUE);
    if (value < 0 || this.pos >= limit || this.body.bytes[this.pos] !== NEWLINE) return -1;
    this.lineEnd = this.pos;
    return value;
  }

  /**
   * The metric name written at `start` and followed by "{" or a space (at `lineEnd`): one of the
   * last few names when it is one (as scanMetricName finds it, the same string), else a new
   * string, remembered as scanMetricName remembers it. Undefined for anything else. The last few
   * are tried from the one the last line had: lines of a family repeat it. The order they are
   * tried in does not change which one is found: they are made of name characters only, so no
   * two different ones can both be followed by "{" or a space at the same place.
   */
  private metricNameAt(start: number, limit: number): string | undefined {
    const bytes = this.body.bytes;
    const recent = this.recentNames;
    const recentAt = this.recentAt;
    let r = this.recentHit;
    for (let n = 0; n < RECENT_NAMES; n++) {
      const known = recent[r]!;
      const e = start + known.length;
      if (e < limit && known.length !== 0) {
        const c = bytes[e]!;
        if ((c === OPEN_BRACE || c === SPACE) && this.body.same(start, recentAt[r]!, known.length)) {
          this.recentHit = r;
          this.lineEnd = e;
          return known;
        }
      }
      r = r === RECENT_NAMES - 1 ? 0 : r + 1;
    }
    // None of them (or one followed by a tab or the line's end, which is not for this path).
    if ((NAME_CLASS[bytes[start]!]! & METRIC_START) === 0) return undefined; // ASCII: every byte is below 128
    let i = start + 1;
    while (i < limit && (NAME_CLASS[bytes[i]!]! & METRIC_PART) !== 0) i++;
    if (i >= limit) return undefined;
    const c = bytes[i]!;
    if (c !== SPACE && c !== OPEN_BRACE) return undefined;
    const name = this.text.slice(start, i);
    const next = this.recentNext;
    recent[next] = name;
    recentAt[next] = start;
    this.recentHit = next;
    this.recentNext = (next + 1) % RECENT_NAMES;
    this.lineEnd = i;
    return name;
  }

  /**
   * Just after a sample's "{": the label set as scanLabels reads it, in the form both dialects
   * read alike (`a="x",b="y"`, no blanks, no escapes, no trailing comma; or `{}`). Returns its
   * label object, with `lineEnd` just past the "}", or undefined for anything else.
   */
  private plainLabels(from: number, limit: number): Record<string, string> | undefined {
    const bytes = this.body.bytes;
    const body = this.body;
    let i = from;
    // Set again below when this read succeeds (a failed one may have changed the caches).
    const before = this.plainSet;
    this.plainSet = undefined;
    if (i >= limit) return undefined;
    if (bytes[i] === CLOSE_BRACE) {
      this.knownLabelCount = 0;
      this.lineEnd = i + 1;
      return {};
    }
    const knownNames = this.lastLabelNames;
    const knownNamesAt = this.lastLabelNamesAt;
    const knownValues = this.lastLabelValues;
    const knownValuesAt = this.lastLabelValuesAt;
    const setNames = this.setNames;
    const setValues = this.setValues;
    // knownLabelCount as this read lowers it (the field is written with it).
    let knownCount = this.knownLabelCount;
    let renamed = false;
    let changed: string | null | undefined = undefined;
    let count = 0;
    for (;;) {
      if (count === FEW_LABELS) return undefined;
      // The label name: the last sample's at this position when written here again, else new.
      let name = count < knownCount ? knownNames[count] : undefined;
      if (name !== undefined) {
        const e = i + name.length;
        const at = knownNamesAt[count]!;
        if (e < limit && bytes[e] === EQUALS && at >= 0 && body.same(i, at, name.length)) i = e;
        else name = undefined;
      }
      if (name === undefined) {
        if (i >= limit || (NAME_CLASS[bytes[i]!]! & LABEL_START) === 0) return undefined;
        let e = i + 1;
        while (e < limit && (NAME_CLASS[bytes[e]!]! & LABEL_PART) !== 0) e++;
        name = this.text.slice(i, e);
        renamed = true;
        if (knownCount > count) this.knownLabelCount = knownCount = count;
        knownNames[count] = name;
        knownNamesAt[count] = i;
        i = e;
        if (i >= limit || bytes[i] !== EQUALS || name === '__name__') return undefined;
      }
      i++;
      if (i >= limit || bytes[i] !== QUOTE) return undefined;
      i++;
      // The value: the last sample's at this position when written here again, else new.
      const known = knownValues[count];
      let value: string;
      if (
        known !== undefined &&
        i + known.length < limit &&
        bytes[i + known.length] === QUOTE &&
        body.same(i, knownValuesAt[count]!, known.length)
      ) {
        value = known;
        i += known.length + 1;
      } else {
        let q = i;
        let c = 0;
        while (q < limit && (c = bytes[q]!) !== QUOTE) {
          if (c === BACKSLASH || c === NEWLINE) return undefined;
          q++;
        }
        if (q >= limit) return undefined;
        value = this.text.slice(i, q);
        changed = changed === undefined ? name : null;
        knownValues[count] = value;
        knownValuesAt[count] = i;
        i = q + 1;
      }
      // The line's earlier names are setNames' (no metric name among them here): lineLabelNames,
      // which scanLabels writes afresh for each line it reads, is not needed.
      if (renamed) for (let j = 0; j < count; j++) if (setNames[j] === name) return undefined;
      setNames[count] = name;
      setValues[count] = value;
      count++;
      if (i >= limit) return undefined;
      const c = bytes[i]!;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) return undefined;
      i++;
    }
    this.knownLabelCount = count;
    this.lineEnd = i + 1;
    const labels = this.sampleLabelSet(count, renamed);
    // (Only the OpenMetrics reader asks.) The names matched the last ones, which (with `before`
    // set) are that object's, as are the values matched (the same strings): only a value read
    // afresh may differ from its value.
    if (this.openMetrics) {
      this.plainSetBefore = plainSetsEnabled && !renamed && count === this.plainSetCount ? before : undefined;
      this.changedLabel = changed;
      this.plainSet = labels;
      this.plainSetCount = count;
    }
    return labels;
  }
}
