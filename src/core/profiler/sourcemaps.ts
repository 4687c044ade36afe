import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import type { RawSourceMap } from 'source-map';
import { remapProfile } from './builder';
import type { Frame, Profile } from './model';
import { errorMessage } from '../util/result';
import { readUserFile } from '../util/userFile';

export interface SourceMapOptions {
  /** Folders that relative file names (pstats, py-spy, folded) are resolved against. */
  roots?: string[];
  /** Reads a file; injectable for tests. Undefined when the file does not exist. */
  readFile?: (file: string) => Promise<string | undefined>;
}

export interface OriginalPosition {
  file: string;
  line: number;
  column: number;
  name?: string;
}

/** A script's map, or why it has none (kept so each script is looked at once). */
type ScriptMap = { consumer: SourceMapConsumer; code: string } | { consumer: null; problem?: string };

const SOURCE_MAPPING_URL = /\/\/[#@]\s*sourceMappingURL=([^\s'"]+)\s*$/;

/** A frame's file as a local path: file:// URLs and absolute paths; undefined for node:, http: etc. */
export function localPathOf(file: string): string | undefined {
  if (!file) return undefined;
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return undefined;
  return file;
}

async function defaultReadFile(file: string): Promise<string | undefined> {
  try {
    return (await readUserFile(file, { maxBytes: 256 * 1024 * 1024, what: 'source or source map' })).bytes.toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/**
 * Maps frames of bundled or transpiled JavaScript back to their original sources through source
 * maps (inline data: URLs or files named by sourceMappingURL), and resolves file:// URLs and
 * relative names to real files. One map per script, cached; call dispose() when done (the
 * WASM-backed consumers hold memory until destroyed).
 */
export class SourceMapResolver {
  private maps = new Map<string, Promise<ScriptMap>>();
  private exists = new Map<string, boolean>();
  private readonly readFile: (file: string) => Promise<string | undefined>;
  /** Why some scripts could not be mapped, for a warning line. */
  readonly problems: string[] = [];

  constructor(private readonly opts: SourceMapOptions = {}) {
    this.readFile = opts.readFile ?? defaultReadFile;
  }

  /** The source map of a script (by path), loaded once. */
  mapFor(scriptPath: string): Promise<ScriptMap> {
    let m = this.maps.get(scriptPath);
    if (!m) this.maps.set(scriptPath, (m = this.load(scriptPath)));
    return m;
  }

  private async load(scriptPath: string): Promise<ScriptMap> {
    const code = await this.readFile(scriptPath);
    if (code === undefined) return { consumer: null };
    const tail = code.slice(Math.max(0, code.length - 4096)).trimEnd();
    const lastLine = tail.slice(tail.lastIndexOf('\n') + 1);
    let ref = SOURCE_MAPPING_URL.exec(lastLine)?.[1];
    // The comment is usually last, but some bundlers append a newline or a banner after it.
    if (!ref) {
      const all = [...code.matchAll(/\/\/[#@]\s*sourceMappingURL=([^\s'"]+)/g)];
      ref = all[all.length - 1]?.[1];
    }
    if (!ref) return { consumer: null };
    let raw: string | undefined;
    let mapUrl: string;
    if (ref.startsWith('data:')) {
      const comma = ref.indexOf(',');
      const meta = ref.slice(5, comma);
      const data = ref.slice(comma + 1);
      raw = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
      mapUrl = pathToFileURL(scriptPath).href;
    } else {
      const mapPath = ref.startsWith('file://')
        ? fileURLToPath(ref)
        : path.resolve(path.dirname(scriptPath), decodeURIComponent(ref));
      raw = await this.readFile(mapPath);
      mapUrl = pathToFileURL(mapPath).href;
      if (raw === undefined)
        return this.problem(`${scriptPath} names the source map ${mapPath}, which cannot be read.`);
    }
    try {
      const json = JSON.parse(raw) as RawSourceMap;
      const consumer = await new SourceMapConsumer(json, mapUrl);
      return { consumer, code };
    } catch (e) {
      const msg = errorMessage(e);
      // source-map loads its WASM decoder from the folder of the code that bundles it.
      if (msg.includes('mappings.wasm')) {
        return this.problem(
          `Source maps cannot be decoded: source-map's mappings.wasm is missing beside ${path.dirname(msg.match(/'([^']*mappings\.wasm)'/)?.[1] ?? 'the bundle')}/ (the build copies node_modules/source-map/lib/mappings.wasm there).`,
        );
      }
      return this.problem(`The source map of ${scriptPath} could not be read: ${msg}`);
    }
  }

  private problem(text: string): ScriptMap {
    this.problems.push(text);
    return { consumer: null, problem: text };
  }

  /** Original position of a 1-based line and column in a generated script, if a map covers it. */
  async originalPosition(file: string, line: number, column: number): Promise<OriginalPosition | undefined> {
    const local = localPathOf(file);
    if (!local || line <= 0) return undefined;
    const m = await this.mapFor(local);
    return m.consumer ? lookup(m.consumer, line, column) : undefined;
  }

  /** A real file for a frame's file name: file:// URLs become paths, relative names are found under roots. */
  resolveFile(file: string): string {
    const local = localPathOf(file);
    if (!local) return file;
    if (path.isAbsolute(local)) return local;
    for (const root of this.opts.roots ?? []) {
      const candidate = path.resolve(root, local);
      let ok = this.exists.get(candidate);
      if (ok === undefined) this.exists.set(candidate, (ok = fs.existsSync(candidate)));
      if (ok) return candidate;
    }
    return local;
  }

  /** The profile with every frame (and line weight) moved to its original source where a map exists. */
  async mapProfile(p: Profile): Promise<Profile> {
    if (!p.tree) return remapFlat(p, (f) => ({ ...f, file: this.resolveFile(f.file) }));
    const scripts = new Set<string>();
    for (const f of p.frames) {
      const local = localPathOf(f.file);
      if (local && path.isAbsolute(local)) scripts.add(local);
    }
    const loaded = new Map<string, SourceMapConsumer>();
    const codeLines = new Map<string, string[]>();
    await Promise.all(
      [...scripts].map(async (s) => {
        const m = await this.mapFor(s);
        if (!m.consumer) return;
        loaded.set(s, m.consumer);
        codeLines.set(s, m.code.split('\n'));
      }),
    );
    // A script rebuilt after the profile was recorded would map frames onto unrelated code. Named
    // functions sit on their recorded line in an unchanged script; when most of them do not, that
    // script's frames stay unmapped (a majority, because a class constructor, say, is named after
    // the class but starts on its `constructor` line).
    const checks = new Map<string, { checked: number; moved: number; example: string }>();
    for (const f of p.frames) {
      const local = localPathOf(f.file);
      const lines = local ? codeLines.get(local) : undefined;
      const simple = f.name.split(/[.\s]/).pop() ?? '';
      if (!lines || f.line <= 0 || !/^[\w$]+$/.test(simple)) continue;
      const c = checks.get(local!) ?? { checked: 0, moved: 0, example: '' };
      checks.set(local!, c);
      c.checked++;
      const text = lines[f.line - 1] ?? '';
      if (!text.includes(simple) && !text.includes('constructor')) {
        c.moved++;
        c.example ||= `${f.name} is no longer on line ${f.line}`;
      }
    }
    for (const [script, c] of checks) {
      if (c.moved * 2 <= c.checked) continue;
      loaded.delete(script);
      this.problems.push(
        `${script} changed after the profile was recorded (${c.example}); its frames are not mapped to sources.`,
      );
    }
    const mappedFrames = p.frames.map((f): Frame => {
      const local = localPathOf(f.file);
      const consumer = local ? loaded.get(local) : undefined;
      const pos = consumer && f.line > 0 ? lookup(consumer, f.line, f.column) : undefined;
      if (!pos) return { ...f, file: this.resolveFile(f.file) };
      const name = f.name === '(anonymous)' && pos.name ? pos.name : f.name;
      return { name, file: pos.file, line: pos.line, column: pos.column };
    });
    return remapProfile(
      p,
      (_f, i) => mappedFrames[i]!,
      (frame, line) => {
        const local = localPathOf(frame.file);
        const consumer = local ? loaded.get(local) : undefined;
        if (!consumer) return line;
        // Generated lines often start with a mapping left over from the statement before (bundlers
        // map the indentation), so a weight on the function's own line is looked up at its column.
        const pos = lookup(consumer, line, line === frame.line ? frame.column : 0);
        return pos ? pos.line : 0;
      },
    );
  }

  dispose(): void {
    for (const m of this.maps.values()) void m.then((x) => x.consumer?.destroy());
    this.maps.clear();
  }
}

/** Looks up a 1-based line/column; falls back to the first mapping later on the same line. */
function lookup(consumer: SourceMapConsumer, line: number, column: number): OriginalPosition | undefined {
  const col = Math.max(0, column - 1);
  let pos = consumer.originalPositionFor({ line, column: col });
  if (pos.source === null || pos.line === null)
    pos = consumer.originalPositionFor({ line, column: col, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
  if (pos.source === null || pos.line === null) return undefined;
  const file = pos.source.startsWith('file://') ? fileURLToPath(pos.source) : pos.source;
  return { file, line: pos.line, column: (pos.column ?? 0) + 1, name: pos.name ?? undefined };
}

function remapFlat(p: Profile, map: (f: Frame) => Frame): Profile {
  const frames = p.frames.map(map);
  return { ...p, frames, functions: p.functions.map((fn) => ({ ...fn, file: frames[fn.frame]!.file })) };
}
