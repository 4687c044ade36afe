/**
 * The attach session: one target (a service URL, a port or a pid), collected every interval
 * into a typed Snapshot delivered to listeners. Every source is independent — a failed scrape
 * still leaves health, process and system in the snapshot, with the failure in `errors`.
 * Rounds never overlap: the next one is scheduled when the current one has finished.
 */
import { getEventListeners } from 'node:events';
import { promises as fsp } from 'node:fs';
import { checkHealth } from '../collectors/health';
import type { HttpFn } from '../collectors/health';
import type { ProcessCollectorDeps } from '../collectors/process';
import {
  cachedConnectionCounter,
  collectProcess,
  processUsageMeter,
  releaseProcessHistory,
} from '../collectors/process';
import { findPidByPort } from '../collectors/portPid';
import type { PortLookupFailure } from '../collectors/portPid';
import { SystemCollector } from '../collectors/system';
import type { DerivedOptions } from '../metrics/derived';
import type { PresetOverrides } from '../metrics/presets';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';
import { Emitter } from '../util/lifecycle';
import type { Result } from '../util/result';
import { ok } from '../util/result';
import type { TargetSpec } from '../util/target';
import type { ConnectPolicy } from '../util/connect';
import { connectPolicy } from '../util/connect';
import { KeptHttp } from '../util/keptHttp';
import type { Snapshot, SystemStats } from './types';
import type { ResolvedTarget } from './resolveTarget';
import { resolveTarget } from './resolveTarget';
import type { LoopState } from './roundLoop';
import { RoundLoop } from './roundLoop';
import { MetricsSource } from './metricsSource';
import { StringCopies, WINDOW_ENDED, collectSource, detachedSnapshot } from './sources';

export const DEFAULT_INTERVAL_MS = 5000;
export { DEFAULT_METRICS_PATH } from './metricsSource';
export { DEFAULT_HEALTH_PATH, DEFAULT_STATUS_PATH } from '../collectors/healthVerdict';
/** How long a service without any health endpoint waits before the paths are tried again. */
const HEALTH_RETRY_MS = 60_000;

export type Unsubscribe = IDisposable;

export type SnapshotListener = (snapshot: Snapshot) => void;

export interface AttachSessionOptions {
  /** What to attach to: "http://localhost:3000", "3000", "pid:1234", or a parsed TargetSpec. */
  target: string | TargetSpec;
  /** Stable id for the session (default: the base URL or pid:N). */
  id?: string;
  metricsPath?: string;
  healthPath?: string;
  /** Also tried for health when the health path answers 404 (a common second health route, `/status` by default). */
  statusPath?: string;
  /** Collection interval, default 5 s. */
  intervalMs?: number;
  allowRemote?: boolean;
  clock?: Clock;
  http?: HttpFn;
  scrapeTimeoutMs?: number;
  maxBodyBytes?: number;
  /** Series kept from one scrape (default 50,000); the families that exploded are cut, with a warning. */
  maxSeries?: number;
  /** Routes per round (default 200): the busiest; the rest are summed as "(other routes)", with a warning. */
  maxRoutes?: number;
  presetOverrides?: PresetOverrides;
  isError?: DerivedOptions['isError'];
  /** Default true; process and system stats are skipped for remote targets (not this machine). */
  collectProcess?: boolean;
  collectSystem?: boolean;
  /** Test seams for the OS-facing collectors. */
  deps?: {
    process?: ProcessCollectorDeps;
    findPidByPort?: (port: number) => Promise<Result<number, PortLookupFailure>>;
    listeningPortsOf?: (pid: number) => Promise<number[]>;
    system?: { collect(): Promise<Result<SystemStats, string>> };
  };
}

export type SessionState = LoopState;
export type { ResolvedTarget } from './resolveTarget';

/** Pidusage history is process-wide: release it only when the last session stops. */
let runningSessions = 0;

export class AttachSession {
  readonly id: string;
  readonly target: ResolvedTarget;
  readonly intervalMs: number;
  private readonly clock: Clock;
  /** Where this session's requests may connect (checked again at every connection). */
  private readonly connect: ConnectPolicy;
  /** The sockets its rounds keep open to the service (unless a test gave its own HttpFn). */
  private readonly kept?: KeptHttp;
  private readonly http: HttpFn;
  /** A failing listener must not stop the session or the other listeners (the emitter isolates each). */
  private readonly snapshots = new Emitter<Snapshot>();
  private readonly metrics: MetricsSource;
  private readonly system?: { collect(): Promise<Result<SystemStats, string>> };
  private pid?: number;
  private readonly loop: RoundLoop<Snapshot>;
  private lastSnapshot?: Snapshot;
  /** The strings of the latest snapshot, reused by the next round's copy (see StringCopies). */
  private readonly strings = new StringCopies();
  private readonly processDeps: ProcessCollectorDeps;
  private healthPath?: string;
  private healthMissing?: string;
  private healthRetryAt = 0;
  /** Aborted at the deadline set by endBy(): every request in flight then, or later, is stopped. */
  private readonly ending = new AbortController();
  private endTimer?: unknown;

  constructor(
    target: ResolvedTarget,
    private readonly opts: AttachSessionOptions,
  ) {
    this.target = target;
    this.id = target.id;
    this.intervalMs = Math.max(100, opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.clock = opts.clock ?? systemClock;
    this.connect = connectPolicy(opts.allowRemote);
    this.loop = new RoundLoop(this.clock, this.intervalMs, () => this.round());
    this.pid = target.pid;
    this.processDeps = {
      usage: processUsageMeter(),
      connections: cachedConnectionCounter(() => this.clock.now()),
      ...opts.deps?.process,
    };
    if (opts.http === undefined) this.kept = new KeptHttp();
    this.http = opts.http ?? this.kept!.request;
    this.metrics = new MetricsSource(
      target,
      { ...opts, http: this.http },
      {
        clock: this.clock,
        connect: this.connect,
        intervalMs: this.intervalMs,
        strings: this.strings,
      },
    );
    const wantSystem = (opts.collectSystem ?? true) && target.local;
    if (wantSystem) {
      this.system =
        opts.deps?.system ?? new SystemCollector({ clock: this.clock, volumePath: () => this.serviceCwd() });
    }
  }

  get state(): SessionState {
    return this.loop.state;
  }

  /** The most recent snapshot, if any round has completed. */
  get latest(): Snapshot | undefined {
    return this.lastSnapshot;
  }

  /** Samples kept between rounds (the previous scrape's readable series): bounded by maxSeries, flat over rounds. */
  get retainedSeries(): number {
    return this.metrics.retainedSeries;
  }

  /**
   * What the session holds between rounds, counted: the samples kept for the next round's rates
   * and their distinct names, the snapshots kept (the latest only), the listeners waiting on its
   * deadline and the string copies the next round may reuse (the latest snapshot's). None of it
   * grows with the number of rounds.
   */
  get retained(): {
    series: number;
    sampleNames: number;
    snapshots: number;
    deadlineListeners: number;
    copiedStrings: number;
  } {
    return {
      series: this.retainedSeries,
      sampleNames: this.metrics.retainedSampleNames,
      snapshots: this.lastSnapshot ? 1 : 0,
      deadlineListeners: getEventListeners(this.ending.signal, 'abort').length,
      copiedStrings: this.strings.size,
    };
  }

  /** The pid being measured right now (given, or found from the port). */
  get currentPid(): number | undefined {
    return this.pid;
  }

  onSnapshot(listener: SnapshotListener): Unsubscribe {
    return this.snapshots.event(listener);
  }

  /** Starts collecting: a first round now, then one every interval until stop(). */
  start(): void {
    if (this.loop.start()) runningSessions++;
  }

  /** Stops collecting; resolves when a round in flight has finished. No timers are left behind. */
  async stop(): Promise<void> {
    const wasRunning = await this.loop.stop();
    if (this.endTimer !== undefined) this.clock.clearTimeout(this.endTimer);
    this.endTimer = undefined;
    if (wasRunning && --runningSessions === 0) releaseProcessHistory();
    this.kept?.close();
  }

  /**
   * The session's deadline (epoch ms on its clock): at that moment every request in flight is
   * aborted and every source still running is given up on, so the round in flight ends at once
   * with those sources' failures; rounds after it fail the same way at once. A command's
   * `--duration` is kept by this.
   */
  endBy(at: number): void {
    if (this.endTimer !== undefined) this.clock.clearTimeout(this.endTimer);
    this.endTimer = undefined;
    const wait = at - this.clock.now();
    if (wait <= 0) this.ending.abort(WINDOW_ENDED);
    else this.endTimer = this.clock.setTimeout(() => this.ending.abort(WINDOW_ENDED), wait);
  }

  /** Resolves when no round is in flight (tests advance a ManualClock, then await this). */
  whenIdle(): Promise<void> {
    return this.loop.whenIdle();
  }

  /** Runs one collection round now (also used by the CLI's report), emitting its snapshot. */
  collectOnce(): Promise<Snapshot> {
    return this.loop.collectOnce();
  }

  /** Whether the metrics request of a round is on its socket as soon as the scrape has started. */
  private writesAtOnce(): boolean {
    const url = this.target.metricsUrl;
    return this.kept !== undefined && url !== undefined && this.kept.writesAtOnce(url);
  }

  private async serviceCwd(): Promise<string | undefined> {
    if (this.pid === undefined || process.platform !== 'linux') return undefined;
    return fsp.readlink(`/proc/${this.pid}/cwd`).catch(() => undefined);
  }

  private async round(): Promise<Snapshot> {
    const time = this.clock.now();
    const assembled: Snapshot = { targetId: this.id, time, errors: [] };
    const signal = this.ending.signal;
    if (!this.metrics.hasUrl)
      await collectSource(assembled, 'scrape', () => this.metrics.discoverFromPid(assembled, this.pid, signal));
    const detached = new Set<keyof Snapshot>();
    // The metrics request goes out first and alone, and the service starts on its longest answer at
    // once. The health request and the /proc reads come after that write, then run while the
    // service renders its metrics; it answers health after metrics, while the scrape is parsed
    // (bench/README.md, "The session's own cost"). The session's own client writes a request within
    // the call that makes it, so starting the other sources after the scrape's is enough; an HttpFn
    // given to the session (or Node's client, which writes on the next tick) is waited for.
    const scrape = collectSource(assembled, 'scrape', () => this.metrics.scrapeInto(assembled, time, signal, detached));
    if (!this.writesAtOnce()) await afterPendingWrites();
    await Promise.all([
      scrape,
      collectSource(assembled, 'health', () => this.healthInto(assembled, signal)),
      // The OS collectors cannot be cancelled: the round stops waiting for them instead.
      collectSource(assembled, 'process', () => this.processInto(assembled, signal), signal),
      collectSource(assembled, 'system', () => this.systemInto(assembled, signal), signal),
    ]);
    // The heap is only visible from inside the runtime, i.e. in the service's own metrics.
    const heapFromScrape = this.metrics.heapUsedBytes;
    if (assembled.process && assembled.process.heapUsedBytes === undefined && heapFromScrape !== undefined) {
      assembled.process.heapUsedBytes = heapFromScrape;
    }
    const snapshot = detachedSnapshot(assembled, detached, this.strings);
    this.strings.endRound();
    this.lastSnapshot = snapshot;
    this.snapshots.fire(snapshot);
    return snapshot;
  }

  /**
   * Health from the path that answered last time first (no 404 round trips every round), and a
   * service with no health endpoint at all is asked again only once a minute.
   */
  private async healthInto(snapshot: Snapshot, signal: AbortSignal): Promise<void> {
    if (!this.target.baseUrl) return;
    const wait = this.healthRetryAt - this.clock.now();
    if (wait > 0 && this.healthMissing) {
      snapshot.errors.push({
        source: 'health',
        kind: 'not-found',
        message: `${this.healthMissing} Next try in ${Math.ceil(wait / 1000)} s.`,
      });
      return;
    }
    const paths = this.healthPath ? [this.healthPath, ...this.target.healthPaths] : this.target.healthPaths;
    const r = await checkHealth(this.target.baseUrl, paths, {
      http: this.http,
      connect: this.connect,
      timeoutMs: this.opts.scrapeTimeoutMs,
      signal,
    });
    if (r.ok) {
      snapshot.health = r.value;
      if (r.value.path) this.healthPath = r.value.path;
      this.healthMissing = undefined;
      return;
    }
    snapshot.errors.push({ source: 'health', kind: r.error.kind, message: r.error.message });
    if (r.error.kind === 'not-found') {
      this.healthPath = undefined;
      this.healthMissing = r.error.message;
      this.healthRetryAt = this.clock.now() + HEALTH_RETRY_MS;
    }
  }

  private async resolvePid(snapshot: Snapshot): Promise<number | undefined> {
    if (this.pid !== undefined) return this.pid;
    if (this.target.port === undefined || !this.target.local) return undefined;
    const r = await (this.opts.deps?.findPidByPort ?? findPidByPort)(this.target.port);
    if (r.ok) {
      this.pid = r.value;
      return this.pid;
    }
    snapshot.errors.push({ source: 'process', kind: r.error.kind, message: r.error.message });
    return undefined;
  }

  private async processInto(snapshot: Snapshot, signal: AbortSignal): Promise<void> {
    if (!(this.opts.collectProcess ?? true) || !this.target.local) return;
    const pid = await this.resolvePid(snapshot);
    if (pid === undefined) return;
    const r = await collectProcess(pid, this.processDeps);
    // Given up on at the deadline: the snapshot has gone out, and says so.
    if (signal.aborted) return;
    if (r.ok) {
      snapshot.process = r.value;
      return;
    }
    snapshot.errors.push({ source: 'process', kind: r.error.kind, message: r.error.message });
    // A restarted service has a new pid: forget this one so the next round asks the port again.
    if (r.error.kind === 'exited' && this.target.port !== undefined) this.pid = undefined;
  }

  private async systemInto(snapshot: Snapshot, signal: AbortSignal): Promise<void> {
    if (!this.system) return;
    const r = await this.system.collect();
    if (signal.aborted) return;
    if (r.ok) snapshot.system = r.value;
    else snapshot.errors.push({ source: 'system', kind: r.error.kind, message: r.error.message });
  }
}

/** Resolves after the requests started so far have been written to their sockets (the next macrotask). */
function afterPendingWrites(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Parses the target and builds a session (not started). */
export function createAttachSession(opts: AttachSessionOptions): Result<AttachSession, 'invalid' | 'remote'> {
  const t = resolveTarget(opts);
  if (!t.ok) return t;
  return ok(new AttachSession(t.value, opts));
}
