/**
 * A streaming reader for V8 `.heapsnapshot` files. The file is read in chunks and never held
 * whole: the small `snapshot` header is parsed as JSON, the `nodes` and `edges` number arrays go
 * straight into typed arrays sized from the header's counts, other number arrays are skipped, and
 * only `strings` become JavaScript strings. Memory stays well under the file's size.
 */
import * as fs from 'node:fs';
import { openRegularFileSync } from '../../util/userFile';

export interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

export interface RawSnapshot {
  meta: SnapshotMeta;
  nodeCount: number;
  edgeCount: number;
  /** node_count × node_fields.length values, as the file lists them. */
  nodes: Uint32Array;
  /** edge_count × edge_fields.length values. */
  edges: Uint32Array;
  strings: string[];
}

export class SnapshotFormatError extends Error {}

const CHUNK = 1 << 20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

type Section = 'nodes' | 'edges' | 'strings' | 'skip';

/** Reads a .heapsnapshot file; throws SnapshotFormatError when its shape is not a V8 heap snapshot. */
export function readHeapSnapshot(file: string, opts: { maxBytes?: number } = {}): RawSnapshot {
  const fd = openRegularFileSync(file, 'heap snapshot');
  try {
    const size = fs.fstatSync(fd).size;
    if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new SnapshotFormatError(`too-large:${size}`);
    return new Reader(fd).read();
  } finally {
    fs.closeSync(fd);
  }
}

class Reader {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;
  private pos = 0;
  private eof = false;
  private readAt = 0;

  constructor(private readonly fd: number) {}

  private fill(): boolean {
    if (this.eof) return false;
    const n = fs.readSync(this.fd, this.buf, 0, CHUNK, this.readAt);
    this.readAt += n;
    this.len = n;
    this.pos = 0;
    if (n === 0) this.eof = true;
    return n > 0;
  }

  /** The next byte, or -1 at the end of the file. */
  private next(): number {
    if (this.pos >= this.len && !this.fill()) return -1;
    return this.buf[this.pos++]!;
  }

  read(): RawSnapshot {
    const header = this.readHeader();
    const nodeFields = header.meta.node_fields.length;
    const edgeFields = header.meta.edge_fields.length;
    let nodes: Uint32Array | undefined;
    let edges: Uint32Array | undefined;
    let strings: string[] | undefined;
    for (;;) {
      const key = this.nextKey();
      if (key === undefined) break;
      const section: Section = key === 'nodes' || key === 'edges' || key === 'strings' ? key : 'skip';
      if (section === 'nodes') nodes = this.readNumbers(header.nodeCount * nodeFields, 'nodes');
      else if (section === 'edges') edges = this.readNumbers(header.edgeCount * edgeFields, 'edges');
      else if (section === 'strings') strings = this.readStrings();
      else this.skipValue();
    }
    if (!nodes) throw new SnapshotFormatError('it has no "nodes" array.');
    if (!edges) throw new SnapshotFormatError('it has no "edges" array.');
    if (!strings) throw new SnapshotFormatError('it has no "strings" array.');
    return { ...header, nodes, edges, strings };
  }

  /** `{"snapshot":{…}` up to its closing brace, parsed as JSON (it is small). */
  private readHeader(): { meta: SnapshotMeta; nodeCount: number; edgeCount: number } {
    const key = this.nextKey(true);
    if (key !== 'snapshot') throw new SnapshotFormatError('it does not start with a "snapshot" header.');
    const bytes: number[] = [];
    let depth = 0;
    let inString = false;
    for (;;) {
      const c = this.next();
      if (c < 0) throw new SnapshotFormatError('it ends inside its "snapshot" header.');
      bytes.push(c);
      if (bytes.length > 1 << 20) throw new SnapshotFormatError('its "snapshot" header is larger than 1 MB.');
      if (inString) {
        if (c === BACKSLASH) bytes.push(this.next());
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === 0x7b) depth++;
      else if (c === 0x7d && --depth === 0) break;
    }
    let h: { meta?: SnapshotMeta; node_count?: unknown; edge_count?: unknown };
    try {
      h = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof h;
    } catch {
      throw new SnapshotFormatError('its "snapshot" header is not valid JSON.');
    }
    const m = h.meta;
    if (
      !m ||
      !Array.isArray(m.node_fields) ||
      !Array.isArray(m.edge_fields) ||
      !Array.isArray(m.node_types?.[0]) ||
      !Array.isArray(m.edge_types?.[0])
    )
      throw new SnapshotFormatError('its header has no "meta" with node and edge fields and types.');
    for (const f of ['type', 'name', 'id', 'self_size', 'edge_count'])
      if (!m.node_fields.includes(f)) throw new SnapshotFormatError(`its nodes have no "${f}" field.`);
    for (const f of ['type', 'name_or_index', 'to_node'])
      if (!m.edge_fields.includes(f)) throw new SnapshotFormatError(`its edges have no "${f}" field.`);
    const count = (v: unknown, what: string) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff)
        throw new SnapshotFormatError(`its header's ${what} is ${JSON.stringify(v)}, not a count.`);
      return v;
    };
    return { meta: m, nodeCount: count(h.node_count, 'node_count'), edgeCount: count(h.edge_count, 'edge_count') };
  }

  /** The next top-level key (after a comma), or undefined at the closing brace. */
  private nextKey(first = false): string | undefined {
    for (;;) {
      const c = this.next();
      if (c < 0) throw new SnapshotFormatError('it ends before its closing brace (is it truncated?).');
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || (first && c === 0x7b)) continue;
      if (c === 0x7d) return undefined;
      if (c !== QUOTE) throw new SnapshotFormatError(`unexpected "${String.fromCharCode(c)}" where a key belongs.`);
      const key = this.stringBody();
      for (;;) {
        const d = this.next();
        if (d === 0x3a) return key;
        if (d !== 0x20 && d !== 0x0a && d !== 0x0d && d !== 0x09)
          throw new SnapshotFormatError(`no ":" after the key "${key}".`);
      }
    }
  }

  private expect(open: number, what: string): void {
    for (;;) {
      const c = this.next();
      if (c === open) return;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
        throw new SnapshotFormatError(`"${what}" is not an array.`);
    }
  }

  /** A flat array of non-negative integers into a typed array of exactly `count` values. */
  private readNumbers(count: number, what: string): Uint32Array {
    this.expect(0x5b, what);
    const out = new Uint32Array(count);
    let n = 0;
    let value = 0;
    let digits = 0;
    for (;;) {
      if (this.pos >= this.len && !this.fill()) throw new SnapshotFormatError(`it ends inside "${what}".`);
      const buf = this.buf;
      const len = this.len;
      let p = this.pos;
      for (; p < len; p++) {
        const c = buf[p]!;
        if (c >= 0x30 && c <= 0x39) {
          value = value * 10 + (c - 0x30);
          digits++;
          continue;
        }
        if (digits > 0) {
          if (n >= count || value > 0xffffffff)
            throw new SnapshotFormatError(
              n >= count
                ? `"${what}" holds more values than the header's counts say (${count}).`
                : `"${what}" holds ${value}, past what PerfLens reads.`,
            );
          out[n++] = value;
          value = 0;
          digits = 0;
        }
        if (c === 0x5d) {
          this.pos = p + 1;
          if (n !== count)
            throw new SnapshotFormatError(`"${what}" holds ${n} values; the header's counts say ${count}.`);
          return out;
        }
        if (c !== 0x2c && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
          throw new SnapshotFormatError(`"${what}" holds "${String.fromCharCode(c)}", not a number.`);
      }
      this.pos = p;
    }
  }

  /** The body of a JSON string whose opening quote was read. */
  private stringBody(): string {
    const start = this.pos;
    // Fast path: the string ends in this chunk and has no escapes.
    for (let p = start; p < this.len; p++) {
      const c = this.buf[p]!;
      if (c === BACKSLASH) break;
      if (c === QUOTE) {
        this.pos = p + 1;
        return this.buf.toString('utf8', start, p);
      }
    }
    const parts: Buffer[] = [];
    let escaped = false;
    for (;;) {
      if (this.pos >= this.len) {
        if (!this.fill()) throw new SnapshotFormatError('it ends inside a string.');
      }
      const s = this.pos;
      let p = s;
      let done = false;
      for (; p < this.len; p++) {
        const c = this.buf[p]!;
        if (c === BACKSLASH) escaped = true;
        if (c === QUOTE && !isEscaped(this.buf, p, s, parts)) {
          done = true;
          break;
        }
      }
      parts.push(Buffer.from(this.buf.subarray(s, p)));
      this.pos = done ? p + 1 : p;
      if (done) break;
    }
    const raw = Buffer.concat(parts);
    if (!escaped) return raw.toString('utf8');
    try {
      return JSON.parse(`"${raw.toString('utf8')}"`) as string;
    } catch {
      throw new SnapshotFormatError('a string holds an invalid escape.');
    }
  }

  private readStrings(): string[] {
    this.expect(0x5b, 'strings');
    const out: string[] = [];
    for (;;) {
      const c = this.next();
      if (c < 0) throw new SnapshotFormatError('it ends inside "strings".');
      if (c === QUOTE) out.push(this.stringBody());
      else if (c === 0x5d) return out;
      else if (c !== 0x2c && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)
        throw new SnapshotFormatError(`"strings" holds "${String.fromCharCode(c)}", not a string.`);
    }
  }

  /** Skips one JSON value (the trace and location arrays PerfLens does not read). */
  private skipValue(): void {
    let depth = 0;
    let started = false;
    for (;;) {
      const c = this.next();
      if (c < 0) throw new SnapshotFormatError('it ends inside a value.');
      if (c === QUOTE) {
        this.stringBody();
        if (depth === 0) return;
        continue;
      }
      if (c === 0x5b || c === 0x7b) {
        depth++;
        started = true;
      } else if (c === 0x5d || c === 0x7d) {
        if (--depth === 0) return;
      } else if (!started && (c === 0x2c || c === 0x7d)) return;
    }
  }
}

/** Whether the quote at p is escaped: an odd run of backslashes before it (across earlier parts too). */
function isEscaped(buf: Buffer, p: number, start: number, parts: Buffer[]): boolean {
  let n = 0;
  let i = p - 1;
  while (i >= start && buf[i] === BACKSLASH) {
    n++;
    i--;
  }
  if (i < start) {
    for (let k = parts.length - 1; k >= 0; k--) {
      const part = parts[k]!;
      let j = part.length - 1;
      while (j >= 0 && part[j] === BACKSLASH) {
        n++;
        j--;
      }
      if (j >= 0) break;
    }
  }
  return n % 2 === 1;
}
