/**
 * The series of one source's last parse, for its next parse. A service answers every scrape
 * with the same series in the same order; only the values move. So a sample line whose text up
 * to its value (`name{labels} `) is written exactly as a line of the last parse was, character
 * for character, has that line's name and label object: they are taken from here instead of
 * being scanned, checked and built again. Prometheus's own scrape loop does the same (its scrape
 * cache keys a series by its text). Everything after the series text (value, timestamp,
 * exemplar) and every rule across lines (families, groups, duplicates) is read as always.
 *
 * Why a match is exact: the scanner reads a sample's name and labels from the line's text alone,
 * left to right, and stops where the value starts. Equal text up to there, followed by a
 * character that cannot extend that part (not a blank, not "{"), is scanned to the same name and
 * labels and the same position: the same result, or the same error (a series text is kept only
 * when it scanned cleanly). Entries are kept per dialect and strictness: a read under other rules
 * drops them.
 *
 * Matching costs one in-place compare per line: the last parse's lines are tried in their order,
 * from the one after the last match (a few further on, for series that went away); a line that
 * matches none is scanned in full and kept for the next parse. A later parse does not even look
 * for a repeated line's end first: a kept line followed by the newline is a whole HELP or TYPE
 * line, and a kept series followed by a plain value and the newline a whole sample line (the
 * usual case; any other line is then read as before, without comparing its text again).
 *
 * Memory: names and label values are strings cut from the body they were read in, and keep that
 * body alive. A series matched every scrape would keep the first body forever, and series that
 * come and go would keep one body each. So at the end of each parse, when the entries were read
 * from more bodies than the last one and one other, the entries of every other body but the one
 * holding the most of them are scanned afresh the next time (their strings then come from the
 * new body): the entries hold strings of at most three bodies (the last, the one most entries
 * come from, one on its way out), whatever the churn.
 * Label objects are frozen: they are shared by every parse that matches their line.
 *
 * Prometheus text's HELP and TYPE lines are kept the same way (a line written exactly as one of
 * the last parse's has that line's name, type and unescaped HELP text); the rules about them
 * (one HELP and one TYPE per family, TYPE before the samples) are checked as always.
 */
import type { BodyText } from './parserBody';
import { CopyBuffers } from './parserBody';

/** How many lines further than the expected one a match is looked for (lines that went away). */
const LOOKAHEAD = 4;

const NEWLINE = 10;

/** peekSeries: no series of the last parse is written there. */
export const NO_SERIES = -1;
/** peekSeries: the answer depends on where the line ends. */
export const NOT_SURE = -2;

/** Past this many lines of a kind in one body, the rest are scanned every time and not kept. */
const MAX_ENTRIES = 250_000;

/** What a sample line's series text scans to. */
export interface SeriesEntry {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** The length of the series text (up to the value), the same wherever it is written. */
  readonly length: number;
  /**
   * What the reader worked out from the series alone (an OpenMetrics bucket's "le", its label
   * group's hash), for the next parse that meets the same text; undefined until then. Entries
   * are kept per dialect and strictness, so one reader's rules wrote it.
   */
  facts: unknown;
}

/** One parse's lines of one kind, in their order. */
class Entries<T> {
  count = 0;
  /** Where each line's kept text starts in its body, and its length. */
  start = new Int32Array(64);
  length = new Int32Array(64);
  /** The parse whose body each entry's strings were cut from. */
  generation = new Int32Array(64);
  items: T[] = [];

  add(start: number, length: number, generation: number, item: T): void {
    const i = this.count;
    if (i === this.start.length) this.grow();
    this.start[i] = start;
    this.length[i] = length;
    this.generation[i] = generation;
    this.items[i] = item;
    this.count = i + 1;
  }

  clear(): void {
    this.count = 0;
    this.items.length = 0;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const start = new Int32Array(size);
    start.set(this.start);
    const length = new Int32Array(size);
    length.set(this.length);
    const generation = new Int32Array(size);
    generation.set(this.generation);
    this.start = start;
    this.length = length;
    this.generation = generation;
  }
}

/** The lines of one kind: the last parse's, and the one being read's so far. */
class Lines<T> {
  prev = new Entries<T>();
  cur = new Entries<T>();
  /** The next of the last parse's lines a line is expected to repeat. */
  next = 0;

  begin(): void {
    this.cur.clear();
    this.next = 0;
  }

  drop(): void {
    this.prev.clear();
    this.cur.clear();
  }

  commit(): void {
    const done = this.prev;
    this.prev = this.cur;
    this.cur = done;
    this.cur.clear();
  }

  add(start: number, length: number, generation: number, item: T): void {
    if (this.cur.count < MAX_ENTRIES) this.cur.add(start, length, generation, item);
  }
}

export class SeriesCache {
  private mode = '';
  private generation = 0;
  private body: BodyText | undefined;
  private prevBody: BodyText | undefined;
  private readonly series = new Lines<SeriesEntry>();
  private readonly metadata = new Lines<unknown>();
  /** Generations whose entries are scanned afresh in this parse (see the module comment). */
  private expired: number[] = [];
  /** The line an expired match was found at. */
  private expiredAt = 0;

  /** The buffers this source's byte copies are written into (two: the last body's and the next). */
  readonly copyBuffers = new CopyBuffers(2);

  /** The last parse's body, which the next parse compares against (its byte copy must stay as it is). */
  get lastBody(): BodyText | undefined {
    return this.prevBody;
  }

  /** Starts a parse of `body` under `mode` (dialect and strictness); entries of another mode are dropped. */
  begin(body: BodyText, mode: string): void {
    if (mode !== this.mode) {
      this.series.drop();
      this.metadata.drop();
      this.prevBody = undefined;
      this.expired = [];
      this.mode = mode;
    }
    this.series.begin();
    this.metadata.begin();
    this.body = body;
    this.generation++;
  }

  /**
   * The series of the last parse whose text is written at text[start, …) of the body being read,
   * followed by a character that ends it, before `end`; undefined when none is. The line's series
   * text then runs to start + its length.
   */
  findSeries(start: number, end: number): SeriesEntry | undefined {
    return this.find(this.series, start, end, false);
  }

  /** Keeps a series scanned in full (its text is text[start, start + length)), its labels frozen. */
  addSeries(start: number, length: number, name: string, labels: Record<string, string>): SeriesEntry {
    Object.freeze(labels);
    const entry: SeriesEntry = { name, labels, length, facts: undefined };
    this.series.add(start, length, this.generation, entry);
    return entry;
  }

  /** What the last parse made of a metadata line written exactly as text[start, end); undefined if none. */
  findMetadata(start: number, end: number): unknown {
    return this.find(this.metadata, start, end, true);
  }

  /**
   * What the last parse made of a metadata line written exactly as the line that starts at
   * text[start] (it ends at `matchedEnd`, where a newline follows); undefined if none is. The line's
   * end need not be known: a kept line holds no newline, so equal text followed by one is the
   * whole line.
   */
  findMetadataLine(start: number): unknown {
    return this.find(this.metadata, start, -1, true);
  }

  /** Where the line findMetadataLine last matched ends. */
  matchedEnd = 0;

  /** Keeps what the metadata line text[start, end) was read as (strings cut from this body only). */
  addMetadata(start: number, end: number, item: unknown): void {
    this.metadata.add(start, end - start, this.generation, item);
  }

  /**
   * For a line starting at text[start] whose end is not known yet (`limit` is the body's end):
   * the index of the last parse's series written there, for seriesLength and takeSeries; NO_SERIES
   * when none is, and then none is for any end the line turns out to have; NOT_SURE when the
   * answer may depend on the end (findSeries then decides). Changes nothing.
   */
  peekSeries(start: number, limit: number): number {
    return this.peek(this.series, start, limit, false);
  }

  /** The length of the series text peekSeries found. */
  seriesLength(j: number): number {
    return this.series.prev.length[j]!;
  }

  /** Takes the series peekSeries found at text[start]: as findSeries does on a match. */
  takeSeries(j: number, start: number): SeriesEntry {
    return this.take(this.series, j, start);
  }

  private find<T>(lines: Lines<T>, start: number, end: number, wholeLine: boolean): T | undefined {
    const j = this.peek(lines, start, end, wholeLine);
    if (j >= 0) return this.take(lines, j, start);
    if (j === NOT_SURE) lines.next = this.expiredAt + 1;
    return undefined;
  }

  /** The line (j ≥ 0) of the last parse that text[start, …) repeats; see peekSeries. */
  private peek<T>(lines: Lines<T>, start: number, end: number, wholeLine: boolean): number {
    const prevBody = this.prevBody;
    const body = this.body;
    if (prevBody === undefined || body === undefined) return NO_SERIES;
    const prev = lines.prev;
    const text = body.text;
    const stop = Math.min(prev.count, lines.next + LOOKAHEAD);
    for (let j = lines.next; j < stop; j++) {
      const n = prev.length[j]!;
      if (wholeLine) {
        if (end < 0 ? text.charCodeAt(start + n) !== NEWLINE : n !== end - start) continue;
      } else {
        const after = start + n;
        if (after >= end) continue;
        const c = text.charCodeAt(after);
        if (c === 32 || c === 9 || c === 123) continue;
      }
      if (!body.sameAs(prevBody, start, prev.start[j]!, n)) continue;
      if (this.expired.length > 0 && this.expired.includes(prev.generation[j]!)) {
        // Written as an entry whose strings are to be cut afresh: scanned in full.
        this.expiredAt = j;
        return NOT_SURE;
      }
      return j;
    }
    return NO_SERIES;
  }

  private take<T>(lines: Lines<T>, j: number, start: number): T {
    const prev = lines.prev;
    const n = prev.length[j]!;
    lines.next = j + 1;
    const item = prev.items[j]!;
    lines.cur.add(start, n, prev.generation[j]!, item);
    this.matchedEnd = start + n;
    return item;
  }

  /** The parse read to its end: its lines are the ones the next parse is matched against. */
  commit(): void {
    this.series.commit();
    this.metadata.commit();
    this.prevBody = this.body;
    this.body = undefined;
    this.expired = this.generationsToExpire();
  }

  /** How many bodies the kept entries' strings were cut from (each keeps its body alive). */
  generationsKept(): number {
    const all = new Set<number>();
    for (const lines of [this.series, this.metadata])
      for (const g of lines.prev.generation.subarray(0, lines.prev.count)) all.add(g);
    return all.size;
  }

  /**
   * The generations to scan afresh: when the entries come from more than two, all but the
   * latest (its body is kept for matching anyway) and the other one holding the most entries.
   */
  private generationsToExpire(): number[] {
    if (atMostTwoGenerations(this.series.prev, this.metadata.prev)) return [];
    const counts = new Map<number, number>();
    for (const lines of [this.series, this.metadata]) countRuns(lines.prev, counts);
    counts.delete(this.generation);
    if (counts.size <= 1) return [];
    const older = [...counts].sort((a, b) => b[1] - a[1]);
    return older.slice(1).map(([g]) => g);
  }
}

/** Whether the entries of `a` and `b` come from two generations or fewer (the usual case: no counting needed). */
function atMostTwoGenerations(a: Entries<unknown>, b: Entries<unknown>): boolean {
  let first = -1;
  let second = -1;
  for (const entries of [a, b]) {
    const generation = entries.generation;
    for (let i = 0; i < entries.count; i++) {
      const g = generation[i]!;
      if (g === first || g === second) continue;
      if (first < 0) first = g;
      else if (second < 0) second = g;
      else return false;
    }
  }
  return true;
}

/** Adds each generation's number of entries to `counts` (entries of one generation mostly come in runs). */
function countRuns(entries: Entries<unknown>, counts: Map<number, number>): void {
  let run = -1;
  let runLength = 0;
  for (let i = 0; i <= entries.count; i++) {
    const g = i < entries.count ? entries.generation[i]! : -1;
    if (g === run) {
      runLength++;
      continue;
    }
    if (runLength > 0) counts.set(run, (counts.get(run) ?? 0) + runLength);
    run = g;
    runLength = 1;
  }
}
