/**
 * For the profile, queries and benchmark suites: a demo service of our own with its inspector on
 * a free port (--inspect=127.0.0.1:0, so parallel runs never fight over 9229), CPU load on its hot
 * route, the demo's source paths, and crafted profile files.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { httpRequest } from '../../../src/core/util/http';
import { EXTENSION_ID } from '../../../src/extension/constants';
import { cpuProfile, v8Node, v8SyntheticNode } from '../../helpers/builders';

export function extensionRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.extensionPath;
}

export const demoDir = () => path.join(extensionRoot(), 'examples', 'demo-service');
export const hotSource = () => path.join(demoDir(), 'src', 'hot.ts');
export const leakSource = () => path.join(demoDir(), 'src', 'leak.ts');
export const appSource = () => path.join(demoDir(), 'src', 'app.ts');
export const demoDatabase = () => path.join(demoDir(), 'data', 'graphrag.db');

/** 0-based line of the first line of `file` containing `text`. */
export function lineOf(file: string, text: string): number {
  const i = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not found in ${file}`);
  return i;
}

export interface InspectableDemo {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts examples/demo-service/dist/server.js (built by the launcher) with the system Node (its
 * native SQLite module is built for that runtime, not the editor's) and an inspector on a free port.
 */
export async function startInspectableDemo(extraArgs: string[] = []): Promise<InspectableDemo> {
  const server = path.join(demoDir(), 'dist', 'server.js');
  const env = { ...process.env };
  for (const k of ['NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE', 'VSCODE_IPC_HOOK_CLI']) delete env[k];
  // --no-opt: once TurboFan optimises the handler (inlining computeCentrality, or replacing its loop
  // on the stack), V8 can book the loop's samples on the caller, so which of the two tops the profile
  // would depend on the JIT and the machine's load. Unoptimised code keeps every frame.
  const child: ChildProcess = spawn(
    process.env.PERFLENS_IT_SYSTEM_NODE ?? 'node',
    [
      '--inspect=127.0.0.1:0',
      '--no-opt',
      server,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--exit-on-stdin-close',
      '--traffic=false',
      ...extraArgs,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], env },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}): ${err}`));
    });
  });
  child.stdout!.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Keeps `parallel` requests to the CPU-hot centrality route in flight until stopped. */
export function loadHotRoute(baseUrl: string, parallel = 2): { stop(): Promise<void> } {
  let running = true;
  const loops = Array.from({ length: parallel }, async () => {
    while (running)
      await httpRequest(`${baseUrl}/api/graph/centrality?workspace_id=1&iterations=300`, { timeoutMs: 10_000 });
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** A tiny V8 .cpuprofile with the given functions (name → self samples), each a child of (root). */
export function craftedProfile(functions: Record<string, number>, file = 'file:///crafted/app.js'): string {
  const names = Object.keys(functions);
  const nodes = [
    v8SyntheticNode(
      1,
      '(root)',
      names.map((_, i) => i + 2),
    ),
    ...names.map((name, i) => v8Node(i + 2, name, { url: file, lineNumber: 10 * i })),
  ];
  const samples = names.flatMap((name, i) => Array<number>(functions[name]!).fill(i + 2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-profile-'));
  const out = path.join(dir, `crafted-${names.length}-${samples.length}.cpuprofile`);
  fs.writeFileSync(out, JSON.stringify(cpuProfile(nodes, samples)));
  return out;
}
