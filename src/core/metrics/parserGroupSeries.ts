/**
 * The series of one OpenMetrics label group (a histogram's buckets, _sum and _count; a
 * summary's quantiles; a counter's _total and _created) and the last timestamp each was seen
 * with, so that a series written twice is caught. Groups are small (a dozen samples), so they
 * are searched in a short array, without a key string or a map entry per sample; a group that
 * grows past SMALL_GROUP moves to maps so that a huge one still costs one lookup per sample.
 *
 * A series is named by two parts: a bucket by its parsed "le" (`first`, a number) alone, any
 * other sample by its name (`first`) and, where its group leaves a label out (a quantile, a
 * state), that label's value (`second`).
 *
 * Most groups are written the one way a client library writes them: buckets in increasing "le"
 * order, then a few other series each under its own name, each once. While a group keeps to
 * that, a series is new when its "le" is above every earlier bucket's or its name is not among
 * the few seen, and nothing is listed (newBucket, newName). The first sample that cannot be
 * shown new that way starts the list: the caller sees the group's earlier samples again, in
 * their order, then this one (startList, see), as if every one had been listed all along.
 */

/**
 * Up to this many series a group is searched in the list: a histogram with its _count, _sum and
 * _created fits up to 37 buckets (client libraries' defaults have 10 to 15; a group that moved to
 * maps paid for two maps and every series again, in each of the histogram's groups).
 */
const SMALL_GROUP = 40;

/** How many names an unlisted group tells apart (_count, _sum and _created; _total and _created): four, three of them kept. */
const NAMES = 4;

export class GroupSeries {
  private count = 0;
  /** The listed series (made when the first is listed: most groups never list theirs). */
  private firsts: (string | number)[] | undefined = undefined;
  private seconds: (string | undefined)[] | undefined = undefined;
  private timestamps: (number | null)[] | undefined = undefined;
  /** Past SMALL_GROUP: the series by key, and the buckets by "le". */
  private byKey: Map<string, number | null> | undefined;
  private byLe: Map<number, number | null> | undefined;
  /** Whether the group's series are listed (else only the highest "le" and the names are kept). */
  listed = false;
  private maxLe = -Infinity;
  /**
   * The first three names seen while unlisted, in fields rather than an array of their own (the
   * fourth is only counted: past it every name is taken as not new, seen or not).
   */
  private name0 = '';
  private name1 = '';
  private name2 = '';
  private nameCount = 0;

  /** A new group starts: no series seen yet. */
  reset(): void {
    this.count = 0;
    if (this.byKey !== undefined) this.byKey = this.byLe = undefined;
    this.listed = false;
    this.maxLe = -Infinity;
    this.nameCount = 0;
  }

  /** Unlisted: true when the bucket is new, its "le" above every earlier bucket's (now the highest). */
  newBucket(le: number): boolean {
    if (this.listed || !(le > this.maxLe)) return false;
    this.maxLe = le;
    return true;
  }

  /** Unlisted: true when no earlier series of the group had this name and no left-out label (now one has). */
  newName(name: string): boolean {
    if (this.listed) return false;
    const n = this.nameCount;
    if (n === NAMES) return false;
    if ((n > 0 && name === this.name0) || (n > 1 && name === this.name1) || (n > 2 && name === this.name2))
      return false;
    if (n === 0) this.name0 = name;
    else if (n === 1) this.name1 = name;
    else if (n === 2) this.name2 = name;
    this.nameCount = n + 1;
    return true;
  }

  /** Every series of the group is listed from here on: the caller sees its earlier samples again first. */
  startList(): void {
    this.listed = true;
    if (this.firsts === undefined) {
      this.firsts = [];
      this.seconds = [];
      this.timestamps = [];
    }
  }

  /**
   * Records that the series was seen at `timestamp` (null: none); returns the timestamp it was
   * last seen with in this group (null: without one), or undefined when it is new.
   */
  see(first: string | number, second: string | undefined, timestamp: number | null): number | null | undefined {
    if (this.byKey !== undefined) return this.seeInMaps(first, second, timestamp);
    const firsts = this.firsts!;
    const seconds = this.seconds!;
    const timestamps = this.timestamps!;
    let seen: number | null | undefined;
    for (let j = this.count - 1; j >= 0; j--) {
      if (firsts[j] === first && seconds[j] === second) {
        seen = timestamps[j]!;
        timestamps[j] = timestamp;
        return seen;
      }
    }
    const n = this.count;
    if (n === SMALL_GROUP) {
      this.byKey = new Map();
      this.byLe = new Map();
      for (let j = 0; j < n; j++) this.seeInMaps(firsts[j]!, seconds[j], timestamps[j]!);
      return this.seeInMaps(first, second, timestamp);
    }
    firsts[n] = first;
    seconds[n] = second;
    timestamps[n] = timestamp;
    this.count = n + 1;
    return undefined;
  }

  private seeInMaps(
    first: string | number,
    second: string | undefined,
    timestamp: number | null,
  ): number | null | undefined {
    if (typeof first === 'number') {
      const seen = this.byLe!.get(first);
      this.byLe!.set(first, timestamp);
      return seen;
    }
    const key = second === undefined ? first : `${first}\u0000${second}`;
    const seen = this.byKey!.get(key);
    this.byKey!.set(key, timestamp);
    return seen;
  }
}
