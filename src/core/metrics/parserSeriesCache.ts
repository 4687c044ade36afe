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
 * matches none is scanned in full and kept for the next parse.
 *
 * Memory: names and label values are strings cut from the body they were read in, and keep that
 * body alive. A series matched every scrape would keep the first body forever, and series that
 * come and go would keep one body each. So at the end of each parse, when the entries were read
 * from more bodies than the last one and one other, the entries of every other body but the one
 * holding the most of them are scanned afresh the next time (their strings then come from the
 * new body): the entries hold strings of at most three bodies (the last, the one most entries
 * come from, one on its way out), whatever the churn.
 * Label objects are frozen: they are shared by every parse that matches their line.
 */
import type { BodyText } from './parserBody';

/** How many lines further than the expected one a match is looked for (series that went away). */
const LOOKAHEAD = 4;

/** Past this many series in one body, the rest are scanned every time and not kept. */
const MAX_ENTRIES = 250_000;

/** One parse's series, in the order of their lines. */
class Entries {
  count = 0;
  /** Where each series text starts in its body, and its length (up to the value). */
  start = new Int32Array(64);
  length = new Int32Array(64);
  /** The parse whose body each entry's strings were cut from. */
  generation = new Int32Array(64);
  names: string[] = [];
  labels: Record<string, string>[] = [];

  add(start: number, length: number, generation: number, name: string, labels: Record<string, string>): void {
    const i = this.count;
    if (i === this.start.length) this.grow();
    this.start[i] = start;
    this.length[i] = length;
    this.generation[i] = generation;
    this.names[i] = name;
    this.labels[i] = labels;
    this.count = i + 1;
  }

  clear(): void {
    this.count = 0;
    this.names.length = 0;
    this.labels.length = 0;
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

export class SeriesCache {
  private mode = '';
  private generation = 0;
  private prevBody: BodyText | undefined;
  private prev = new Entries();
  private cur = new Entries();
  /** The next line of the last parse a line is expected to repeat. */
  private next = 0;
  /** Generations whose entries are scanned afresh in this parse (see the module comment). */
  private expired: number[] = [];
  private body: BodyText | undefined;

  /** Starts a parse of `body` under `mode` (dialect and strictness); entries of another mode are dropped. */
  begin(body: BodyText, mode: string): void {
    if (mode !== this.mode) {
      this.prev.clear();
      this.prevBody = undefined;
      this.expired = [];
      this.mode = mode;
    }
    this.cur.clear();
    this.body = body;
    this.next = 0;
    this.generation++;
  }

  /**
   * The entry of the last parse whose series text is written at text[start, …) of the body being
   * read, followed by a character that ends it, before `end`; -1 when none is.
   */
  find(start: number, end: number): number {
    const prevBody = this.prevBody;
    const body = this.body;
    if (prevBody === undefined || body === undefined) return -1;
    const prev = this.prev;
    const text = body.text;
    const stop = Math.min(prev.count, this.next + LOOKAHEAD);
    for (let j = this.next; j < stop; j++) {
      const n = prev.length[j]!;
      const after = start + n;
      if (after >= end) continue;
      const c = text.charCodeAt(after);
      if (c === 32 || c === 9 || c === 123) continue;
      if (!body.sameAs(prevBody, start, prev.start[j]!, n)) continue;
      this.next = j + 1;
      if (this.expired.length > 0 && this.expired.includes(prev.generation[j]!)) return -1;
      this.cur.add(start, n, prev.generation[j]!, prev.names[j]!, prev.labels[j]!);
      return j;
    }
    return -1;
  }

  nameOf(entry: number): string {
    return this.prev.names[entry]!;
  }

  labelsOf(entry: number): Record<string, string> {
    return this.prev.labels[entry]!;
  }

  lengthOf(entry: number): number {
    return this.prev.length[entry]!;
  }

  /**
   * Keeps a series scanned in full, whose text is text[start, start + length); returns its label
   * object, frozen when kept (later parses share it).
   */
  add(start: number, length: number, name: string, labels: Record<string, string>): Record<string, string> {
    if (this.cur.count >= MAX_ENTRIES) return labels;
    this.cur.add(start, length, this.generation, name, Object.freeze(labels));
    return labels;
  }

  /** The parse read to its end: its series are the ones the next parse is matched against. */
  commit(): void {
    const done = this.prev;
    this.prev = this.cur;
    this.cur = done;
    this.cur.clear();
    this.prevBody = this.body;
    this.body = undefined;
    this.expired = this.generationsToExpire();
  }

  /** How many bodies the kept entries' strings were cut from (each keeps its body alive). */
  generationsKept(): number {
    return new Set(this.prev.generation.subarray(0, this.prev.count)).size;
  }

  /**
   * The generations to scan afresh: when the entries come from more than two, all but the
   * latest (its body is kept for matching anyway) and the other one holding the most entries.
   */
  private generationsToExpire(): number[] {
    const entries = this.prev;
    const counts = new Map<number, number>();
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
    counts.delete(this.generation);
    if (counts.size <= 1) return [];
    const older = [...counts].sort((a, b) => b[1] - a[1]);
    return older.slice(1).map(([g]) => g);
  }
}
