// `npm run demo`: PerfLens on the demo service, in one command.
//   1. builds the extension and starts examples/demo-service on a free loopback port;
//   2. opens desktop VS Code (`code` on PATH) with PerfLens as a development extension, or else
//      starts code-server (installing it first, see scripts/setup-integration.mjs) and prints the
//      URL to open in a browser;
//   3. PerfLens attaches to the service by itself: the throwaway profile's user settings carry
//      `perflens.autoAttach` = the service's URL.
// Runs until Ctrl-C (or until the desktop window closes), then stops everything it started. It stops
// everything too on SIGTERM and SIGHUP (its terminal closed), and when the process that started it
// goes away: `npm run demo` killed with SIGTERM passes the signal to its shell, not to this script.
// Options: --browser forces code-server even when `code` exists; --port N picks code-server's port;
// --no-traffic keeps the demo service from sending itself its gentle background requests;
// --postgres runs the demo service on a throwaway PostgreSQL 15 cluster (same 100k entities, same
// entities query) that the script starts and removes, and prints its URL for PerfLens.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { ensureIntegrationEnv } from './setup-integration.mjs';
import { startCodeServer, workbenchUrl, writeUserSettings } from '../test/integration/codeServer.mjs';
import { buildExtension, ROOT, startDemo } from '../test/integration/prepare.mjs';

const WORKSPACE = join(ROOT, 'examples', 'demo-service');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const portArg = args.indexOf('--port');
const editorPort = portArg >= 0 ? Number(args[portArg + 1]) : 0;
const traffic = !args.includes('--no-traffic');
const postgres = args.includes('--postgres');
const say = (msg) => console.log(`[demo] ${msg}`);

function hasDesktopCode() {
  if (forceBrowser) return false;
  const r = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

const cleanups = [];
let stopping;
function stopAll(code) {
  stopping ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => say(`cleanup: ${e?.message ?? e}`));
    process.exit(code);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    say(`${sig}: stopping everything the demo started`);
    void stopAll(0);
  });
}
// Orphaned (the parent npm or shell died without passing a signal on): stop too.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) {
    say('the process that started the demo has gone: stopping everything the demo started');
    void stopAll(0);
  }
}, 500).unref();

async function main() {
  buildExtension();
  let pgUrl;
  if (postgres) {
    const { startPostgres } = await tsImport('../test/helpers/postgresServer.ts', import.meta.url);
    say('starting a throwaway PostgreSQL 15 cluster (loopback, pg_stat_statements, HypoPG) with the demo data…');
    const pg = await startPostgres({ seedDemo: true });
    cleanups.push(() => pg.stop());
    pgUrl = pg.url;
    say(
      `PostgreSQL: ${pgUrl}  (try: node dist/cli.js explain --postgres '${pgUrl}' --workspace examples/demo-service --what-if)`,
    );
  }
  const demo = await startDemo({ traffic, ...(pgUrl ? { pgUrl } : {}) });
  cleanups.push(() => demo.stop());
  say(`demo service running at ${demo.url} (pid ${demo.pid})`);
  say(
    traffic
      ? 'it sends itself 1–5 requests a second so the charts move (--no-traffic turns that off)'
      : 'no background traffic (--no-traffic): only your requests reach it',
  );

  const profile = mkdtempSync(join(tmpdir(), 'perflens-demo-'));
  cleanups.push(async () => rmSync(profile, { recursive: true, force: true }));
  const userDataDir = join(profile, 'user-data');
  // A user setting (not a workspace one): the demo profile is the user's own, throwaway profile.
  writeUserSettings(userDataDir, { 'perflens.autoAttach': demo.url, 'workbench.startupEditor': 'readme' });

  if (hasDesktopCode()) {
    say('opening desktop VS Code with PerfLens; close its window (or press Ctrl-C) to stop the demo');
    const code = spawn(
      'code',
      ['--new-window', '--wait', `--extensionDevelopmentPath=${ROOT}`, '--user-data-dir', userDataDir, WORKSPACE],
      { stdio: 'inherit' },
    );
    cleanups.push(async () => code.kill('SIGTERM'));
    await new Promise((r) => code.once('exit', r));
    await stopAll(0);
    return;
  }

  say('`code` is not on PATH: starting VS Code in the browser (code-server) instead');
  const env = ensureIntegrationEnv();
  mkdirSync(join(profile, 'extensions'), { recursive: true });
  const server = await startCodeServer({
    node: env.node24,
    entry: env.codeServerEntry,
    userDataDir,
    extensionsDir: join(profile, 'extensions'),
    workspace: WORKSPACE,
    port: editorPort,
  });
  cleanups.push(() => server.stop());
  const url = workbenchUrl({ port: server.port, workspace: WORKSPACE, extensionPath: ROOT });
  say('open this URL in a browser on this machine (PerfLens is attached to the demo service there):');
  console.log(`\n  ${url}\n`);
  say('press Ctrl-C to stop');
  const { code, signal } = await server.exited;
  if (stopping) return; // Ctrl-C: stopAll is already tidying up
  say(`code-server exited by itself (code ${code}, signal ${signal})`);
  await stopAll(code === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`[demo] ${e?.stack ?? e}`);
  void stopAll(1);
});
