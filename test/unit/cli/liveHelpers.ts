/** Shared by the analyze/check CLI tests: a capturing CliIO and a closed-loop HTTP load. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CliIO } from '../../../src/cli/io';
import { httpRequest } from '../../../src/core/util/http';

export type CapturingIO = CliIO & { stdout: string; stderr: string };

/** Every CLI test's output passes through here: none may ever tell a user "unexpected error". */
function refuseUnexplained(t: string): void {
  assert.doesNotMatch(t, /unexpected\s+error/i, `The CLI printed an unexplained failure: ${t}`);
}

export function capture(env: Record<string, string | undefined> = {}): CapturingIO {
  const io: CapturingIO = {
    stdout: '',
    stderr: '',
    isTTY: false,
    env,
    cwd: process.cwd(),
    out(t: string) {
      refuseUnexplained(t);
      io.stdout += t.endsWith('\n') ? t : t + '\n';
    },
    err(t: string) {
      refuseUnexplained(t);
      io.stderr += t.endsWith('\n') ? t : t + '\n';
    },
  };
  return io;
}

/** `concurrency` clients requesting `url` back to back until stop() (which waits for them). */
export function startLoad(url: string, concurrency: number): { stop(): Promise<void> } {
  let running = true;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) await httpRequest(url, { timeoutMs: 10_000 });
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** A webhook receiver on 127.0.0.1:0 that records Slack payload texts and lets a test await one. */
export class WebhookReceiver {
  readonly texts: string[] = [];
  private server?: http.Server;
  private waiters: { prefix: string; resolve: () => void }[] = [];

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        const text = (JSON.parse(data) as { text: string }).text;
        this.texts.push(text);
        res.end('ok');
        this.waiters = this.waiters.filter((w) => (text.startsWith(w.prefix) ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves when a payload whose text starts with `prefix` has arrived (now or later). */
  waitFor(prefix: string): Promise<void> {
    if (this.texts.some((t) => t.startsWith(prefix))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ prefix, resolve }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Runs the real CLI (a child process, so a real SIGINT reaches it), waits until it announces its
 * window ("Ctrl-C to stop early") and then for `interruptWhen` (an event the test awaits, if any),
 * presses Ctrl-C, and returns how it ended.
 */
export async function runCliAndInterrupt(
  argv: string[],
  opts: { env?: Record<string, string>; interruptWhen?: () => Promise<void> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), ...argv], {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('Ctrl-C to stop early')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited before watching: ${stderr}`)));
    });
    if (opts.interruptWhen) {
      const ended = exited.then((code) => {
        throw new Error(`exited (${code}) before the awaited event: ${stderr}`);
      });
      await Promise.race([opts.interruptWhen(), ended]);
      ended.catch(() => undefined);
    }
    child.kill('SIGINT');
    const code = await exited;
    return { code, stdout, stderr };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
