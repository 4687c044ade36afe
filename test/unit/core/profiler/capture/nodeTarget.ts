import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

/** A small Node program that keeps one function busy, for live-capture tests. */
export const BUSY_SCRIPT = [
  'function busyWork() {',
  '  let x = 0;',
  '  for (let i = 0; i < 2e5; i++) x += Math.sqrt(i);',
  '  return x;',
  '}',
  'setInterval(() => { for (let k = 0; k < 5; k++) busyWork(); }, 5);',
  'process.stdin.on("end", () => process.exit(0));',
  'process.stdin.resume();',
  'console.log("ready");',
].join('\n');

export interface NodeTarget {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node [flags] -e script` (BUSY_SCRIPT by default); resolves once it prints "ready". Always stop() it in after/afterEach. */
export async function startNodeTarget(flags: string[], script = BUSY_SCRIPT): Promise<NodeTarget> {
  const child = spawn(process.execPath, [...flags, '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`node target exited early (${code})`)));
  });
  child.stderr!.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
