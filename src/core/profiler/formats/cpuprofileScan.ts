/**
 * Reads a V8 .cpuprofile straight from its bytes into compact columns: node ids, parents and
 * children, one number per call frame, samples and time deltas in typed arrays, each function name
 * and url decoded once. No string of the whole file and no object per node is ever made, so a
 * 100 MB profile costs little more than its bytes and reads faster than JSON.parse alone.
 *
 * It covers the shapes V8, Chrome DevTools and `node --cpu-prof` write (any whitespace, key order,
 * escapes and number forms; `children` or `parent`). For anything else (the legacy `head` tree,
 * values of unexpected types, repeated keys, invalid JSON) it returns undefined and the caller
 * parses the file as a whole, so every file reads and fails exactly as it did before.
 */
import type { Frame } from '../model';
import type { CpuProfileSource } from './cpuprofile';
import { v8Frame, v8FrameKey } from './cpuprofile';
import { ByteRangeMap, F64, I32, NotCovered, StringTable, notCovered } from './byteTables';
import { JsonBytes } from './jsonBytes';
import { KeyOrder, KeySet } from './jsonKeys';
import type { ByteSource } from './byteWindow';

const TOP = new KeySet(['nodes', 'samples', 'timeDeltas', 'timestamps', 'startTime', 'endTime', 'head']);
const NODE = new KeySet(['id', 'callFrame', 'children', 'parent', 'positionTicks']);
const FRAME = new KeySet(['functionName', 'url', 'lineNumber', 'columnNumber']);
const TICK = new KeySet(['line', 'ticks']);
const [NODES, SAMPLES, TIME_DELTAS, TIMESTAMPS, START_TIME, END_TIME, HEAD] = [0, 1, 2, 3, 4, 5, 6];
const [ID, CALL_FRAME, CHILDREN, PARENT, POSITION_TICKS] = [0, 1, 2, 3, 4];
const LIST_END = 0x5d;
const OBJECT_END = 0x7d;

const sameNumber = (a: number, b: number) => a === b || (a !== a && b !== b);

/**
 * Distinct call frames: (function name, url) as string numbers (-1 when missing) and line, column
 * as written (NaN when missing), numbered in order of first sight.
 */
class FrameClasses {
  readonly name = new I32();
  readonly url = new I32();
  readonly line = new F64();
  readonly column = new F64();
  private slots = new Int32Array(1 << 12).fill(-1);

  of(name: number, url: number, line: number, column: number): number {
    const h =
      Math.imul(name + 1, 0x9e3779b1) ^
      Math.imul(url + 2, 0x85ebca77) ^
      Math.imul(line | 0, 0xc2b2ae35) ^
      Math.imul((column | 0) + 3, 0x27d4eb2f);
    const mask = this.slots.length - 1;
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const k = this.slots[slot]!;
      if (k < 0) break;
      if (
        this.name.a[k] === name &&
        this.url.a[k] === url &&
        sameNumber(this.line.a[k]!, line) &&
        sameNumber(this.column.a[k]!, column)
      )
        return k;
      slot = (slot + 1) & mask;
    }
    const k = this.name.n;
    this.name.push(name);
    this.url.push(url);
    this.line.push(line);
    this.column.push(column);
    this.slots[slot] = k;
    if (this.name.n * 2 > mask) this.rehash();
    return k;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (const k of old) {
      if (k < 0) continue;
      const h =
        Math.imul(this.name.a[k]! + 1, 0x9e3779b1) ^
        Math.imul(this.url.a[k]! + 2, 0x85ebca77) ^
        Math.imul(this.line.a[k]! | 0, 0xc2b2ae35) ^
        Math.imul((this.column.a[k]! | 0) + 3, 0x27d4eb2f);
      let slot = (h ^ (h >>> 15)) & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = k;
    }
  }
}

/** The scanner's columns as the model builder's source (see CpuProfileSource). */
class ScannedProfile implements CpuProfileSource {
  constructor(
    readonly nodeCount: number,
    private readonly ids: Float64Array,
    private readonly classes: Int32Array,
    private readonly childFrom: Int32Array,
    private readonly childIds: Float64Array,
    private readonly parents: Float64Array,
    private readonly tickFrom: Int32Array,
    private readonly tickTo: Int32Array,
    private readonly tickLine: Float64Array,
    private readonly tickCount: Float64Array,
    private readonly frames: FrameClasses,
    private readonly strings: readonly string[],
    private readonly rootName: number,
    readonly samples: Int32Array,
    readonly timeDeltas: Float64Array | undefined,
    readonly timestamps: Float64Array | undefined,
    readonly startTime: number | undefined,
    readonly endTime: number | undefined,
  ) {}
  id(i: number): number {
    return this.ids[i]!;
  }
  childCount(i: number): number {
    return this.childFrom[i + 1]! - this.childFrom[i]!;
  }
  child(i: number, k: number): number {
    return this.childIds[this.childFrom[i]! + k]!;
  }
  parent(i: number): number | undefined {
    const p = this.parents[i]!;
    return p === p ? p : undefined;
  }
  isRootName(i: number): boolean {
    return this.rootName >= 0 && this.frames.name.a[this.classes[i]!] === this.rootName;
  }
  frameClass(i: number): number {
    return this.classes[i]!;
  }
  private fields(k: number): [string | undefined, string | undefined, number | undefined, number | undefined] {
    const f = this.frames;
    const [name, url, line, column] = [f.name.a[k]!, f.url.a[k]!, f.line.a[k]!, f.column.a[k]!];
    return [
      name < 0 ? undefined : this.strings[name],
      url < 0 ? undefined : this.strings[url],
      line === line ? line : undefined,
      column === column ? column : undefined,
    ];
  }
  classKey(k: number): string {
    return v8FrameKey(...this.fields(k));
  }
  classFrame(k: number): Frame {
    return v8Frame(...this.fields(k));
  }
  positionTickCount(i: number): number {
    return this.tickTo[i]! - this.tickFrom[i]!;
  }
  positionTickLine(i: number, k: number): number {
    return this.tickLine[this.tickFrom[i]! + k]!;
  }
  positionTickWeight(i: number, k: number): number {
    return this.tickCount[this.tickFrom[i]! + k]!;
  }
}

/**
 * The profile's columns, or undefined when the bytes hold a shape only a full parse reads. The
 * bytes are a whole Buffer, or a source read through a window of `windowBytes` (a file).
 */
export function scanCpuProfile(bytes: Buffer | ByteSource, windowBytes?: number): CpuProfileSource | undefined {
  try {
    return new Scanner(new JsonBytes(bytes, windowBytes)).profile();
  } catch (e) {
    // Anything the scanner meets that it does not read (or cannot hold, such as a string past the
    // engine's length limit) leaves the file to the full parse.
    if (e instanceof NotCovered || e instanceof RangeError) return undefined;
    throw e;
  }
}

class Scanner {
  private readonly j: JsonBytes;
  private readonly strings: StringTable;
  /** callFrame objects by their exact bytes: a function's frame repeats on every node that calls it. */
  private readonly frameBytes: ByteRangeMap;
  private readonly frames = new FrameClasses();
  private readonly ids = new F64();
  private readonly classes = new I32();
  private readonly childFrom = new I32();
  private readonly childIds = new F64();
  private readonly parents = new F64();
  private readonly tickFrom = new I32();
  private readonly tickTo = new I32();
  private readonly tickLine = new F64();
  private readonly tickCount = new F64();
  private readonly nodeKeys = new KeyOrder(NODE);
  private readonly frameKeys = new KeyOrder(FRAME);
  private readonly tickKeys = new KeyOrder(TICK);

  constructor(j: JsonBytes) {
    this.j = j;
    this.strings = new StringTable(j);
    this.frameBytes = new ByteRangeMap(j);
  }

  profile(): CpuProfileSource {
    const j = this.j;
    let seen = 0;
    let samples: Int32Array | undefined;
    let timeDeltas: Float64Array | undefined;
    let timestamps: Float64Array | undefined;
    let startTime: number | undefined;
    let endTime: number | undefined;
    if (!j.openObject()) notCovered('an empty object');
    do {
      const k = j.key(TOP);
      if (k >= 0) {
        if (seen & (1 << k)) notCovered('a repeated key');
        seen |= 1 << k;
      }
      if (k === NODES) this.nodes();
      else if (k === SAMPLES) samples = this.ints();
      else if (k === TIME_DELTAS) timeDeltas = this.floats();
      else if (k === TIMESTAMPS) timestamps = this.floats();
      else if (k === START_TIME) startTime = this.numberValue();
      else if (k === END_TIME) endTime = this.numberValue();
      else if (k === HEAD) notCovered('a legacy head tree');
      else j.skip();
    } while (j.more(OBJECT_END));
    j.end();
    if (!(seen & (1 << NODES)) || !samples) notCovered('no nodes or samples');
    this.childFrom.push(this.childIds.n);
    const rootName = this.strings.values.indexOf('(root)');
    return new ScannedProfile(
      this.ids.n,
      this.ids.done(),
      this.classes.done(),
      this.childFrom.done(),
      this.childIds.done(),
      this.parents.done(),
      this.tickFrom.done(),
      this.tickTo.done(),
      this.tickLine.done(),
      this.tickCount.done(),
      this.frames,
      this.strings.values,
      rootName,
      samples,
      timeDeltas,
      timestamps,
      startTime,
      endTime,
    );
  }

  private numberValue(): number {
    if (!this.j.atNumber()) notCovered(`a value that is not a number at byte ${this.j.p}`);
    return this.j.number();
  }

  private floats(): Float64Array {
    const j = this.j;
    const out = new F64();
    if (j.openList())
      do out.push(this.numberValue());
      while (j.more(LIST_END));
    return out.done();
  }

  /** Sample node ids: integers (anything else is left to the full parse, which says what is wrong). */
  private ints(): Int32Array {
    const j = this.j;
    const out = new I32();
    if (j.openList())
      do {
        const v = this.numberValue();
        if ((v | 0) !== v) notCovered('a sample that is not a node id');
        out.push(v);
      } while (j.more(LIST_END));
    return out.done();
  }

  private nodes(): void {
    const j = this.j;
    if (j.openList())
      do this.node();
      while (j.more(LIST_END));
  }

  private node(): void {
    const j = this.j;
    let seen = 0;
    let id = 0;
    let parent = NaN;
    this.childFrom.push(this.childIds.n);
    this.tickFrom.push(0);
    this.tickTo.push(0);
    if (!j.openObject()) notCovered('a node with no fields');
    const order = this.nodeKeys;
    let hint = order.start();
    do {
      const k = j.key(NODE, hint);
      hint = order.saw(k);
      if (k >= 0) {
        if (seen & (1 << k)) notCovered('a repeated key');
        seen |= 1 << k;
      }
      if (k === ID) id = this.numberValue();
      else if (k === CALL_FRAME) this.classes.push(this.callFrame());
      else if (k === CHILDREN) {
        if (j.openList())
          do this.childIds.push(this.numberValue());
          while (j.more(LIST_END));
      } else if (k === PARENT) parent = this.numberValue();
      else if (k === POSITION_TICKS) this.positionTicks();
      else j.skip();
    } while (j.more(OBJECT_END));
    // Without an id or a callFrame the full parse decides (an error, or the legacy flat fields).
    if ((seen & ((1 << ID) | (1 << CALL_FRAME))) !== ((1 << ID) | (1 << CALL_FRAME)))
      notCovered('a node without id or callFrame');
    this.ids.push(id);
    this.parents.push(parent);
  }

  /**
   * A callFrame's class. Bytes identical to a callFrame read before parse identically, so when the
   * bytes up to the first `}` match one, its class is reused without reading them field by field.
   */
  private callFrame(): number {
    const j = this.j;
    if (j.b[j.p] !== 0x7b) j.ws();
    const end = j.find(OBJECT_END) + 1;
    const start = j.p;
    if (end === 0) return this.callFrameFields();
    const known = this.frameBytes.get(start, end);
    if (known >= 0) {
      j.p = end;
      return known;
    }
    const moves = j.moves;
    const cls = this.callFrameFields();
    if (j.p === end && j.moves === moves) this.frameBytes.set(cls);
    return cls;
  }

  private callFrameFields(): number {
    const j = this.j;
    let seen = 0;
    let name = -1;
    let url = -1;
    let line = NaN;
    let column = NaN;
    const order = this.frameKeys;
    let hint = order.start();
    if (j.openObject())
      do {
        const k = j.key(FRAME, hint);
        hint = order.saw(k);
        if (k >= 0) {
          if (seen & (1 << k)) notCovered('a repeated key');
          seen |= 1 << k;
        }
        if (k === 0) name = j.internString(this.strings);
        else if (k === 1) url = j.internString(this.strings);
        else if (k === 2) line = this.finite();
        else if (k === 3) column = this.finite();
        else j.skip();
      } while (j.more(OBJECT_END));
    return this.frames.of(name, url, line, column);
  }

  private finite(): number {
    const v = this.numberValue();
    if (!Number.isFinite(v)) notCovered('a position too large');
    return v;
  }

  private positionTicks(): void {
    const j = this.j;
    this.tickFrom.a[this.tickFrom.n - 1] = this.tickLine.n;
    if (j.openList()) this.tickEntries();
    this.tickTo.a[this.tickTo.n - 1] = this.tickLine.n;
  }

  private tickEntries(): void {
    const j = this.j;
    do {
      let seen = 0;
      if (!j.openObject()) notCovered('an empty positionTicks entry');
      const order = this.tickKeys;
      let hint = order.start();
      do {
        const k = j.key(TICK, hint);
        hint = order.saw(k);
        if (k >= 0) {
          if (seen & (1 << k)) notCovered('a repeated key');
          seen |= 1 << k;
        }
        if (k === 0) this.tickLine.push(this.numberValue());
        else if (k === 1) {
          // What the model builder would refuse is left to the full parse, which words it.
          const ticks = this.numberValue();
          if (!(ticks >= 0 && ticks < Infinity)) notCovered('negative or infinite ticks');
          this.tickCount.push(ticks);
        } else j.skip();
      } while (j.more(OBJECT_END));
      if (seen !== 3) notCovered('a positionTicks entry without line or ticks');
    } while (j.more(LIST_END));
  }
}
