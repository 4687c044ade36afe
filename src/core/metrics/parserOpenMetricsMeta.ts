/**
 * OpenMetrics metadata lines on their own: `# HELP name text`, `# TYPE name type`, `# UNIT name
 * unit`, written with exactly one space between the parts. What a line says is checked as far as
 * it can be without its family; the rules across lines are the reader's (parserOpenMetrics.ts).
 */
import type { MetricType } from './types';
import { LineSyntaxError } from './parserProblems';
import * as lexical from './parserLexical';
import type { BodyText } from './parserBody';
import * as cursor from './parserCursor';
import * as familyRules from './parserOpenMetricsFamily';

// Local bindings, not live imports (see parserScan.ts).
const { METRIC_PART, METRIC_START, NAME_CLASS, isMetricName, unescapeText } = lexical;
const { nameCharsEnd } = cursor;
const { SUFFIXES } = familyRules;

/**
 * What a metadata line says on its own (kept for the next parse of the same source, see
 * parserSeriesCache.ts): HELP its unescaped text, TYPE its type and the names it claims, UNIT its unit.
 */
export interface MetadataRead {
  kind: 'HELP' | 'TYPE' | 'UNIT';
  name: string;
  rest: string;
  claims: string[] | undefined;
}

/** The OpenMetrics type words (every type SUFFIXES names but Prometheus text's `untyped`), by length. */
const TYPE_WORDS: readonly (readonly MetricType[])[] = (() => {
  const byLength: MetricType[][] = [];
  for (const word of Object.keys(SUFFIXES) as MetricType[])
    if (word !== 'untyped') (byLength[word.length] ??= []).push(word);
  for (let n = 0; n < byLength.length; n++) byLength[n] ??= [];
  return byLength;
})();

/** The type word written at text[from, end), or undefined when it is none of them. */
export function typeWordAt(t: string, from: number, end: number): MetricType | undefined {
  const words = TYPE_WORDS[end - from];
  if (words === undefined) return undefined;
  for (const word of words) {
    let k = word.length - 1;
    while (k >= 0 && t.charCodeAt(from + k) === word.charCodeAt(k)) k--;
    if (k < 0) return word;
  }
  return undefined;
}

/** Which metadata line text[start] (a `#`) begins: "# HELP ", "# TYPE ", "# UNIT ", or none. */
function kindAt(t: string, start: number): 'HELP' | 'TYPE' | 'UNIT' | undefined {
  if (t.charCodeAt(start + 1) !== 32 || t.charCodeAt(start + 6) !== 32) return undefined;
  const a = t.charCodeAt(start + 2);
  const b = t.charCodeAt(start + 3);
  const c = t.charCodeAt(start + 4);
  const d = t.charCodeAt(start + 5);
  if (a === 72 && b === 69 && c === 76 && d === 80) return 'HELP';
  if (a === 84 && b === 89 && c === 80 && d === 69) return 'TYPE';
  if (a === 85 && b === 78 && c === 73 && d === 84) return 'UNIT';
  return undefined;
}

/**
 * What a HELP, TYPE or UNIT line text[start, end) says on its own, checked as far as it can be
 * without its family (so a rejected line leaves no family behind); throws LineSyntaxError.
 * `known` is the name the last metadata line named, written at `knownAt` ('' for none): a line
 * naming it again is not checked again. `withClaims`: a TYPE line's read lists the names it
 * claims (kept for the next parse through a series cache; without one the reader claims them).
 */
export function scanOpenMetricsMetadata(
  body: BodyText,
  start: number,
  end: number,
  known: string,
  knownAt: number,
  withClaims = true,
): MetadataRead {
  const t = body.text;
  const kind = kindAt(t, start);
  if (kind === undefined)
    throw new LineSyntaxError(
      'comment lines other than "# HELP", "# TYPE", "# UNIT" and "# EOF" are not allowed in OpenMetrics',
    );
  const nameStart = start + 7;
  let name: string;
  let i: number;
  if (
    known.length > 0 &&
    nameStart + known.length < end &&
    t.charCodeAt(nameStart + known.length) === 32 &&
    body.same(nameStart, knownAt, known.length)
  ) {
    // The name of the family the last metadata line named (HELP, then TYPE): already checked.
    name = known;
    i = nameStart + known.length;
  } else if (
    (i = nameCharsEnd(body, nameStart, end, METRIC_PART)) > nameStart &&
    (i === end || t.charCodeAt(i) === 32) &&
    (NAME_CLASS[t.charCodeAt(nameStart)]! & METRIC_START) !== 0
  ) {
    // Name characters up to the space or the end, not starting with a digit: a valid name.
    name = t.slice(nameStart, i);
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
  if (kind === 'TYPE') {
    const type = typeWordAt(t, i + 1, end);
    if (type === undefined) throw new LineSyntaxError(`unknown metric type "${t.slice(i + 1, end)}"`);
    // The names a family of this type claims: its own and its samples'.
    const claims = withClaims ? SUFFIXES[type].map((suffix) => (suffix === '' ? name : name + suffix)) : undefined;
    return { kind, name, rest: type, claims };
  }
  const rest = t.slice(i + 1, end);
  if (kind === 'UNIT' && rest.length > 0 && !name.endsWith('_' + rest))
    throw new LineSyntaxError(`metric name "${name}" must end with "_${rest}" to have unit "${rest}"`);
  if (kind === 'HELP')
    return {
      kind,
      name,
      rest: rest.indexOf('\\') >= 0 ? unescapeText(rest, 0, rest.length) : rest,
      claims: undefined,
    };
  return { kind, name, rest, claims: undefined };
}

const SPACE = 32;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

let bytePathEnabled = true;

/**
 * Turns MetadataLineReader off (false) or back on: the differential tests parse each input both
 * ways and compare the results. Not for production use.
 */
export function setMetadataBytePathEnabled(enabled: boolean): void {
  bytePathEnabled = enabled;
}

/**
 * The usual metadata line of a first read, read in one pass over the body's bytes (parserBody.ts):
 * `# HELP name text` or `# TYPE name type`, a valid name and a known type word,
 * ending in "\n" alone. It says what scanOpenMetricsMetadata would, without the line's end looked
 * for first or a MetadataRead made. Every other line (UNIT, a CR, a line the general path
 * could reject, a body without a byte copy) is left to the general path.
 */
export class MetadataLineReader {
  kind: 'HELP' | 'TYPE' = 'HELP';
  name = '';
  rest = '';

  /**
   * Reads the line at `start` (a `#`) as described above, with `known` written at `knownAt` as in
   * scanOpenMetricsMetadata: the index of its "\n", with kind, name and rest set; -1 when the
   * line is left to the general path.
   */
  scan(body: BodyText, start: number, known: string, knownAt: number): number {
    const bytes = body.bytes;
    const length = bytes.length;
    if (length === 0 || !bytePathEnabled || start + 8 >= length) return -1;
    // kindAt's test, on the bytes (calling kindAt on the text costs about 2k instructions more
    // per first parse of a small body), and for HELP and TYPE only.
    if (bytes[start + 1] !== SPACE || bytes[start + 6] !== SPACE) return -1;
    const a = bytes[start + 2];
    const b = bytes[start + 3];
    const c = bytes[start + 4];
    const d = bytes[start + 5];
    let help: boolean;
    if (a === 72 && b === 69 && c === 76 && d === 80) help = true;
    else if (a === 84 && b === 89 && c === 80 && d === 69) help = false;
    else return -1;
    const nameStart = start + 7;
    let i = nameStart + known.length;
    if (known.length > 0 && i < length && bytes[i] === SPACE && body.same(nameStart, knownAt, known.length)) {
      this.name = known;
    } else {
      // ASCII: every byte is below 128.
      if ((NAME_CLASS[bytes[nameStart]!]! & METRIC_START) === 0) return -1;
      i = nameStart + 1;
      while (i < length && (NAME_CLASS[bytes[i]!]! & METRIC_PART) !== 0) i++;
      if (i >= length || bytes[i] !== SPACE) return -1;
      this.name = body.text.slice(nameStart, i);
    }
    const from = i + 1;
    const t = body.text;
    if (help) {
      // The text's end and backslashes natively: faster than a byte loop over a long text.
      const e = t.indexOf('\n', from);
      if (e < 0 || bytes[e - 1] === CARRIAGE_RETURN) return -1;
      const rest = t.slice(from, e);
      this.kind = 'HELP';
      this.rest = rest.indexOf('\\') >= 0 ? unescapeText(rest, 0, rest.length) : rest;
      return e;
    }
    let e = from;
    while (e < length && bytes[e] !== NEWLINE) e++;
    if (e >= length || bytes[e - 1] === CARRIAGE_RETURN) return -1;
    const type = typeWordAt(t, from, e);
    if (type === undefined) return -1;
    this.kind = 'TYPE';
    this.rest = type;
    return e;
  }
}
