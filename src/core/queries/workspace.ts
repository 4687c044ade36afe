import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageOf } from './extract';
import type { FileJob, FileOutcome } from './scanFile';
import { scanFile } from './scanFile';
import { DEFAULT_THREAD_THRESHOLD, defaultScanThreads, scanInThreads } from './scanThreads';
import { isSourceName } from './sourceFiles';
import type { ExtractedStatement } from './types';

/** Folders never worth reading for the user's own SQL: dependencies, build output, tool caches. */
export const DEFAULT_IGNORED_DIRS: readonly string[] = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'venv',
  '.venv',
  'env',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'target',
  'vendor',
  '.idea',
  '.vscode-test',
  'coverage',
  '.next',
  '.nuxt',
  '.gradle',
  'bin',
  'obj',
  '.perflens',
  '.cache',
];

export interface ScanOptions {
  /** Folder names to skip, replacing DEFAULT_IGNORED_DIRS. */
  ignoredDirs?: readonly string[];
  /** Larger files (minified bundles, generated code) are skipped; counted in bytes actually read. Default 1 MiB. */
  maxFileBytes?: number;
  /** Files read at once on the calling thread. Default 32. */
  concurrency?: number;
  /**
   * Worker threads that read and tokenize the files of a large scan, with blocking reads that hold
   * up no one; 0 keeps all the work on the calling thread. Default: one per core, at most 4.
   */
  threads?: number;
  /** Fewest files to read for threads to start (below it, start-up costs more than it saves). Default 500. */
  threadThreshold?: number;
  /** Reuse extraction results of files whose mtime and size did not change. */
  cache?: ExtractionCache;
}

export interface ScanResult {
  statements: ExtractedStatement[];
  /** Source files considered (language known, a regular file under the size cap). */
  files: number;
  /** Of those, files actually read and tokenized this time (the rest came from the cache). */
  parsedFiles: number;
  /** Files that could not be read, with why, in path order. */
  errors: { file: string; message: string }[];
  /** Worker threads that read files this time; 0 when the calling thread read them all (small scans). */
  threads: number;
}

const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

interface CacheEntry {
  mtimeMs: number;
  size: number;
  /** Path relative to the scan root the statements name. */
  rel: string;
  statements: ExtractedStatement[];
}

/** Per-file results keyed by path, valid while the file's mtime and size stay the same. */
export class ExtractionCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** The mtime and size the cached result holds for, when there is one for this path and name. */
  known(file: string, rel: string): { mtimeMs: number; size: number } | undefined {
    const e = this.entries.get(file);
    return e && e.rel === rel ? { mtimeMs: e.mtimeMs, size: e.size } : undefined;
  }
  get(file: string, stat: { mtimeMs: number; size: number }, rel?: string): ExtractedStatement[] | undefined {
    const e = this.entries.get(file);
    return e && e.mtimeMs === stat.mtimeMs && e.size === stat.size && (rel === undefined || e.rel === rel)
      ? e.statements
      : undefined;
  }
  set(file: string, stat: { mtimeMs: number; size: number }, statements: ExtractedStatement[], rel = ''): void {
    this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, rel, statements });
  }
  /** Forget a file (deleted, or known to be changed before its mtime moves). */
  delete(file: string): void {
    this.entries.delete(file);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** Lists the source files of a workspace that PerfLens reads for SQL, in path order. */
export async function listSourceFiles(
  root: string,
  ignoredDirs: readonly string[] = DEFAULT_IGNORED_DIRS,
): Promise<string[]> {
  const ignored = new Set(ignoredDirs);
  const files: string[] = [];
  // One readdir per folder, with the entry types: no stat per file, ignored folders never opened.
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!ignored.has(e.name)) subdirs.push(walk(path.join(dir, e.name)));
      } else if (e.isFile() && isSourceName(e.name)) files.push(path.join(dir, e.name));
    }
    await Promise.all(subdirs);
  };
  await walk(root);
  return files.sort();
}

/** One file's part of a scan: its statements, or why it could not be read. */
type FileResult = { statements: ExtractedStatement[] } | { error: string };

/**
 * A workspace's SQL, file by file. `scan()` reads every source file under the root; `refresh(paths)`
 * re-reads only the given files or folders (saved, created, deleted, renamed) and answers exactly
 * what a new full scan would, from the results it keeps for every other file.
 */
export class WorkspaceScan {
  /** Considered files (regular, under the cap), by absolute path. */
  private readonly results = new Map<string, FileResult>();
  /** The keys of `results`, sorted: the order statements are listed in. */
  private order: string[] = [];
  private readonly cache: ExtractionCache;
  private readonly ignored: Set<string>;
  private readonly maxBytes: number;
  private parsed = 0;
  private threadsUsed = 0;

  constructor(
    readonly root: string,
    private readonly opts: ScanOptions = {},
  ) {
    this.cache = opts.cache ?? new ExtractionCache();
    this.ignored = new Set(opts.ignoredDirs ?? DEFAULT_IGNORED_DIRS);
    this.maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** Reads every source file under the root (cached results stand for files that did not change). */
  async scan(): Promise<ScanResult> {
    const files = await listSourceFiles(this.root, [...this.ignored]);
    this.results.clear();
    this.parsed = 0;
    this.threadsUsed = 0;
    await this.readAll(files);
    this.order = [...this.results.keys()].sort();
    return this.result();
  }

  /**
   * Brings the result up to date after the given paths changed: each is a file or folder that was
   * saved, created, deleted or renamed (give both names of a rename). Nothing else is read.
   */
  async refresh(paths: readonly string[]): Promise<ScanResult> {
    this.parsed = 0;
    this.threadsUsed = 0;
    const toRead: string[] = [];
    for (const p of paths.map((x) => path.resolve(x))) {
      const rel = path.relative(this.root, p);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      // Whatever was known at or under the path is gone; what is there now is read below.
      for (const k of this.results.keys()) if (k === p || k.startsWith(p + path.sep)) this.results.delete(k);
      if (rel !== '' && rel.split(path.sep).some((part) => this.ignored.has(part))) continue;
      let st: fs.Stats;
      try {
        st = await fs.promises.lstat(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) toRead.push(...(await listSourceFiles(p, [...this.ignored])));
      else if (st.isFile() && isSourceName(path.basename(p))) toRead.push(p);
    }
    await this.readAll(toRead);
    // A save leaves the set of files as it was: the order stands without sorting 5,000 paths again.
    if (this.order.length !== this.results.size || this.order.some((f) => !this.results.has(f)))
      this.order = [...this.results.keys()].sort();
    return this.result();
  }

  /** One file's statements as of the last scan or refresh (none when it is not a source file read). */
  statementsOf(file: string): ExtractedStatement[] {
    const r = this.results.get(path.resolve(file));
    return r && 'statements' in r ? r.statements : [];
  }

  /** The workspace's statements in path order, as of the last scan or refresh. */
  result(): ScanResult {
    const statements: ExtractedStatement[] = [];
    const errors: ScanResult['errors'] = [];
    for (const file of this.order) {
      const r = this.results.get(file)!;
      if ('error' in r) errors.push({ file, message: r.error });
      else for (const s of r.statements) statements.push(s);
    }
    return { statements, files: this.order.length, parsedFiles: this.parsed, errors, threads: this.threadsUsed };
  }

  /** A file's path relative to the root, with `/`: a slice for the files listed under the root. */
  private relativeName(file: string): string {
    const base = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    const rel =
      file.startsWith(base) && path.isAbsolute(base) && !file.includes(`${path.sep}.`)
        ? file.slice(base.length)
        : path.relative(this.root, file);
    return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }

  private async readAll(files: readonly string[]): Promise<void> {
    // Cached results, taken now: the one an unchanged file keeps is the one its job was told of.
    const cached = new Map<string, ExtractedStatement[]>();
    let jobs = files.map((file): FileJob => {
      const rel = this.relativeName(file);
      const job: FileJob = { file, rel, language: languageOf(file)! };
      const known = this.cache.known(file, rel);
      if (known) {
        job.known = known;
        cached.set(file, this.cache.get(file, known, rel)!);
      }
      return job;
    });
    const apply = (job: FileJob, outcome: FileOutcome): void => {
      const file = job.file;
      if (outcome.kind === 'skipped') this.cache.delete(file);
      else if (outcome.kind === 'unchanged') this.results.set(file, { statements: cached.get(file)! });
      else if (outcome.kind === 'error') this.results.set(file, { error: outcome.message });
      else {
        this.parsed++;
        this.cache.set(file, outcome, outcome.statements, job.rel);
        this.results.set(file, { statements: outcome.statements });
      }
    };
    const threads = this.opts.threads ?? defaultScanThreads();
    if (threads > 0 && jobs.length >= (this.opts.threadThreshold ?? DEFAULT_THREAD_THRESHOLD)) {
      const r = await scanInThreads(jobs, this.maxBytes, threads, apply);
      jobs = r.undone;
      this.threadsUsed = r.threads;
    }
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        apply(job, await scanFile(job, this.maxBytes));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.concurrency ?? 32) }, reader));
  }
}

/**
 * Finds the SQL in every source file under root. Statement locations use paths relative to root.
 * With a cache, a re-scan reads and tokenizes only the files whose mtime or size changed; to
 * re-read only known paths (a save), keep a WorkspaceScan and call refresh.
 */
export function scanWorkspace(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  return new WorkspaceScan(root, opts).scan();
}
