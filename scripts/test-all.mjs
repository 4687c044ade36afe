// `npm test`: build, then the unit tier (plain Node), the real-services tier (third-party services
// started by the tests; scripts/setup-real-services.mjs installs them), then the integration tier
// (real VS Code).
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
const results = [
  step('build', npm, ['run', '-s', 'build']),
  step('unit tests', npm, ['run', '-s', 'test:unit']),
  step('real-services tests', npm, ['run', '-s', 'test:real']),
  step('integration tests (real VS Code)', npm, ['run', '-s', 'test:integration']),
];
process.exit(results.every(Boolean) ? 0 : 1);
