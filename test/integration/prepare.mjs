// Shared by both launchers and `npm run demo`: build the extension, bundle the suite, start the demo service.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { tsImport } from 'tsx/esm/api';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds the extension bundles; PERFLENS_IT_SKIP_BUILD=1 reuses the build `npm test` just made. */
export function buildExtension() {
  if (process.env.PERFLENS_IT_SKIP_BUILD === '1') return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the extension failed (node esbuild.mjs)');
}

/**
 * Bundles the suite (mocha included, vscode external) into one file the extension host loads.
 * Each run bundles into its own folder, so two runs on one machine never load each other's.
 */
export async function bundleSuite(outDir) {
  const outfile = join(outDir, 'suite', 'index.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'integration', 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    // mocha's parallel mode (require.resolve of its worker) is never used in the extension host.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return outfile;
}

/**
 * Starts examples/demo-service through test/helpers/demoService.ts, from this (the system) Node:
 * the service's native SQLite module is built for it, not for the editor's own runtime.
 */
export async function startDemo(opts = {}) {
  const { startDemoService } = await tsImport('../helpers/demoService.ts', import.meta.url);
  return startDemoService(opts);
}
