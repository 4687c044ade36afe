// Installs what the real-VS-Code test tier needs, idempotently, into the git-ignored .cache/:
//   - Debian's Chromium (and the headers code-server's native modules build against), via apt-get;
//   - Node 24 from the npm registry (code-server 4.139 declares engines.node = 24);
//   - code-server, which embeds the VS Code workbench and its Node extension host.
// Each step checks what is already there (by version) and skips it. Run: `npm run setup:integration`.
// Imported by the launchers (ensureIntegrationEnv) so `npm test` sets itself up on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
export const CHROMIUM_PATH = process.env.PERFLENS_CHROMIUM ?? '/usr/bin/chromium';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache');
const NODE24_DIR = join(CACHE, 'node24');
const CODE_SERVER_DIR = join(CACHE, 'code-server');
// code-server's native modules (kerberos, native-keymap, keytar-like secrets) compile on install.
const APT_BUILD_PACKAGES = [
  'build-essential',
  'python3',
  'pkg-config',
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
];

class SetupError extends Error {}

function log(msg) {
  console.log(`[setup-integration] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new SetupError(`${cmd} could not start: ${r.error.message}`);
  return r.status === 0;
}

function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The environment for a nested npm install. Under `npm test` / `npm run …` the outer npm exports
 * its own details (npm_config_user_agent names Node 20, npm_node_execpath, npm_package_*): left in
 * place they would describe the wrong Node to code-server's install scripts, which check it.
 */
function nestedNpmEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (
      /^npm_(config_user_agent|node_execpath|execpath|command|lifecycle_|package_)/i.test(k) ||
      k === 'NODE' ||
      k === 'INIT_CWD'
    )
      delete env[k];
  }
  return { ...env, ...extra };
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function missingDebianPackages(names) {
  if (!capture('dpkg', ['--version'])) return [];
  return names.filter((n) => capture('dpkg-query', ['-W', '-f=${Status}', n]) !== 'install ok installed');
}

/** apt-get installs what is missing, or explains exactly what to install when it cannot. */
function ensureAptPackages(needBuildHeaders) {
  const wanted = [];
  if (!existsSync(CHROMIUM_PATH)) wanted.push('chromium');
  if (needBuildHeaders) wanted.push(...missingDebianPackages(APT_BUILD_PACKAGES));
  if (wanted.length === 0) {
    log(`system packages present (chromium at ${CHROMIUM_PATH}${needBuildHeaders ? ', build headers' : ''})`);
    return;
  }
  const how = `apt-get update && apt-get install -y ${wanted.join(' ')}`;
  if (!isRoot()) {
    throw new SetupError(
      `missing system packages: ${wanted.join(', ')}. Not running as root, so install them yourself:\n  sudo ${how}\n(or set PERFLENS_CHROMIUM to another Chromium binary).`,
    );
  }
  log(`installing system packages: ${wanted.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    !run('apt-get', ['update'], { env }) ||
    !run('apt-get', ['install', '-y', '--no-install-recommends', ...wanted], { env })
  ) {
    throw new SetupError(`apt-get could not install ${wanted.join(', ')}. Install them by hand:\n  ${how}`);
  }
  if (wanted.includes('chromium') && !existsSync(CHROMIUM_PATH))
    throw new SetupError(`chromium was installed but ${CHROMIUM_PATH} does not exist.`);
}

export function node24Paths() {
  const pkgDir = join(NODE24_DIR, 'node_modules', 'node');
  return {
    bin: join(pkgDir, 'bin', 'node'),
    binDir: join(pkgDir, 'bin'),
    // The node package keeps the platform build (with its C headers) in a nested dependency.
    nodedir: join(pkgDir, 'node_modules', `node-${process.platform}-${process.arch}`),
  };
}

function installedNodeVersion(bin) {
  return existsSync(bin) ? capture(bin, ['--version']) : undefined;
}

function ensureNode24() {
  const { bin } = node24Paths();
  const have = installedNodeVersion(bin);
  if (have?.startsWith(`v${NODE_MAJOR}.`)) {
    log(`Node ${have} present`);
    return;
  }
  log(`installing Node ${NODE_MAJOR} from the npm registry into ${NODE24_DIR}`);
  mkdirSync(NODE24_DIR, { recursive: true });
  if (!existsSync(join(NODE24_DIR, 'package.json')))
    writeFileSync(join(NODE24_DIR, 'package.json'), '{ "private": true }\n');
  if (
    !run('npm', ['install', '--no-audit', '--no-fund', '--prefix', NODE24_DIR, `node@${NODE_MAJOR}`], {
      env: nestedNpmEnv(),
    })
  ) {
    throw new SetupError(
      `npm could not install node@${NODE_MAJOR}. Retry: npm install --prefix .cache/node24 node@${NODE_MAJOR}`,
    );
  }
  const now = installedNodeVersion(bin);
  if (!now?.startsWith(`v${NODE_MAJOR}.`))
    throw new SetupError(`after install, ${bin} reports ${now ?? 'nothing'}, expected v${NODE_MAJOR}.x`);
  log(`Node ${now} installed`);
}

export function codeServerPaths() {
  const pkgDir = join(CODE_SERVER_DIR, 'node_modules', 'code-server');
  return {
    pkgDir,
    entry: join(pkgDir, 'out', 'node', 'entry.js'),
    marker: join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`),
  };
}

function codeServerInstalled() {
  const { pkgDir, entry, marker } = codeServerPaths();
  if (!existsSync(marker) || !existsSync(entry)) return false;
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function ensureCodeServer() {
  if (codeServerInstalled()) {
    log(`code-server ${CODE_SERVER_VERSION} present`);
    return;
  }
  const node = node24Paths();
  if (!existsSync(join(node.nodedir, 'include', 'node')))
    throw new SetupError(`Node ${NODE_MAJOR} headers not found under ${node.nodedir}; delete .cache/node24 and rerun.`);
  log(
    `installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (builds native modules against Node ${NODE_MAJOR}; takes a few minutes)`,
  );
  const { marker } = codeServerPaths();
  rmSync(marker, { force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  if (!existsSync(join(CODE_SERVER_DIR, 'package.json')))
    writeFileSync(join(CODE_SERVER_DIR, 'package.json'), '{ "private": true }\n');
  // Node 24 first on PATH runs npm and every install script; native modules build against its headers.
  const env = nestedNpmEnv({
    PATH: `${node.binDir}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: node.nodedir,
    npm_config_engine_strict: 'false',
  });
  if (
    !run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefix', CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`],
      { env },
    )
  ) {
    throw new SetupError(
      `npm could not install code-server@${CODE_SERVER_VERSION}. Its native modules need these Debian packages: ${APT_BUILD_PACKAGES.join(', ')} (apt-get install -y ${APT_BUILD_PACKAGES.join(' ')}).`,
    );
  }
  if (!existsSync(codeServerPaths().entry))
    throw new SetupError(`code-server installed but ${codeServerPaths().entry} is missing.`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed`);
}

/** Makes sure everything is installed; returns where it is. Throws SetupError with advice. */
export function ensureIntegrationEnv() {
  ensureAptPackages(!codeServerInstalled());
  ensureNode24();
  ensureCodeServer();
  return { node24: node24Paths().bin, codeServerEntry: codeServerPaths().entry, chromium: CHROMIUM_PATH };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  try {
    const env = ensureIntegrationEnv();
    log(
      `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: node ${env.node24}, code-server ${env.codeServerEntry}, chromium ${env.chromium}`,
    );
  } catch (e) {
    console.error(`[setup-integration] ${e instanceof SetupError ? e.message : (e?.stack ?? e)}`);
    process.exit(1);
  }
}
