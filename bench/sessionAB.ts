/**
 * Two trees' sessions attached at once, by CPU time a round: `npx tsx bench/sessionAB.ts
 * --base=DIR [--windows=6] [--seconds=60]`. DIR is another checkout (say `git worktree add
 * --detach DIR <commit>` with a `node_modules` link). Each tree's session is bundled with esbuild
 * as what ships is, and run in a plain `node` process of its own; both attach to one demo service
 * at a 1 s interval, half a second apart, after 2,000 rounds back to back each (steady state, as in sessionCost.ts). Then
 * each reports its CPU time (user + system), rounds and page faults over the same windows.
 *
 * Why at once rather than in turns: at one round a second a round's cost moves with what the
 * rest of the machine does to its caches, and on a shared VM that drifts by more than a change
 * of 10 % from one minute to the next (two runs of `npm run bench -- session` on the same tree
 * gave 0.49 % and 0.63 % of a core). Two sessions measured over the same windows see the same
 * drift, so the ratio of each window is what to read: its median, and in how many windows the
 * tree under test cost less.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { median } from '../src/core/util/stats';
import { startDemoService } from '../test/helpers/demoService';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  const v = a === undefined ? fallback : Number(a.slice(name.length + 3));
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return v;
};
const baseArg = args.find((a) => a.startsWith('--base='));
if (baseArg === undefined) {
  console.error('usage: npx tsx bench/sessionAB.ts --base=DIR [--windows=6] [--seconds=60]');
  process.exit(2);
}
const WINDOWS = flag('windows', 6);
const SECONDS = flag('seconds', 60);

/**
 * The child: one session of its tree, warmed up, then a message per window. It is bundled against
 * either tree (`./src` resolves there), with the fault counter of this one.
 */
const CHILD = `
import { createAttachSession } from './src/core/session/session';
import { minorFaults as faults } from ${JSON.stringify(path.join(__dirname, 'minorFaults'))};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function main(): Promise<void> {
  const [url, windows, seconds] = process.argv.slice(2);
  const r = createAttachSession({ target: url!, intervalMs: 1000 });
  if (!r.ok) throw new Error(r.error.message);
  const s = r.value;
  for (let i = 0; i < 2000; i++) await s.collectOnce();
  let rounds = 0;
  s.onSnapshot(() => rounds++);
  process.send!({ ready: true });
  await new Promise<void>((go) => process.once('message', () => go()));
  s.start();
  await sleep(5000);
  for (let w = 0; w < Number(windows); w++) {
    rounds = 0;
    const f0 = faults();
    const c0 = process.cpuUsage();
    await sleep(Number(seconds) * 1000);
    const c = process.cpuUsage(c0);
    process.send!({ window: w, rounds, cpuMs: (c.user + c.system) / 1000, faults: faults() - f0 });
  }
  await s.stop();
  process.exit(0);
}
void main();
`;

interface Window {
  window: number;
  rounds: number;
  cpuMs: number;
  faults: number;
}

function bundle(root: string, label: string): string {
  const outfile = path.join(__dirname, '.work', `session-ab-${label}.cjs`);
  esbuild.buildSync({
    stdin: { contents: CHILD, resolveDir: root, sourcefile: 'session-ab-child.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

interface Child {
  label: string;
  ready: Promise<void>;
  windows: Window[];
  done: Promise<void>;
  go(): void;
}

function run(label: string, file: string, url: string): Child {
  const proc = spawn(process.execPath, [file, url, String(WINDOWS), String(SECONDS)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const windows: Window[] = [];
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  proc.on('message', (m: { ready?: boolean } & Window) => {
    if (m.ready) ready();
    else windows.push(m);
  });
  const done = new Promise<void>((resolve, reject) =>
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${label} exited with ${code}`)))),
  );
  return { label, ready: readyP, windows, done, go: () => proc.send('go') };
}

const perRound = (w: Window): number => w.cpuMs / Math.max(1, w.rounds);

async function main(): Promise<void> {
  const baseRoot = path.resolve(baseArg!.slice('--base='.length));
  const files = { base: bundle(baseRoot, 'base'), ours: bundle(path.join(__dirname, '..'), 'ours') };
  const demo = await startDemoService();
  try {
    const base = run('base', files.base, demo.url);
    const ours = run('ours', files.ours, demo.url);
    await Promise.all([base.ready, ours.ready]);
    base.go();
    await new Promise((r) => setTimeout(r, 500));
    ours.go();
    await Promise.all([base.done, ours.done]);
    console.log(`| window | base ms a round (faults) | this tree ms a round (faults) | this ÷ base |`);
    console.log(`|---:|---:|---:|---:|`);
    const ratios: number[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      const b = base.windows[w]!;
      const o = ours.windows[w]!;
      ratios.push(perRound(o) / perRound(b));
      const f = (x: Window) => `${perRound(x).toFixed(2)} (${(x.faults / Math.max(1, x.rounds)).toFixed(1)})`;
      console.log(`| ${w + 1} | ${f(b)} | ${f(o)} | ${ratios[w]!.toFixed(3)} |`);
    }
    const cheaper = ratios.filter((r) => r < 1).length;
    console.log(
      `median this ÷ base ${median(ratios).toFixed(3)}; this tree cost less in ${cheaper} of ${WINDOWS} windows`,
    );
  } finally {
    await demo.stop();
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
