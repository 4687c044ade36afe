import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** An idle Node service started without --inspect. --inspect-port=0 only picks the port SIGUSR1 opens, so parallel runs never fight over 9229. */
function startIdleNode(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--inspect-port=127.0.0.1:0', '-e', 'setInterval(() => {}, 1000); console.log("ready");'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`idle node exited early (${code})`)));
  });
}

/** The real CLI in its own process: an event loop that empties early shows only there. */
function runCliProcess(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/main.ts'), ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('cli: perflens profile record --enable-inspector (real processes)', () => {
  let dir: string;
  let target: ChildProcess | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-sigusr1-'));
  });
  afterEach(() => {
    target?.kill('SIGKILL');
    target = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens the inspector of a fresh Node process with SIGUSR1, waits for it, records and writes the file', async function () {
    this.timeout(60_000);
    target = await startIdleNode();
    const r = await runCliProcess(
      [
        'profile',
        'record',
        '--pid',
        String(target.pid),
        '--enable-inspector',
        '--duration',
        '500ms',
        '-o',
        'idle.cpuprofile',
      ],
      dir,
    );
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
    const file = path.join(dir, 'idle.cpuprofile');
    assert.ok(fs.existsSync(file), `no profile written; stderr:\n${r.stderr}`);
    assert.ok(Array.isArray((JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes?: unknown }).nodes));
    assert.match(r.stderr, /Sending SIGUSR1 to process \d+/);
    assert.match(r.stderr, /Recording 500 ms from the inspector at 127\.0\.0\.1:\d+/);
    assert.match(r.stdout, /^Wrote .*idle\.cpuprofile/m);
  });
});

describe('cli: a command left waiting on nothing (real process)', () => {
  it('exits 2 with a message, never 0, when the event loop empties before the command settles', async function () {
    this.timeout(30_000);
    // A command whose promise can never settle: once nothing else is pending, Node would end the process with 0.
    const script = [
      `const { commands } = require(${JSON.stringify(path.join(ROOT, 'src/cli/commands/index.ts'))});`,
      `commands.push({ path: ['stall'], summary: 'never settles', usage: '', run: () => new Promise(() => {}) });`,
      `require(${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))}).runAsProcess(['stall']);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /perflens: stall stopped before it finished/);
  });
});
