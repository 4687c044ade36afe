// Installs the Debian packages the real-services tests (test/real) start, when any is missing:
// prometheus-node-exporter, python3 with python3-prometheus-client, redis-server,
// prometheus-redis-exporter, and PostgreSQL 15 with contrib (pg_stat_statements) and HypoPG
// (Prometheus itself comes from scripts/setup-prometheus.mjs).
// Idempotent: does nothing when everything is there. The tests never use the packages' system
// services (which apt may start on their default ports): they start their own processes on free
// loopback ports, with temporary directories.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = process.env;
/** Debian's PostgreSQL 15 layout (the tests' helper looks in the same place). */
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_SHARE = '/usr/share/postgresql/15';

/** Each check, and the Debian packages that satisfy it. */
const NEEDS = [
  {
    what: 'prometheus-node-exporter',
    packages: ['prometheus-node-exporter'],
    ok: () => runs('prometheus-node-exporter', ['--version']),
  },
  {
    what: 'python3 with prometheus_client',
    packages: ['python3', 'python3-prometheus-client'],
    ok: () => runs('/usr/bin/python3', ['-c', 'import prometheus_client']),
  },
  { what: 'redis-server', packages: ['redis-server'], ok: () => runs('redis-server', ['--version']) },
  {
    what: 'prometheus-redis-exporter',
    packages: ['prometheus-redis-exporter'],
    ok: () => runs('prometheus-redis-exporter', ['--version']),
  },
  {
    what: 'PostgreSQL 15 server',
    packages: ['postgresql', 'postgresql-15'],
    ok: () => runs(`${PG_BIN}/postgres`, ['--version']) && runs(`${PG_BIN}/initdb`, ['--version']),
  },
  {
    what: 'pg_stat_statements (postgresql-contrib)',
    packages: ['postgresql-contrib'],
    ok: () => existsSync(`${PG_SHARE}/extension/pg_stat_statements.control`),
  },
  {
    what: 'HypoPG',
    packages: ['postgresql-15-hypopg'],
    ok: () => existsSync(`${PG_SHARE}/extension/hypopg.control`),
  },
];

function runs(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(argv) {
  console.log(`setup-real-services: ${argv.join(' ')}`);
  return (
    spawnSync(argv[0], argv.slice(1), {
      stdio: 'inherit',
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0
  );
}

function done(code, message) {
  (code === 0 ? console.log : console.error)(`setup-real-services: ${message}`);
  process.exit(code);
}

const missing = NEEDS.filter((n) => !n.ok());
if (missing.length === 0) done(0, `already installed: ${NEEDS.map((n) => n.what).join(', ')}.`);

const packages = [...new Set(missing.flatMap((n) => n.packages))];
const manual = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
if (!has('apt-get')) {
  done(
    1,
    `missing ${missing.map((n) => n.what).join(', ')}, and this is not a Debian-like system (no apt-get). ` +
      `Install them so they are on PATH (and /usr/bin/python3 can import prometheus_client); the real-services tests fail without them.`,
  );
}

// Root installs directly; otherwise sudo, but only when it works without a password prompt.
let prefix = [];
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  if (has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) prefix = ['sudo', '-n', '-E'];
  else
    done(1, `missing ${missing.map((n) => n.what).join(', ')}, and installing needs root. Run as root: \`${manual}\`.`);
}

const install = [...prefix, 'apt-get', 'install', '-y', '--no-install-recommends', ...packages];
// A fresh CI image often has no package lists yet: update once and retry.
if (!run(install) && !(run([...prefix, 'apt-get', 'update']) && run(install))) {
  done(1, `apt-get could not install ${packages.join(' ')} (see its output above).`);
}
const still = NEEDS.filter((n) => !n.ok());
if (still.length)
  done(1, `installed ${packages.join(' ')}, but ${still.map((n) => n.what).join(', ')} still does not run.`);
done(0, `installed ${packages.join(' ')}.`);
