import * as inspector from 'node:inspector';
import { DemoApp } from './app';
import { ConfigError, USAGE, parseConfig } from './config';
import { ensureSeeded } from './db';
import { openPgClients } from './demoDb';
import { isPgSeeded, writePgSeed } from './pgSeed';
import { TrafficDriver, trafficHost } from './traffic';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const config = parseConfig(argv, process.env, __dirname);
  // Normally the launcher starts node with --inspect; started directly, open the inspector here.
  if (config.inspect && !inspector.url()) {
    const m = /^(?:(.*):)?(\d+)$/.exec(config.inspect);
    if (!m) throw new ConfigError(`--inspect ${config.inspect} is not [host:]port.`);
    inspector.open(Number(m[2]), m[1] || '127.0.0.1');
  }
  let seeded = false;
  let app: DemoApp;
  if (config.pgUrl) {
    const [seeder] = await openPgClients(config.pgUrl, 1);
    try {
      if (!(await isPgSeeded(seeder!))) {
        await writePgSeed(seeder!);
        seeded = true;
      }
    } finally {
      await seeder!.end();
    }
    app = new DemoApp(config, await openPgClients(config.pgUrl, config.poolSize));
  } else {
    seeded = ensureSeeded(config.dbPath).seeded;
    app = new DemoApp(config);
  }
  const port = await app.listen();
  // The first stdout line is the contract with launchers and tests: they wait for it.
  process.stdout.write(`listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}\n`);
  if (seeded) process.stdout.write(`seeded ${config.pgUrl ? 'the PostgreSQL database' : config.dbPath}\n`);
  const traffic = config.traffic ? new TrafficDriver(trafficHost(config.host), port) : undefined;
  if (traffic) {
    traffic.start();
    process.stdout.write('sending itself 1–5 requests/s so the charts move (--traffic=false turns this off)\n');
  }

  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`stopping (${why})\n`);
    traffic?.stop();
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (config.exitOnStdinClose) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('close', () => stop('stdin closed'));
    process.stdin.resume();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(
    `demo-service: ${e instanceof ConfigError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(e instanceof ConfigError ? 2 : 1);
});
