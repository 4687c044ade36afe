// Entry of the integration suite, loaded by VS Code's extension host (extensionTestsPath).
// Mocha is bundled in; test files register on the bdd globals before the run starts.
import { format } from 'node:util';
import Mocha from 'mocha';
import { reportResult } from './driver';

export async function run(): Promise<void> {
  // The workbench forwards console arguments unformatted; format mocha's lines here so the
  // launcher prints them as a terminal would.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  // PERFLENS_IT_GREP runs only the tests whose titles match (a quicker loop while working on one area).
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 60_000,
    // A skipped test fails the run: a missing browser, binary or service is a failure that says
    // what to install, never a quiet skip.
    forbidPending: true,
    ...(process.env.PERFLENS_IT_GREP ? { grep: process.env.PERFLENS_IT_GREP } : {}),
  });
  mocha.suite.emit('pre-require', globalThis, 'perflens-integration', mocha);
  // The launcher's untrusted pass (PERFLENS_IT_SUITE=untrusted) opens a workspace that is not trusted.
  if (process.env.PERFLENS_IT_SUITE === 'untrusted') {
    await import('./trust.test');
    await import('./profileUntrusted.test');
    await import('./aiToolsUntrusted.test');
  } else {
    await import('./extension.test');
    await import('./live.test');
    await import('./dashboard.test');
    await import('./alerts.test');
    await import('./profile.test');
    await import('./heap.test');
    await import('./queries.test');
    await import('./postgres.test');
    await import('./responsive.test');
    await import('./benchmark.test');
    await import('./prometheus.test');
    await import('./aiTools.test');
    await import('./traces.test');
    await import('./tracesLocation.test');
    await import('./otlpMetrics.test');
  }
  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((resolve) => {
    const runner = mocha.run(() =>
      resolve({
        passes: runner.stats?.passes ?? 0,
        failures: runner.stats?.failures ?? 0,
        pending: runner.stats?.pending ?? 0,
      }),
    );
  });
  reportResult(stats);
  if (stats.failures > 0) throw new Error(`integration tests failed: ${stats.failures}`);
  if (stats.passes === 0) throw new Error('no integration test ran');
}
