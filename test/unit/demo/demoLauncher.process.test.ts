/**
 * `npm run demo` for real (the code-server path), stopped the ways a newcomer stops it: SIGTERM to
 * npm (which passes it to its shell only), and SIGHUP to the whole process group (the terminal
 * closed). Every process the demo started must be gone afterwards.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processExists } from '../../../src/core/util/process';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every live descendant of pid, from /proc (children first found through each process's stat). */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  if (!processExists(pid)) return false;
  try {
    // A zombie still exists to kill(0); it has stopped running though.
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, probe: () => boolean, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface RunningDemo {
  npm: ChildProcess;
  output: () => string;
}

/** Starts `npm run demo -- --browser --port 0` in its own process group and waits for the editor URL. */
async function startDemo(): Promise<RunningDemo> {
  const npm = spawn('npm', ['run', '-s', 'demo', '--', '--browser', '--port', '0', '--no-traffic'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PERFLENS_IT_SKIP_BUILD: '1' },
  });
  let out = '';
  npm.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  await until(
    'the demo to print the editor URL',
    () => /press Ctrl-C to stop/.test(out) || npm.exitCode !== null,
    600_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${out.slice(-3000)}`);
  });
  assert.equal(npm.exitCode, null, `npm run demo exited early:\n${out.slice(-3000)}`);
  return { npm, output: () => out };
}

describe('npm run demo stops everything it started', function () {
  this.timeout(900_000);
  const leftovers: number[] = [];

  afterEach(() => {
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  for (const how of ['SIGTERM to npm', 'SIGHUP to the terminal’s process group'] as const) {
    it(`on ${how}`, async () => {
      const demo = await startDemo();
      const started = descendants(demo.npm.pid!);
      leftovers.push(...started, demo.npm.pid!);
      const demoPid = Number(/demo service running at \S+ \(pid (\d+)\)/.exec(demo.output())?.[1]);
      assert.ok(started.includes(demoPid), `the demo service (pid ${demoPid}) is one of npm's descendants`);
      assert.ok(started.length >= 4, `npm, sh, the launcher, the service, code-server…: ${started.join(' ')}`);
      if (how === 'SIGTERM to npm') process.kill(demo.npm.pid!, 'SIGTERM');
      else process.kill(-demo.npm.pid!, 'SIGHUP');
      await until('every process the demo started to end', () => started.every((p) => !alive(p)), 120_000).catch(
        (e: Error) => {
          const left = started
            .filter(alive)
            .map((p) => `${p}: ${fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 160)}`);
          throw new Error(
            `${e.message}; still running:\n${left.join('\n')}\n--- demo output ---\n${demo.output().slice(-2000)}`,
          );
        },
      );
      assert.match(demo.output(), /stopping everything the demo started/);
    });
  }
});
