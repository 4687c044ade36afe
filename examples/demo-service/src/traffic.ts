/**
 * Gentle, varied traffic the demo sends itself, over real HTTP on loopback, so a newcomer's first
 * dashboard has moving charts without running a load tool: about 1–5 requests a second (the rate
 * drifts on a two-minute cycle), spread over the routes so the cache both hits and misses, the
 * CPU-hot route shows up in profiles, and an occasional unknown path answers 404.
 *
 * Never more than a few requests in flight: a slowed-down service (injected latency, a small pool)
 * gets fewer requests, not a pile-up.
 */
import * as http from 'node:http';
import { prng } from './random';

const CYCLE_MS = 120_000;
const MIN_RATE = 1;
const MAX_RATE = 5;
const MAX_IN_FLIGHT = 4;

interface WeightedPath {
  weight: number;
  path: (rand: () => number) => string;
}

const WORKSPACES = 20;
const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const PATHS: WeightedPath[] = [
  // Small limits on a few popular workspaces hit the cache; the rest mostly miss.
  {
    weight: 40,
    path: (r) =>
      `/api/graph/entities?workspace_id=${1 + Math.floor(r() * r() * WORKSPACES)}&limit=${pick(r, [10, 50, 50, 100, 200])}`,
  },
  { weight: 25, path: () => '/api/workspaces' },
  {
    weight: 15,
    path: (r) =>
      `/api/graph/centrality?workspace_id=${1 + Math.floor(r() * WORKSPACES)}&iterations=${pick(r, [100, 200, 400])}`,
  },
  { weight: 15, path: () => '/health' },
  { weight: 5, path: (r) => pick(r, ['/api/graph/entity/42', '/favicon.ico', '/api/v2/workspaces']) },
];
const TOTAL_WEIGHT = PATHS.reduce((s, p) => s + p.weight, 0);

export class TrafficDriver {
  private readonly rand = prng(20_240_601);
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly started = Date.now();
  /** Requests sent so far (answered or not). */
  sent = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.agent.destroy();
  }

  /** Requests per second now: a slow sine between MIN_RATE and MAX_RATE. */
  rateAt(nowMs: number): number {
    const phase = (((nowMs - this.started) % CYCLE_MS) / CYCLE_MS) * 2 * Math.PI;
    return MIN_RATE + ((MAX_RATE - MIN_RATE) * (1 - Math.cos(phase))) / 2;
  }

  private schedule(): void {
    // Exponential gaps at the current rate: arrivals look like real users, not a metronome.
    const gapMs = (-Math.log(1 - this.rand()) / this.rateAt(Date.now())) * 1000;
    this.timer = setTimeout(
      () => {
        this.fire();
        this.schedule();
      },
      Math.min(gapMs, 5000),
    );
    this.timer.unref();
  }

  private nextPath(): string {
    let x = this.rand() * TOTAL_WEIGHT;
    for (const p of PATHS) {
      x -= p.weight;
      if (x < 0) return p.path(this.rand);
    }
    return PATHS[0]!.path(this.rand);
  }

  private fire(): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    this.inFlight++;
    this.sent++;
    let finished = false;
    const done = (): void => {
      if (!finished) this.inFlight--;
      finished = true;
    };
    let answered = false;
    const req = http.get(
      { host: this.host, port: this.port, path: this.nextPath(), agent: this.agent, timeout: 30_000 },
      (res) => {
        answered = true;
        res.resume();
        res.once('end', done);
        res.once('close', done);
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', done);
    req.once('close', () => {
      if (!answered) done();
    });
  }
}

/** Where the driver should connect: a wildcard bind is reached over loopback. */
export function trafficHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::' || bindHost === '[::]') return '::1';
  return bindHost.replace(/^\[|\]$/g, '');
}
