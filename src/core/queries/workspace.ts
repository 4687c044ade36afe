import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractStatements, languageOf } from './extract';
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
  /** Larger files (minified bundles, generated code) are skipped. Default 1 MiB. */
  maxFileBytes?: number;
  /** Files read at once. Default 32. */
  concurrency?: number;
  /** Reuse extraction results of files whose mtime and size did not change. */
  cache?: ExtractionCache;
}

export interface ScanResult {
  statements: ExtractedStatement[];
  /** Source files considered (language known, under the size cap). */
  files: number;
  /** Of those, files actually read and tokenized this time (the rest came from the cache). */
  parsedFiles: number;
  /** Files that could not be read, with why. */
  errors: { file: string; message: string }[];
}

/** Per-file results keyed by path, valid while the file's mtime and size stay the same. */
export class ExtractionCache {
  private readonly entries = new Map<string, { mtimeMs: number; size: number; statements: ExtractedStatement[] }>();
  get(file: string, stat: { mtimeMs: number; size: number }): ExtractedStatement[] | undefined {
    const e = this.entries.get(file);
    return e && e.mtimeMs === stat.mtimeMs && e.size === stat.size ? e.statements : undefined;
  }
  set(file: string, stat: { mtimeMs: number; size: number }, statements: ExtractedStatement[]): void {
    this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, statements });
  }
  /** Forget a file (deleted, or known to be changed before its mtime moves). */
  delete(file: string): void {
    this.entries.delete(file);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** Lists the source files of a workspace that PerfLens reads for SQL. */
export async function listSourceFiles(
  root: string,
  ignoredDirs: readonly string[] = DEFAULT_IGNORED_DIRS,
): Promise<string[]> {
  const ignored = new Set(ignoredDirs);
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!ignored.has(e.name)) subdirs.push(path.join(dir, e.name));
      } else if (e.isFile() && languageOf(e.name) && !e.name.endsWith('.min.js') && !e.name.endsWith('.d.ts')) {
        files.push(path.join(dir, e.name));
      }
    }
    await Promise.all(subdirs.map(walk));
  };
  await walk(root);
  return files.sort();
}

/**
 * Finds the SQL in every source file under root. Statement locations use paths relative to root.
 * With a cache, a re-scan after one file is saved reads and tokenizes only that file.
 */
export async function scanWorkspace(root: string, opts: ScanOptions = {}): Promise<ScanResult> {
  const files = await listSourceFiles(root, opts.ignoredDirs);
  const maxBytes = opts.maxFileBytes ?? 1024 * 1024;
  const perFile: ExtractedStatement[][] = new Array(files.length);
  const errors: ScanResult['errors'] = [];
  let parsedFiles = 0;
  let considered = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const k = next++;
      const file = files[k]!;
      try {
        const stat = await fs.promises.stat(file);
        if (stat.size > maxBytes) {
          perFile[k] = [];
          continue;
        }
        considered++;
        const cached = opts.cache?.get(file, stat);
        if (cached) {
          perFile[k] = cached;
          continue;
        }
        const text = await fs.promises.readFile(file, 'utf8');
        const statements = extractStatements(
          text,
          languageOf(file)!,
          path.relative(root, file).split(path.sep).join('/'),
        );
        parsedFiles++;
        opts.cache?.set(file, stat, statements);
        perFile[k] = statements;
      } catch (e) {
        perFile[k] = [];
        errors.push({ file, message: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 32) }, worker));
  return { statements: perFile.flat(), files: considered, parsedFiles, errors };
}
