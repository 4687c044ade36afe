import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';

export type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

let cached: Promise<SqlJsStatic> | undefined;

/**
 * Where sql-wasm.wasm lives: beside the running bundle in dist/ (esbuild.mjs copies it there), or
 * in node_modules when running from source under tsx/mocha.
 */
export function locateSqlWasm(file = 'sql-wasm.wasm'): string {
  const besideBundle = path.join(__dirname, file);
  if (fs.existsSync(besideBundle)) return besideBundle;
  try {
    return require.resolve(`sql.js/dist/${file}`);
  } catch {
    return besideBundle;
  }
}

/**
 * Loads sql.js (WASM) once per process. The module is required lazily so that activating the
 * extension does not pay for it; every caller shares the same compiled module.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!cached) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const init = require('sql.js') as (config?: { locateFile?: (f: string) => string }) => Promise<SqlJsStatic>;
    cached = init({ locateFile: (f) => locateSqlWasm(f) }).catch((e: unknown) => {
      // A failed load is not cached, so a later call (after the file is restored) can succeed.
      cached = undefined;
      throw e;
    });
  }
  return cached;
}
