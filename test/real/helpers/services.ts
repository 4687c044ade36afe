/**
 * Starts real third-party services for the real-services tier, each as its own process on free
 * loopback ports (never the system services Debian's packages install), and stops them.
 * A missing binary fails the test with what to install: nothing here is skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../helpers/prometheusServer';
import { stopChild } from '../../helpers/childProcess';

export { freePort };

const SETUP_SCRIPT = 'scripts/setup-real-services.mjs';
const SETUP = `Run \`node ${SETUP_SCRIPT}\` (as root; it installs the Debian packages the real-services tests use)`;

/**
 * The path of a binary from a Debian package, or an Error saying what to install (with the
 * project script that installs it: setup-real-services.mjs unless another is named).
 */
export function requireBinary(bin: string, debianPackage: string, setupScript = SETUP_SCRIPT): string {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${bin} is not installed, so the real-services tests cannot run. Run \`node ${setupScript}\` (as root; it installs Debian's ${debianPackage} package), or \`apt-get install ${debianPackage}\`.`,
    );
  }
  return bin;
}

/** Debian's Python with Debian's prometheus_client (not whatever python3 comes first on PATH). */
export function requirePythonClient(): string {
  const python = '/usr/bin/python3';
  const r = spawnSync(python, ['-c', 'import prometheus_client'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${python} cannot import prometheus_client, so the Python service cannot run. ${SETUP}, or \`apt-get install python3 python3-prometheus-client\`.`,
    );
  }
  return python;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  stop(): Promise<void>;
}

/** True once something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Spawns `bin args` and waits until every port in `ports` accepts connections (or the process
 * exits, which fails with its stderr). Generous deadline: a loaded machine starts slowly.
 */
export async function startService(
  name: string,
  bin: string,
  args: string[],
  ports: number[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const stop = (): Promise<void> => stopChild(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${name} (${bin} ${args.join(' ')}) exited with ${child.exitCode ?? child.signalCode} before listening: ${stderr.trim()}`,
      );
    const up = await Promise.all(ports.map(listening));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not listen on ${ports.join(', ')} within 60 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, pid: child.pid!, stop };
}

/** GET over loopback, timed from the client's side (an upper bound of the server's own time). */
export async function timedGet(url: string): Promise<{ status: number; body: string; seconds: number }> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  return { status: res.status, body, seconds: (performance.now() - started) / 1000 };
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
