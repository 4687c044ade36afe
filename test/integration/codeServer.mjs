// Starting and stopping code-server (VS Code's workbench and Node extension host, served to a
// browser) for the integration launcher and `npm run demo`. See docs in TESTING-IN-VSCODE.md.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 5_000;

/** User settings that keep a throwaway profile quiet and offline. */
const QUIET_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'github.gitAuthentication': false,
  'git.enabled': false,
  // Tests edit documents (the demo's sources among them) and revert them; auto-save would write an
  // edit to disk before the revert and leave the repository changed.
  'files.autoSave': 'off',
};

export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_USER_SETTINGS, ...extra }, null, 2),
  );
}

/**
 * Starts code-server on 127.0.0.1 (port 0: one the OS picks), and resolves once it listens.
 * The server runs in its own process group so stop() can end it with every child it forked.
 */
export function startCodeServer({
  node,
  entry,
  userDataDir,
  extensionsDir,
  workspace,
  env = {},
  logFile,
  port = 0,
  smokeTestDriver = true,
  trustWorkspace = true,
}) {
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    join(userDataDir, 'code-server.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (trustWorkspace) args.push('--disable-workspace-trust');
  // Built VS Code honours the extension-development payload only with the smoke-test driver on.
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);
  writeFileSync(join(userDataDir, 'code-server.yaml'), 'auth: none\ncert: false\n');
  const child = spawn(node, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = logFile ? createWriteStream(logFile) : undefined;
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`code-server did not start listening within ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`),
        ),
      START_TIMEOUT_MS,
    );
    const onData = (chunk) => {
      log?.write(chunk);
      if (output.length < 200_000) output += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ baseUrl: m[1], port: Number(m[2]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`code-server exited before listening (code ${code}, signal ${signal}):\n${output.slice(-3000)}`),
      );
    });
  });

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      // Children of the extension host may outlive the server process itself.
      killGroup(child.pid, 'SIGKILL');
      await new Promise((r) => (log ? log.end(r) : r()));
    })();
    return stopping;
  };
  return ready.then(
    (where) => ({ ...where, pid: child.pid, exited, stop }),
    async (e) => {
      await stop();
      throw e;
    },
  );
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * The workbench URL that opens `workspace` with the extension under development and, when
 * `testsPath` is given, runs that suite in the extension host.
 */
export function workbenchUrl({ port, workspace, extensionPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  payload.push(['skipWelcome', 'true']);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Chromium flags for a headless, offline, sandbox-free run (as root in CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
