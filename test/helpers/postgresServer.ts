/**
 * A throwaway PostgreSQL 15 cluster for tests and the demo: initdb in a temporary directory (run
 * as an unprivileged user, since initdb and postgres refuse root), listening on 127.0.0.1 on a free
 * port only, its socket in the same directory, preloaded with pg_stat_statements. The system
 * service of Debian's package is never used. Installed by scripts/setup-real-services.mjs.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './prometheusServer';
import { isPgSeeded, writePgSeed } from '../../examples/demo-service/src/pgSeed';

export const PG_BIN = process.env.PERFLENS_PG_BIN || '/usr/lib/postgresql/15/bin';
const SETUP =
  'Run `node scripts/setup-real-services.mjs` (as root; it installs postgresql, postgresql-contrib and postgresql-15-hypopg), or point PERFLENS_PG_BIN at a PostgreSQL 15 bin folder.';

export interface PostgresServer {
  port: number;
  dir: string;
  /** The superuser's URL (password authentication over TCP on 127.0.0.1). */
  url: string;
  user: string;
  password: string;
  database: string;
  /** A client with write access, for seeding and for playing the service. */
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Create the demo's tables and 100k entities, and the pg_stat_statements and hypopg extensions. */
  seedDemo?: boolean;
  /** Create the hypopg extension (default true with seedDemo). */
  hypopg?: boolean;
}

/** Fails with what to install when the server binaries or the extensions are missing. */
export function requirePostgres(): void {
  const r = spawnSync(path.join(PG_BIN, 'postgres'), ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`PostgreSQL 15 is not installed at ${PG_BIN}. ${SETUP}`);
  for (const ext of ['pg_stat_statements', 'hypopg'])
    if (!fs.existsSync(`/usr/share/postgresql/15/extension/${ext}.control`))
      throw new Error(`The PostgreSQL extension ${ext} is not installed. ${SETUP}`);
}

/** The user the cluster runs as: the current one, or `nobody` when we are root. */
function runAs(): string | undefined {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? 'nobody' : undefined;
}

function asUser(bin: string, args: string[]): [string, string[]] {
  const user = runAs();
  return user ? ['runuser', ['-u', user, '--', bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[], what: string): void {
  const [cmd, argv] = asUser(bin, args);
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`${what} failed: ${r.error?.message ?? ''}${r.stderr ?? ''}${r.stdout ?? ''}`);
}

export async function startPostgres(opts: PostgresServerOptions = {}): Promise<PostgresServer> {
  requirePostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-pg-'));
  const user = runAs();
  if (user)
    fs.chownSync(
      dir,
      Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim()),
      Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim()),
    );
  const data = path.join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, password + '\n');
  if (user) fs.chownSync(pwfile, fs.statSync(dir).uid, fs.statSync(dir).gid);
  run(
    path.join(PG_BIN, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
    ],
    'initdb',
  );
  const port = await freePort();
  const [cmd, argv] = asUser(path.join(PG_BIN, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'shared_preload_libraries=pg_stat_statements',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=40',
  ]);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const connect = async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    return c;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT is PostgreSQL's fast shutdown.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`postgres exited with code ${child.exitCode}: ${stderr}`);
    }
    try {
      const c = await connect();
      await c.end();
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not accept connections within 90 s: ${(e as Error).message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const server: PostgresServer = { port, dir, url, user: 'postgres', password, database: 'postgres', connect, stop };
  if (opts.seedDemo) {
    const c = await connect();
    try {
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      if (opts.hypopg ?? true) await c.query('CREATE EXTENSION IF NOT EXISTS hypopg');
      if (!(await isPgSeeded(c))) await writePgSeed(c);
    } catch (e) {
      await c.end();
      await stop();
      throw e;
    }
    await c.end();
  }
  return server;
}
