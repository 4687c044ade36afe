/**
 * The attach session's own cost, measured in a process of its own that runs the session's code as
 * it ships: bench/cases/session.bench.ts bundles this file with esbuild the way esbuild.mjs bundles
 * dist/cli.js and dist/extension.js, and runs the bundle in a plain `node` (no tsx, no other bench
 * case loaded), against the demo service whose URL is the first argument.
 *
 *  - CPU at a 1 s interval: this process's CPU time (process.cpuUsage, user + system: what the
 *    session costs, not the wall time its rounds take) over 120 s with one session attached to the
 *    demo, against the same process idle for 20 s before and 20 s after (their mean is the anchor,
 *    so load that drifts during the run hits both sides), after 2,000 rounds back to back so the JIT
 *    has compiled a round's code (steady state);
 *  - one round: the median wall time of 400 full rounds (scrape, parse, derive, health, process,
 *    system), each followed by a bare GET of the demo's /metrics (the anchor).
 *
 * Prints what it measured for a reader on stderr, and one line of JSON on stdout for the case file.
 */
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import type { AttachSession } from '../src/core/session/session';
import { createAttachSession } from '../src/core/session/session';
import { httpRequest } from '../src/core/util/http';
import { median } from '../src/core/util/stats';
import { minorFaults } from './minorFaults';

export interface SessionCost {
  cpu: {
    attachedShare: number;
    idleBefore: number;
    idleAfter: number;
    rounds: number;
    perRoundMs: number;
    /** Minor page faults a round while attached (Linux; NaN elsewhere): see bench/README.md. */
    faultsPerRound: number;
    /** Garbage collections a round while attached, the scavenges among them, and their pauses. */
    gcPerRound: number;
    scavengesPerRound: number;
    gcPauseMsPerRound: number;
  };
  round: { medianMs: number; cpuMs: number; bareGetMs: number; demoServerMs: number };
}

function mustCreate(target: string): AttachSession {
  const r = createAttachSession({ target, intervalMs: 1000 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Rounds back to back before a session's cost is measured at one a second (steady state). */
const WARM_UP_ROUNDS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the garbage collections from now until the returned function is called. */
function countCollections(): () => { all: number; scavenges: number; pauseMs: number } {
  const seen = { all: 0, scavenges: 0, pauseMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      seen.all++;
      seen.pauseMs += e.duration;
      const detail = (e as unknown as { detail?: { kind?: number } }).detail;
      if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) seen.scavenges++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return seen;
  };
}

/** CPU time of this process over `ms` of wall time, as a share of one core (%), with the CPU time itself. */
async function cpuShareOver(ms: number): Promise<{ share: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  return { share: (cpuMs / (performance.now() - t0)) * 100, cpuMs };
}

async function cpuAtOneSecond(url: string): Promise<SessionCost['cpu']> {
  const idleMs = 20_000;
  // Two minutes: what a round costs at one a second moves with the machine (on the 2-core VM a
  // fixed piece of work done once a second cost from 0.8 to 1.8 ms from one 10 s window to the
  // next), and V8's memory-reducing collections, which come every minute or two, leave the rounds
  // after them costing twice as much for a while; a shorter window catches them or not by chance.
  const attachedMs = 120_000;
  await sleep(10_000); // settle: start-up work (module compiling) is not idling
  const before = await cpuShareOver(idleMs);
  const session = mustCreate(url);
  // Steady state: at one round a second the JIT needs minutes to compile a round's code, and that
  // compiling (on V8's background threads too) is no part of what a long session costs per round.
  // 2,000 rounds, not 300: after 300, functions called once a round were still reaching V8's
  // threshold for optimising during the measured window (bench/README.md, the session's cost).
  for (let i = 0; i < WARM_UP_ROUNDS; i++) await session.collectOnce();
  let rounds = 0;
  session.onSnapshot(() => rounds++);
  session.start();
  await sleep(5000); // the schedule settles: the first connection count, timers
  rounds = 0;
  const faults0 = minorFaults();
  const collections = countCollections();
  const attached = await cpuShareOver(attachedMs);
  const measuredRounds = rounds;
  const faults = minorFaults() - faults0;
  const gc = collections();
  await session.stop();
  const after = await cpuShareOver(idleMs);
  const idle = (before.share + after.share) / 2;
  const n = Math.max(1, measuredRounds);
  const perRoundMs = (attached.cpuMs - (idle / 100) * attachedMs) / n;
  console.error(
    `  attached at 1 s for ${attachedMs / 1000} s: ${attached.share.toFixed(2)}% of one core (${measuredRounds} rounds, ` +
      `${perRoundMs.toFixed(2)} ms CPU per round above idle); idle ${before.share.toFixed(2)}% before, ${after.share.toFixed(2)}% after`,
  );
  console.error(
    `  a round while attached: ${(faults / n).toFixed(1)} page faults, ${(gc.all / n).toFixed(2)} collections ` +
      `(${(gc.scavenges / n).toFixed(2)} scavenges), ${(gc.pauseMs / n).toFixed(2)} ms of collection pauses`,
  );
  return {
    attachedShare: attached.share,
    idleBefore: before.share,
    idleAfter: after.share,
    rounds: measuredRounds,
    perRoundMs,
    faultsPerRound: faults / n,
    gcPerRound: gc.all / n,
    scavengesPerRound: gc.scavenges / n,
    gcPauseMsPerRound: gc.pauseMs / n,
  };
}

/** The demo's own account of its /metrics route (sum and count of its request-duration histogram). */
async function demoMetricsServerTime(
  metricsUrl: string,
): Promise<{ sum: number; count: number; since(o: { sum: number; count: number }): number }> {
  const r = await httpRequest(metricsUrl);
  const text = r.ok ? r.value.body.toString() : '';
  const read = (what: string) =>
    Number(
      new RegExp(`^http_request_duration_seconds_${what}\\{method="GET",route="/metrics"\\} (\\S+)$`, 'm').exec(
        text,
      )?.[1] ?? NaN,
    );
  const sum = read('sum');
  const count = read('count');
  return { sum, count, since: (o) => ((sum - o.sum) / (count - o.count)) * 1000 };
}

async function oneRound(url: string): Promise<SessionCost['round']> {
  const session = mustCreate(url);
  const metricsUrl = session.target.metricsUrl!;
  for (let i = 0; i < 50; i++) {
    await session.collectOnce();
    await httpRequest(metricsUrl);
  }
  const rounds: number[] = [];
  const gets: number[] = [];
  let roundCpuUs = 0;
  const served = await demoMetricsServerTime(metricsUrl);
  for (let i = 0; i < 400; i++) {
    let t = performance.now();
    const c = process.cpuUsage();
    await session.collectOnce();
    rounds.push(performance.now() - t);
    const cu = process.cpuUsage(c);
    roundCpuUs += cu.user + cu.system;
    t = performance.now();
    await httpRequest(metricsUrl);
    gets.push(performance.now() - t);
  }
  await session.stop();
  // Where a round's wall time goes besides PerfLens's own work: the demo renders /metrics for every
  // GET (its own histogram says how long, from request to response sent), and a round also waits
  // for its health answer. Printed for the reader; the target stays on the round's wall time.
  const demoServerMs = (await demoMetricsServerTime(metricsUrl)).since(served);
  const out = { medianMs: median(rounds), cpuMs: roundCpuUs / 400 / 1000, bareGetMs: median(gets), demoServerMs };
  console.error(
    `  one round: median ${out.medianMs.toFixed(2)} ms wall, ${out.cpuMs.toFixed(2)} ms of this process's CPU; ` +
      `a bare GET of /metrics ${out.bareGetMs.toFixed(2)} ms, of which the demo itself spends ${demoServerMs.toFixed(2)} ms (mean) answering it`,
  );
  return out;
}

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: node session-cost.cjs <demo service URL>');
  const cpu = await cpuAtOneSecond(url);
  const round = await oneRound(url);
  const cost: SessionCost = { cpu, round };
  process.stdout.write(`${JSON.stringify(cost)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
