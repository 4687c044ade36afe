// Builds the three bundles: extension (node/cjs, vscode external), CLI (node), webviews (browser/iife).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: true, minify: production, logLevel: 'warning', target: 'es2022' };

const webviewEntries = Object.fromEntries(
  readdirSync('webview', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
    .map((d) => [d.name, join('webview', d.name, 'main.ts')]),
);

const configs = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...common, entryPoints: webviewEntries, outdir: 'dist/webview', platform: 'browser', format: 'iife' },
];
// Workers that run off the extension host's thread (large profiles) are bundled beside the extension.
if (existsSync('src/core/profiler/worker.ts')) {
  configs.push({
    ...common,
    entryPoints: { 'profile-worker': 'src/core/profiler/worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
  });
}
// The user's SQLite database is explained (and what-if indexes timed) in a worker with a deadline.
configs.push({
  ...common,
  entryPoints: { 'query-worker': 'src/core/queries/queryWorker.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
});

// A large workspace scan reads and tokenizes its files on worker threads.
configs.push({
  ...common,
  entryPoints: { 'scan-worker': 'src/core/queries/scanWorker.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
});

// Preloaded into traced Node services by `perflens run`: the OpenTelemetry Node SDK, bundled so tracing
// works offline and at the versions tested with PerfLens.
configs.push({
  ...common,
  entryPoints: { 'otel-bootstrap': 'src/bootstrap/nodeTracing.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
});

function copyAssets() {
  mkdirSync('dist', { recursive: true });
  // sql.js loads its wasm from the folder of the bundle that requires it.
  cpSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
  // source-map decodes mappings with its WASM, read from the folder of the bundle (extension, CLI, worker).
  cpSync('node_modules/source-map/lib/mappings.wasm', 'dist/mappings.wasm');
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}

if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
  copyAssets();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  copyAssets();
}
