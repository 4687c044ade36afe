// `npm run test:integration`: runs the integration suite inside a real VS Code (code-server's
// workbench and Node extension host), driven offline through Playwright in Debian's Chromium.
//
//   1. installs what is missing (scripts/setup-integration.mjs), builds the extension, bundles the suite;
//   2. starts the demo service and code-server (fresh profile, temp workspace, loopback, free port);
//   3. opens the workbench with the extension-development payload; the suite's console output comes
//      back through codeAutomationLog, its verdict through codeAutomationExit;
//   4. answers the suite's DOM checks (PERFLENS_CHECK lines, see suite/driver.ts): reads the page or a
//      webview frame, screenshots into test-results/, writes what it saw back for the suite to assert;
//   5. always stops the browser, code-server and the demo service; exits 1 if anything failed.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureIntegrationEnv } from '../../scripts/setup-integration.mjs';
import { CHROMIUM_ARGS, startCodeServer, workbenchUrl, writeUserSettings } from './codeServer.mjs';
import { buildExtension, bundleSuite, ROOT, startDemo } from './prepare.mjs';
import { startPrometheusFleet } from './prometheusFleet.mjs';
import { startPostgresCluster } from './postgresCluster.mjs';

const RESULTS_DIR = join(ROOT, 'test-results');
// A budget for each pass, not a measurement: the trusted pass takes about five minutes on a loaded
// two-core machine, so it gets three times that before the run counts as hung.
const SUITE_TIMEOUT_MS = Number(process.env.PERFLENS_IT_TIMEOUT_MS ?? 900_000);
const CHECK_MARKER = 'PERFLENS_CHECK ';
const RESULT_MARKER = 'PERFLENS_RESULT ';
// Expected while offline: the workbench cannot reach the extension gallery or GitHub.
const OFFLINE_NOISE =
  /getaddrinfo ENOTFOUND|ERR_NAME_NOT_RESOLVED|open-vsx\.org|github-authentication|authentication provider 'github'/;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`[integration] ${msg}`);

/** Reads the DOM for one check, polling until the wanted text shows or the check times out. */
async function answerCheck(page, check, failures) {
  const deadline = Date.now() + check.timeoutMs;
  let seen = { found: false, text: '' };
  for (;;) {
    try {
      seen =
        check.scope === 'webview'
          ? await readWebview(page, check.selector)
          : await readElement(page.mainFrame(), check.selector);
    } catch (e) {
      seen = { found: false, text: '', error: String(e?.message ?? e) };
    }
    if (seen.found && (!check.waitForText || seen.text.includes(check.waitForText))) break;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const screenshot = join(RESULTS_DIR, `${check.name.replace(/[^\w.-]/g, '_')}.png`);
  try {
    await page.screenshot({ path: screenshot });
    seen.screenshot = screenshot;
  } catch (e) {
    failures.push(`screenshot for ${check.name} failed: ${e?.message ?? e}`);
  }
  say(
    `DOM check "${check.name}": ${seen.found ? `"${seen.text.slice(0, 160)}"` : `not found${seen.error ? ` (${seen.error})` : ''}`} → ${seen.screenshot ?? 'no screenshot'}`,
  );
  return seen;
}

async function readElement(frame, selector) {
  return frame.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { found: false, text: '' };
    const details = { ...el.dataset };
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    if (csp) details.csp = csp.getAttribute('content') ?? '';
    details.reachableEndpoints = String(el.querySelectorAll('[data-reachable="true"]').length);
    // innerText: what is rendered (style elements and hidden parts excluded).
    return { found: true, text: (el.innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(), details };
  }, selector);
}

/** Webview content sits in nested iframes of the page; the first frame holding the selector wins. */
async function readWebview(page, selector) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const seen = await readElement(frame, selector).catch(() => undefined);
    if (seen?.found) return seen;
  }
  return { found: false, text: '', error: `no frame among ${page.frames().length} holds ${selector}` };
}

/**
 * The passes of one run: the main suite in a trusted workspace, then the untrusted-workspace suite
 * (workspace trust on, a workspace whose settings name a target), each in a fresh code-server.
 */
const PASSES = [
  { name: 'trusted', suite: 'trusted', trust: true },
  { name: 'untrusted', suite: 'untrusted', trust: false },
];

async function main() {
  const env = ensureIntegrationEnv();
  say(`set-up ready (${elapsed()})`);
  buildExtension();
  mkdirSync(RESULTS_DIR, { recursive: true });

  const cleanups = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => say(`cleanup: ${e?.message ?? e}`));
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      say(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const failures = [];
  const totals = { passes: 0, failures: 0, pending: 0 };
  try {
    const demo = await startDemo();
    cleanups.push(() => demo.stop());
    say(`demo service at ${demo.url} (${elapsed()})`);
    // Prometheus and its two demo instances serve the trusted pass's Prometheus suite. Without the
    // binary the run fails with the reason, after the other suites have run.
    let fleetEnv = {};
    try {
      const fleet = await startPrometheusFleet();
      cleanups.push(() => fleet.stop());
      fleetEnv = fleet.env;
      say(`prometheus at ${fleet.url} scraping ${fleet.env.PERFLENS_IT_PROMETHEUS_INSTANCES} (${elapsed()})`);
    } catch (e) {
      failures.push(e?.message ?? String(e));
    }
    // A PostgreSQL cluster serves the trusted pass's PostgreSQL suite. When it cannot start, that
    // suite fails with the reason (handed over in PERFLENS_IT_PG_ERROR); it is never skipped.
    let pgEnv = {};
    try {
      const pg = await startPostgresCluster();
      cleanups.push(() => pg.stop());
      pgEnv = pg.env;
      say(`postgresql at ${pg.url} (${elapsed()})`);
    } catch (e) {
      pgEnv = { PERFLENS_IT_PG_ERROR: e?.message ?? String(e) };
    }
    for (const pass of PASSES) {
      const r = await runPass(env, pass, demo, pass.trust ? { ...fleetEnv, ...pgEnv } : {});
      failures.push(...r.failures.map((f) => `[${pass.name}] ${f}`));
      if (r.result) for (const k of Object.keys(totals)) totals[k] += r.result[k] ?? 0;
    }
  } catch (e) {
    failures.push(e?.stack ?? String(e));
  } finally {
    await cleanup();
  }

  for (const f of failures) console.error(`[integration] FAILED: ${f}`);
  const pending = totals.pending ? `, ${totals.pending} pending` : '';
  console.log(`[integration] finished in ${elapsed()}; see test-results/ for screenshots and code-server.log`);
  console.log(`${totals.passes} passed, ${totals.failures} failed${pending}`);
  process.exit(failures.length === 0 ? 0 : 1);
}

async function runPass(env, pass, demo, extraEnv) {
  const work = mkdtempSync(join(tmpdir(), 'perflens-it-'));
  const suite = await bundleSuite(work);
  say(`[${pass.name}] suite bundled (${elapsed()})`);

  const checkDir = join(work, 'checks');
  const workspace = join(work, 'workspace');
  mkdirSync(checkDir, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# PerfLens integration workspace\n');
  const userDataDir = join(work, 'user-data');
  if (pass.trust) {
    writeUserSettings(userDataDir);
  } else {
    writeUserSettings(userDataDir, {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
    });
    // What an untrusted repository could ship: settings that point PerfLens at a target.
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'perflens.autoAttach': demo.url, 'perflens.metricsPath': '/not-metrics' }, null, 2),
    );
  }

  const cleanups = [];
  const failures = [];
  let result;
  let exitCode;
  try {
    const server = await startCodeServer({
      node: env.node24,
      entry: env.codeServerEntry,
      userDataDir,
      extensionsDir: join(work, 'extensions'),
      workspace,
      trustWorkspace: pass.trust,
      env: {
        PERFLENS_IT_CHECK_DIR: checkDir,
        PERFLENS_IT_DEMO_URL: demo.url,
        PERFLENS_IT_SUITE: pass.suite,
        ...extraEnv,
      },
      logFile: join(RESULTS_DIR, pass.trust ? 'code-server.log' : `code-server-${pass.name}.log`),
    });
    cleanups.push(() => server.stop());
    say(`[${pass.name}] code-server at ${server.baseUrl} (${elapsed()})`);

    const browser = await chromium.launch({ executablePath: env.chromium, args: CHROMIUM_ARGS, headless: true });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    let checks = Promise.resolve();
    let resolveExit;
    const exit = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args])
        .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
        .join(' ');
      // Only the workbench's own errors are filtered; the suite's output (info level) always shows.
      if (type !== 'info' && OFFLINE_NOISE.test(text)) return;
      for (const line of text.split('\n')) {
        if (line.startsWith(CHECK_MARKER)) {
          const check = JSON.parse(line.slice(CHECK_MARKER.length));
          // Checks are answered one at a time, in the order the suite asked.
          checks = checks.then(async () => {
            const seen = await answerCheck(page, check, failures);
            const file = join(checkDir, `${check.id}.json`);
            writeFileSync(`${file}.tmp`, JSON.stringify(seen));
            renameSync(`${file}.tmp`, file);
          });
        } else if (line.startsWith(RESULT_MARKER)) {
          result = JSON.parse(line.slice(RESULT_MARKER.length));
        } else {
          console.log(`  ${type === 'error' ? '[suite:error] ' : ''}${line}`);
        }
      }
    });
    page.on('pageerror', (e) => say(`page error: ${e.message}`));
    // PERFLENS_IT_DEBUG=1 also shows the workbench's own console (noisy, useful when it hangs).
    if (process.env.PERFLENS_IT_DEBUG === '1')
      page.on('console', (m) => say(`page console ${m.type()}: ${m.text().slice(0, 500)}`));

    await page.goto(workbenchUrl({ port: server.port, workspace, extensionPath: ROOT, testsPath: suite }), {
      waitUntil: 'domcontentloaded',
      timeout: 60_000,
    });
    say(`[${pass.name}] workbench opened, suite running (${elapsed()})`);
    let timer;
    exitCode = await Promise.race([
      exit,
      new Promise((r) => (timer = setTimeout(() => r('timeout'), SUITE_TIMEOUT_MS))),
      server.exited.then(({ code, signal }) => `code-server exited (code ${code}, signal ${signal})`),
    ]);
    clearTimeout(timer);
    await checks;
    if (exitCode === 'timeout') {
      failures.push(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
      await page.screenshot({ path: join(RESULTS_DIR, `timeout-${pass.name}.png`) }).catch(() => undefined);
    } else if (typeof exitCode === 'string') {
      failures.push(exitCode);
    }
  } catch (e) {
    failures.push(e?.stack ?? String(e));
  } finally {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => say(`cleanup: ${e?.message ?? e}`));
    rmSync(work, { recursive: true, force: true });
  }
  if (exitCode !== 0 && typeof exitCode === 'number')
    failures.push(`the suite reported failure (exit code ${exitCode})`);
  if (!result) failures.push('the suite reported no result');
  return { failures, result };
}

await main();
