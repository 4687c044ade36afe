// Bundles the demo service into dist/server.js with a linked source map back to src/*.ts.
// Skips the build when dist is newer than every source (pass --force to rebuild), and writes each
// output through a temp file + rename so a service starting in parallel never loads a half-written bundle.
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const outfile = join(root, 'dist', 'server.js');

function newestSourceMtime() {
  const files = [
    join(root, 'build.mjs'),
    ...readdirSync(join(root, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(root, 'src', f)),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

export function isUpToDate() {
  return existsSync(outfile) && existsSync(outfile + '.map') && statSync(outfile).mtimeMs >= newestSourceMtime();
}

export async function build({ force = false } = {}) {
  if (!force && isUpToDate()) return { built: false, outfile };
  const result = await esbuild.build({
    entryPoints: [join(root, 'src', 'server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    // Native addon: loaded from node_modules at run time, never bundled.
    external: ['better-sqlite3', 'pg-native'],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return { built: true, outfile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await build({ force: process.argv.includes('--force') });
  console.log(r.built ? `built ${r.outfile}` : `${r.outfile} is up to date`);
}
