// `npm run test:electron`: the same integration suite, in desktop VS Code downloaded by
// @vscode/test-electron (for machines that can reach VS Code's download servers; CI here uses
// run-code-server.mjs). Tests that read the workbench page (DOM checks) need the browser page that
// only run-code-server.mjs drives: here they fail and say so, so this launcher suits a quick look at
// the editor-API tests, and `npm test` never uses it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildExtension, bundleSuite, ROOT, startDemo } from './prepare.mjs';
import { startPrometheusFleet } from './prometheusFleet.mjs';

const VSCODE_VERSION = process.env.PERFLENS_VSCODE_VERSION ?? 'stable';

async function main() {
  buildExtension();
  const work = mkdtempSync(join(tmpdir(), 'perflens-electron-'));
  const suite = await bundleSuite(work);
  const workspace = join(work, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'README.md'), '# PerfLens integration workspace\n');
  const demo = await startDemo();
  let fleet;
  try {
    fleet = await startPrometheusFleet();
    await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: { PERFLENS_IT_DEMO_URL: demo.url, ...fleet.env },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        join(work, 'user-data'),
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
    console.log('[electron] integration suite passed');
    return 0;
  } catch (e) {
    console.error(`[electron] integration suite failed: ${e?.message ?? e}`);
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|download/i.test(String(e?.message ?? e))) {
      console.error(
        '[electron] desktop VS Code could not be downloaded from here; `npm run test:integration` runs the same suite offline in code-server.',
      );
    }
    return 1;
  } finally {
    await fleet?.stop();
    await demo.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exit(await main());
