// Installs Debian's `prometheus` package when its binary is missing, so the Prometheus-backed tests
// (test/unit/core/prometheus) have a real server to start. Idempotent: does nothing when the binary
// is already there. PerfLens never uses the package's system service: the tests start their own
// `prometheus` process on a free loopback port with a temporary config and data directory.
import { spawnSync } from 'node:child_process';

const env = process.env;

function findBinary() {
  const explicit = env.PERFLENS_PROMETHEUS_BIN;
  if (explicit) return spawnSync(explicit, ['--version'], { encoding: 'utf8' }).status === 0 ? explicit : undefined;
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'prometheus' : undefined;
}

function versionLine(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim()) ?? '(version unknown)';
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(argv) {
  console.log(`setup-prometheus: ${argv.join(' ')}`);
  return (
    spawnSync(argv[0], argv.slice(1), {
      stdio: 'inherit',
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0
  );
}

function done(code, message) {
  (code === 0 ? console.log : console.error)(`setup-prometheus: ${message}`);
  process.exit(code);
}

if (env.PERFLENS_PROMETHEUS_BIN && !findBinary()) {
  done(
    1,
    `PERFLENS_PROMETHEUS_BIN=${env.PERFLENS_PROMETHEUS_BIN} does not run (\`--version\` failed). Point it at a Prometheus 2.x binary, or unset it to use Debian's package.`,
  );
}

const existing = findBinary();
if (existing) done(0, `Prometheus is already installed: ${versionLine(existing)}`);

if (!has('apt-get')) {
  done(
    1,
    'the prometheus binary is missing and this is not a Debian-like system (no apt-get). ' +
      'Install Prometheus 2.x so `prometheus` is on PATH (or set PERFLENS_PROMETHEUS_BIN to its path).',
  );
}

// Root installs directly; otherwise sudo, but only when it works without a password prompt.
let prefix = [];
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  if (has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n', '-E'];
  else
    done(
      1,
      'the prometheus binary is missing and installing it needs root. Run as root: ' +
        '`apt-get install -y --no-install-recommends prometheus`.',
    );
}

const install = [...prefix, 'apt-get', 'install', '-y', '--no-install-recommends', 'prometheus'];
// A fresh CI image often has no package lists yet: update once and retry.
if (!run(install) && !(run([...prefix, 'apt-get', 'update']) && run(install))) {
  done(1, 'apt-get could not install the prometheus package (see its output above).');
}
const installed = findBinary();
if (!installed) done(1, 'the prometheus package installed but no `prometheus` binary is on PATH.');
done(0, `installed ${versionLine(installed)}`);
