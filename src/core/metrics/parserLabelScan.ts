/**
 * The names and labels of an exposition line, for the line scanner (parserScan.ts): a metric
 * name, a label set in the strict OpenMetrics form or the relaxed Prometheus one (quoted names,
 * a metric name inside the braces, a trailing comma). Lines mostly repeat the names, label
 * names and values of the lines before them, so each is first checked in place against where
 * it was last written and the same string object reused.
 */
import { LineSyntaxError } from './parserProblems';
import * as lexical from './parserLexical';
import { LineCursor } from './parserCursor';
import { buildLabelsByStores, labelSetBuilder } from './parserLabelSets';
import type { LabelSetBuilder } from './parserLabelSets';

// Local bindings, not live imports: a module loaded as CommonJS (tsx, the tests, the benchmark)
// reads each imported name through a getter, which costs dearly inside per-character loops.
const {
  CLOSE_BRACE,
  COMMA,
  EQUALS,
  LABEL_PART,
  LABEL_START,
  METRIC_PART,
  METRIC_START,
  OPEN_BRACE,
  QUOTE,
  SPACE,
  TAB,
  scanQuotedName,
} = lexical;

/** How many distinct sample names the scanner remembers (x, x_bucket, x_sum, x_count). */
export const RECENT_NAMES = 4;

/** Up to this many labels, duplicates are found by comparing names rather than by a lookup. */
export const FEW_LABELS = 16;

/** Whether built[0, builtCount) and names[0, count) are the same names (builtCount -1: none yet). */
function sameNames(built: readonly string[], builtCount: number, names: readonly string[], count: number): boolean {
  if (count !== builtCount) return false;
  for (let k = 0; k < count; k++) if (built[k] !== names[k]) return false;
  return true;
}

/** Empties a list that holds something (setting an array's length is a builtin call, even to 0 on an empty one). */
function emptied(list: unknown[]): void {
  if (list.length !== 0) list.length = 0;
}

/** A label object builder and the names it was made for (count -1: none yet). */
class BuiltNames {
  count = -1;
  builder: LabelSetBuilder | undefined = undefined;
  private readonly names: string[] = [];

  has(names: readonly string[], count: number): boolean {
    return sameNames(this.names, this.count, names, count);
  }

  set(names: readonly string[], count: number, builder: LabelSetBuilder | undefined): void {
    for (let k = 0; k < count; k++) this.names[k] = names[k]!;
    this.count = count;
    this.builder = builder;
  }
}

export class LabelScanner extends LineCursor {
  /** The last few distinct sample names (x, x_sum, x_count…): lines mostly repeat them. */
  protected readonly recentNames: string[] = ['', '', '', '']; // RECENT_NAMES (literals: no builtin call per parse)
  /**
   * Where each name (and below, each label name and value) was last written in the text: a
   * line is checked against that earlier text, both reads from one flat string, rather than
   * against the string made from it (a slice of the text, slower to read).
   */
  protected readonly recentAt: number[] = [0, 0, 0, 0];
  protected recentNext = 0;
  /** Which of recentNames the plain-line reader tries first (the last one it found): an order only. */
  protected recentHit = 0;
  /** Label names of the last sample whose label set scanned fully: [0, knownLabelCount) are distinct. */
  protected readonly lastLabelNames: string[] = [];
  /** Where each of lastLabelNames is written, or -1 for a quoted name (its text is not its value). */
  protected readonly lastLabelNamesAt: number[] = [];
  protected knownLabelCount = 0;
  /** Label values of earlier samples by position, those written without escapes (undefined: none). */
  protected readonly lastLabelValues: (string | undefined)[] = [];
  protected readonly lastLabelValuesAt: number[] = [];
  /** The label names of the label set being scanned, by position. */
  protected readonly lineLabelNames: string[] = [];
  /** The labels of the set being scanned (braced metric names left out), names and values. */
  protected readonly setNames: string[] = [];
  protected readonly setValues: string[] = [];
  /**
   * The object builder of the last sample's label names and the one before (a histogram's
   * buckets and its _sum and _count alternate between two lists), each with the names it was
   * made for: a label set whose names were scanned afresh may still have them.
   */
  private built = new BuiltNames();
  private builtBefore = new BuiltNames();
  /** The same for exemplar label sets (not samples'): the last builder and the names it was made for. */
  private exemplarBuilder: LabelSetBuilder | undefined;
  private exemplarCount = -1;
  private readonly exemplarNames: string[] = [];
  /**
   * The label object the plain-line reader made last (undefined once any other read of a
   * sample's labels came after it), and, when its names are the same list as the one it made
   * before (same names, same order), that object; else undefined. `changedLabel` then tells
   * which values may differ from that object's: undefined none (every value the same string),
   * a name when only that label's may, null when more than one may.
   */
  plainSet: Record<string, string> | undefined = undefined;
  plainSetBefore: Record<string, string> | undefined = undefined;
  changedLabel: string | null | undefined = undefined;
  protected plainSetCount = 0;
  /** Prometheus text only: the line opened with "{", so its metric name is inside the braces. */
  protected nameInBraces = false;
  protected bracedName: string | undefined;

  /** A new body: nothing scanned before it is remembered. */
  protected resetNames(): void {
    const recent = this.recentNames;
    for (let r = 0; r < RECENT_NAMES; r++) recent[r] = '';
    emptied(this.lastLabelNames);
    emptied(this.lastLabelNamesAt);
    emptied(this.lastLabelValues);
    emptied(this.lastLabelValuesAt);
    this.knownLabelCount = 0;
    this.built.count = -1;
    this.builtBefore.count = -1;
    this.exemplarBuilder = undefined;
    this.exemplarCount = -1;
    this.plainSet = this.plainSetBefore = undefined;
    this.changedLabel = undefined;
  }

  /** Lets go of the strings of the last line scanned (a released scanner keeps none of a body). */
  protected forgetLine(): void {
    emptied(this.lineLabelNames);
    emptied(this.setNames);
    emptied(this.setValues);
    emptied(this.exemplarNames);
    this.bracedName = undefined;
  }

  /**
   * A name the next lines are likely to start with, written in the text at `at` (a family's
   * name on its HELP or TYPE line): its samples then reuse that string instead of slicing one.
   */
  rememberName(name: string, at: number): void {
    const recent = this.recentNames;
    for (let r = 0; r < RECENT_NAMES; r++) if (recent[r] === name) return;
    recent[this.recentNext] = name;
    this.recentAt[this.recentNext] = at;
    this.recentNext = (this.recentNext + 1) % RECENT_NAMES;
  }

  protected scanMetricName(): string {
    // Fast path: one of the last few names, followed by "{", a blank or the end of the line.
    // Then we return that same string object (a slice and a native compare, no char loop).
    const t = this.text;
    const start = this.pos;
    const recent = this.recentNames;
    const recentAt = this.recentAt;
    for (let r = 0; r < RECENT_NAMES; r++) {
      const known = recent[r]!;
      const e = start + known.length;
      if (e > this.end || known.length === 0) continue;
      const c = e < this.end ? t.charCodeAt(e) : -1;
      if (
        (c === OPEN_BRACE || c === SPACE || c === TAB || c === -1) &&
        this.body.same(start, recentAt[r]!, known.length)
      ) {
        this.pos = e;
        return known;
      }
    }
    // Slow path: character by character.
    const name = this.scanName(METRIC_START, METRIC_PART, 'a metric name');
    recent[this.recentNext] = name;
    recentAt[this.recentNext] = start;
    this.recentNext = (this.recentNext + 1) % RECENT_NAMES;
    return name;
  }

  /**
   * At "{": scans the label set through "}", in the strict OpenMetrics form or the relaxed
   * Prometheus one. A sample's label names are compared with the previous sample's, position by
   * position: when they repeat, the same string objects are reused and, as that set was already
   * found free of duplicates, the duplicate check is skipped until a name differs.
   */
  protected scanLabels(strictForm: boolean, isSample: boolean): Record<string, string> {
    const t = this.text;
    // The last and earlier caches may change here: the plain-line reader's objects no longer tell.
    if (isSample) this.plainSet = undefined;
    this.pos++;
    if (!strictForm) this.skipBlanks();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      if (isSample) this.knownLabelCount = 0;
      return {};
    }
    const setNames = this.setNames;
    const setValues = this.setValues;
    let count = 0;
    let seen: Set<string> | undefined;
    const knownNames = this.lastLabelNames;
    const knownNamesAt = this.lastLabelNamesAt;
    const knownValues = this.lastLabelValues;
    const knownValuesAt = this.lastLabelValuesAt;
    const lineNames = this.lineLabelNames;
    let checkDuplicates = !isSample;
    for (let index = 0; ; index++) {
      const start = this.pos;
      let name: string | undefined = isSample && index < this.knownLabelCount ? knownNames[index] : undefined;
      if (name !== undefined) {
        const e = start + name.length;
        const at = knownNamesAt[index]!;
        if (e < this.end && t.charCodeAt(e) === EQUALS && at >= 0 && this.body.same(start, at, name.length))
          this.pos = e;
        else name = undefined;
      }
      if (name === undefined) {
        const quoted = !strictForm && t.charCodeAt(start) === QUOTE;
        name = strictForm ? this.scanName(LABEL_START, LABEL_PART, 'a label name') : this.scanTextLabelName();
        checkDuplicates = true;
        if (isSample) {
          if (this.knownLabelCount > index) this.knownLabelCount = index;
          knownNames[index] = name;
          knownNamesAt[index] = quoted ? -1 : start;
        }
      }
      if (!strictForm) this.skipBlanks();
      if (this.peek() !== EQUALS) {
        if (!this.nameInBraces) throw new LineSyntaxError(`expected "=" after label name "${name}"`);
        lineNames[index] = ''; // the metric name, not a label: no label can clash with it
        if (this.takeBracedName(name)) return buildLabelsByStores(setNames, setValues, count);
        continue;
      }
      if (!strictForm && name === '__name__')
        throw new LineSyntaxError(
          'label name "__name__" is reserved: the metric name goes before the braces (or quoted inside them)',
        );
      this.pos++;
      if (!strictForm) this.skipBlanks();
      if (this.peek() !== QUOTE) throw new LineSyntaxError(`expected a quoted value for label "${name}"`);
      this.pos++;
      // The previous sample's value at this position, when it is written here again: reused
      // as it is (it holds no escape, so its text is its value), no new string.
      const known = isSample ? knownValues[index] : undefined;
      let value: string;
      if (
        known !== undefined &&
        this.pos + known.length < this.end &&
        t.charCodeAt(this.pos + known.length) === QUOTE &&
        this.body.same(this.pos, knownValuesAt[index]!, known.length)
      ) {
        value = known;
        this.pos += known.length + 1;
      } else {
        const valueAt = this.pos;
        value = this.scanQuoted();
        if (isSample) {
          knownValues[index] = this.quotedPlain ? value : undefined;
          knownValuesAt[index] = valueAt;
        }
      }
      if (checkDuplicates) {
        // Few labels: compared with the line's earlier names; many: looked up in a set.
        if (index < FEW_LABELS) {
          for (let j = 0; j < index; j++)
            if (lineNames[j] === name) throw new LineSyntaxError(`duplicate label "${name}"`);
        } else {
          seen ??= new Set(lineNames.slice(0, index));
          if (seen.has(name)) throw new LineSyntaxError(`duplicate label "${name}"`);
          seen.add(name);
        }
      } else if (seen !== undefined) seen.add(name);
      lineNames[index] = name;
      setNames[count] = name;
      setValues[count] = value;
      count++;
      if (!strictForm) this.skipBlanks();
      const c = this.peek();
      let closed = c === CLOSE_BRACE;
      if (!closed) {
        if (c !== COMMA) throw new LineSyntaxError(`expected "," or "}" after the value of label "${name}"`);
        this.pos++;
        if (!strictForm) {
          this.skipBlanks();
          closed = this.peek() === CLOSE_BRACE;
        }
      }
      if (closed) {
        this.pos++;
        if (!isSample) {
          // Exemplars of one family mostly repeat their label names (trace_id, span_id).
          if (!sameNames(this.exemplarNames, this.exemplarCount, setNames, count)) {
            this.exemplarBuilder = labelSetBuilder(setNames, count);
            this.exemplarCount = count;
            for (let k = 0; k < count; k++) this.exemplarNames[k] = setNames[k]!;
          }
          const builder = this.exemplarBuilder;
          return builder !== undefined ? builder(setValues) : buildLabelsByStores(setNames, setValues, count);
        }
        this.knownLabelCount = index + 1;
        return this.sampleLabelSet(count, checkDuplicates);
      }
    }
  }

  /**
   * The label object of a sample's label set, setNames/setValues[0, count), its names found
   * free of duplicates (`renamed`: some were scanned afresh rather than matched with the last
   * sample's). The same names as the last sample's: its builder fits. Else the one before's may.
   */
  protected sampleLabelSet(count: number, renamed: boolean): Record<string, string> {
    const setNames = this.setNames;
    let built = this.built;
    if ((renamed || count !== built.count) && !built.has(setNames, count)) {
      built = this.builtBefore;
      this.builtBefore = this.built;
      this.built = built;
      if (!built.has(setNames, count)) built.set(setNames, count, labelSetBuilder(setNames, count));
    }
    const builder = built.builder;
    return builder !== undefined ? builder(this.setValues) : buildLabelsByStores(setNames, this.setValues, count);
  }

  /** A Prometheus-text label name: plain, or quoted for names beyond `[a-zA-Z_][a-zA-Z0-9_]*`. */
  private scanTextLabelName(): string {
    if (this.peek() !== QUOTE) return this.scanName(LABEL_START, LABEL_PART, 'a label name');
    const quoted = scanQuotedName(this.text, this.pos + 1, this.end, 'label name');
    this.pos = quoted.end;
    return quoted.name;
  }

  /**
   * In `{"a.b",x="y"}` a name with no "=" after it is the metric name (once). Moves past the
   * "," or "}" after it; true when that closed the braces.
   */
  private takeBracedName(name: string): boolean {
    const c = this.peek();
    if (c !== COMMA && c !== CLOSE_BRACE)
      throw new LineSyntaxError(`expected "=", "," or "}" after "${name}" inside the braces`);
    if (this.bracedName !== undefined)
      throw new LineSyntaxError(`two metric names, "${this.bracedName}" and "${name}", inside the braces`);
    this.bracedName = name;
    this.pos++;
    if (c === CLOSE_BRACE) return true;
    this.skipBlanks();
    if (this.peek() !== CLOSE_BRACE) return false;
    this.pos++;
    return true;
  }
}
