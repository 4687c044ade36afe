// `npm test`: installs the third-party servers the tests start when they are missing
// (scripts/setup-prometheus.mjs, scripts/setup-real-services.mjs), builds, type-checks, lints and
// checks formatting, then runs the test tiers from fastest to slowest, each timed:
//   unit          in-process, no child processes, no waiting on the wall clock (test/unit, *.test.ts)
//   process       starts processes (demo service, Prometheus, node and python targets, the CLI as a
//                 child) or waits real seconds (test/unit, *.process.test.ts)
//   real-services third-party servers and exporters (test/real)
//   integration   the suite inside a real VS Code (code-server driven by Chromium).
import { spawnSync } from 'node:child_process';

function step(name, cmd, args) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${secs} s ===`);
  return r.status === 0;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The real servers the tests start (Prometheus, node_exporter, a Python prometheus_client service,
// redis and its exporter) are Debian packages: installed here when missing, idempotent otherwise.
const setup = [
  step('set-up: Prometheus', process.execPath, ['scripts/setup-prometheus.mjs']),
  step('set-up: real services', process.execPath, ['scripts/setup-real-services.mjs']),
];
if (!setup.every(Boolean)) process.exit(1);
const results = [
  step('build', npm, ['run', '-s', 'build']),
  // Static checks: both TypeScript configurations, lint (which enforces the layer boundaries) and
  // the formatter. A failure here names the file and line; `npm run format` fixes formatting.
  step('type-check', npm, ['run', '-s', 'typecheck']),
  step('lint', npm, ['run', '-s', 'lint']),
  step('format check', npm, ['run', '-s', 'format:check']),
  step('unit tests', npm, ['run', '-s', 'test:unit']),
  step('process tests', npm, ['run', '-s', 'test:process']),
  step('real-services tests', npm, ['run', '-s', 'test:real']),
  step('integration tests (real VS Code)', npm, ['run', '-s', 'test:integration']),
];
process.exit(results.every(Boolean) ? 0 : 1);
