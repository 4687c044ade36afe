/**
 * The live side of PerfLens, free of the editor API so it is unit-tested against the real demo
 * service: one AttachSession per attached target (through the core SessionManager), every
 * snapshot into the history store, the analyzers over a sliding window, and an alert engine per
 * target. The extension adapts its events to the status bar, views, notifications and dashboard.
 */
import type { AlertStatus } from '../../core/analyzers/alerts/engine';
import { AlertEngine } from '../../core/analyzers/alerts/engine';
import { InMemoryAlertHistory } from '../../core/analyzers/alerts/history';
import type { AlertEvent, AlertHandler, AlertRule } from '../../core/analyzers/alerts/types';
import { analyzeSnapshots } from '../../core/analyzers/analyze';
import type { AnalyzerSettingsInput } from '../../core/analyzers/settings';
import type { Finding } from '../../core/analyzers/types';
import type { GrowthEvidence } from '../../core/analyzers/leakGrowth';
import { withGrowthEvidence } from '../../core/analyzers/leakGrowth';
import { SessionManager } from '../../core/session/manager';
import type { AttachSessionOptions } from '../../core/session/session';
import type { Snapshot } from '../../core/session/types';
import type { HistoryStore } from '../../core/store';
import type { Clock } from '../../core/util/clock';
import { systemClock } from '../../core/util/clock';
import type { Event } from '../../core/util/lifecycle';
import { Emitter } from '../../core/util/lifecycle';
import type { Result } from '../../core/util/result';
import { errorMessage } from '../../core/util/result';
import type { PrometheusAuth, PrometheusSession } from '../../core/prometheus';
import type { AttachedSpec } from '../targets/targetRegistry';
import { PrometheusSessions } from './prometheusSessions';
import { OtlpMetricsHub } from '../../core/traces/metricsHub';
import { OtlpSessions, otlpWaiting } from './otlpSessions';
import { StoreAlertHistory } from './storeAlertHistory';
import type { TargetHealth } from './targetHealth';
import { assessTargetHealth } from './targetHealth';

export interface LiveConfig {
  /** perflens.monitoring.enabled: when false, attached targets are not collected. */
  enabled: boolean;
  intervalMs: number;
  metricsPath: string;
  healthPath: string;
  statusPath: string;
  requestTimeoutMs: number;
  /** Series kept per scrape and routes per round (the cardinality limits). */
  maxSeries?: number;
  maxRoutes?: number;
  allowRemote: boolean;
  analyzer: AnalyzerSettingsInput;
  alertsEnabled: boolean;
  alertRules: AlertRule[];
}

export interface LiveTargetSpec {
  /** targetId(spec): the base URL, pid:N, or prometheus:<server>{<selector>}. */
  id: string;
  label: string;
  spec: AttachedSpec;
}

export interface TargetState {
  id: string;
  label: string;
  /** Whether a session is collecting right now (false while monitoring is disabled). */
  collecting: boolean;
  latest?: Snapshot;
  health: TargetHealth;
  findings: Finding[];
  /** Pending and firing alerts. */
  alerts: AlertStatus[];
  /** Snapshots of the analysis window, oldest first. */
  window: readonly Snapshot[];
}

export interface LiveMonitorOptions {
  config: () => LiveConfig;
  /** Opens the history store; called once, on the first attach. */
  openStore?: () => Promise<Result<HistoryStore, string>>;
  /** Alert handlers beside the store's history (the webhook). */
  alertHandlers?: () => AlertHandler[];
  clock?: Clock;
  /** Options every session gets (test seams: http, deps). */
  sessionDefaults?: Partial<AttachSessionOptions>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How much recent history the analyzers see (default one hour, the trend window). */
  windowMs?: number;
  /** …and at most this many snapshots of it. */
  maxWindowSnapshots?: number;
  /** Credentials of a Prometheus server (SecretStorage in the editor), read when its session starts. */
  prometheusAuth?: (serverUrl: string) => Promise<PrometheusAuth | undefined>;
}

interface Entry {
  spec: LiveTargetSpec;
  window: Snapshot[];
  latest?: Snapshot;
  findings: Finding[];
  /** What grew in the last Find What Grows on this target: added to its leak findings. */
  growth?: GrowthEvidence;
  engine?: AlertEngine;
  /** The rules the engine was built with: a settings change that keeps them keeps alert state. */
  rulesKey?: string;
  collecting: boolean;
  /**
   * A (re)started session's first snapshot has no rates (there is no previous scrape): alerts skip
   * it rather than read the gap as "condition cleared" and resolve a firing alert.
   */
  firstRound: boolean;
}

function rulesKeyOf(rules: readonly AlertRule[]): string {
  return JSON.stringify(rules.map((r) => [r.id, r.op, r.threshold, r.forMs, r.keepFiringForMs]));
}

export class LiveMonitor {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  private manager?: SessionManager;
  /** Sessions of Prometheus-server targets; their snapshots take the same path as the manager's. */
  private readonly prometheus: PrometheusSessions;
  /** Targets whose metrics arrive over OTLP; their snapshots take the same path as the manager's. */
  private readonly otlp: OtlpSessions;
  private managerSub?: { dispose(): void };
  private storePromise?: Promise<HistoryStore | undefined>;
  private storeValue?: HistoryStore;
  /** Snapshots that arrived while the store was still opening. */
  private pendingForStore: Snapshot[] = [];
  /** A listener that throws is logged; the others and the monitor go on. */
  private readonly listenerError = (e: unknown): void =>
    this.opts.log?.('error', `A live monitor listener failed: ${errorMessage(e)}`);
  private readonly updates = new Emitter<TargetState>({ onListenerError: this.listenerError });
  private readonly targetsChanged = new Emitter<readonly TargetState[]>({ onListenerError: this.listenerError });
  private readonly alerts = new Emitter<{ event: AlertEvent; label: string }>({ onListenerError: this.listenerError });
  private disposed = false;

  constructor(private readonly opts: LiveMonitorOptions) {
    this.clock = opts.clock ?? systemClock;
    this.prometheus = new PrometheusSessions({
      clock: this.clock,
      onSnapshot: (s) => this.onSnapshot(s),
      log: opts.log,
      ...(opts.prometheusAuth ? { auth: opts.prometheusAuth } : {}),
    });
    const cfg = opts.config();
    const hub = new OtlpMetricsHub({
      clock: this.clock,
      maxSeries: cfg.maxSeries,
      maxRoutes: cfg.maxRoutes,
      onRefused: (m) => opts.log?.('warn', m),
    });
    this.otlp = new OtlpSessions(hub, (s) => this.onSnapshot(s));
  }

  /** Where metrics received over OTLP go (the tracing receiver's onMetrics): `otlp:<service>` targets read them. */
  get otlpMetrics(): OtlpMetricsHub {
    return this.otlp.hub;
  }

  /** The running PrometheusSession of a Prometheus-server target (its source reads server history). */
  prometheusSession(id: string): PrometheusSession | undefined {
    return this.prometheus.session(id);
  }

  /** The history store once opened (undefined before the first attach or if it could not open). */
  get store(): HistoryStore | undefined {
    return this.storeValue;
  }

  /** Opens the store if not yet open; resolves to it (undefined when it cannot be opened). */
  ensureStore(): Promise<HistoryStore | undefined> {
    this.storePromise ??= (async () => {
      if (!this.opts.openStore) return undefined;
      try {
        const r = await this.opts.openStore();
        if (!r.ok) {
          this.opts.log?.(
            'error',
            `Metric history unavailable, keeping the last hour in memory only: ${r.error.message}`,
          );
          return undefined;
        }
        if (this.disposed) {
          await r.value.close();
          return undefined;
        }
        this.storeValue = r.value;
        for (const s of this.pendingForStore.splice(0)) this.record(r.value, s);
        return r.value;
      } catch (e) {
        this.opts.log?.('error', `Metric history unavailable: ${errorMessage(e)}`);
        return undefined;
      }
    })();
    return this.storePromise;
  }

  /** Starts collecting from a target (or restarts it with the current settings). */
  attach(spec: LiveTargetSpec): Result<TargetState, string> {
    const existing = this.entries.get(spec.id);
    if (existing) void this.stopSession(spec.id);
    const entry: Entry = existing
      ? { ...existing, spec, collecting: false }
      : { spec, window: [], findings: [], collecting: false, firstRound: true };
    this.entries.set(spec.id, entry);
    void this.ensureStore();
    const started = this.startSession(entry);
    this.emitTargets();
    if (!started.ok) return started;
    return { ok: true, value: this.stateOf(entry) };
  }

  async detach(id: string): Promise<boolean> {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    await this.stopSession(id);
    this.emitTargets();
    return true;
  }

  /**
   * Restarts every session (paths, interval or thresholds changed), keeping each window. Alert
   * state survives unless the rules themselves changed (then alerts start over from inactive).
   */
  async reconfigure(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stopSession(id)));
    for (const e of this.entries.values()) this.startSession(e);
    this.emitTargets();
  }

  /**
   * Records what Find What Grows measured on a target: its leak findings carry the growing sites
   * from the next analysis on (and at once, when it has leak findings now).
   */
  setHeapGrowth(id: string, growth: GrowthEvidence): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.growth = growth;
    try {
      e.findings = withGrowthEvidence(analyzeSnapshots(e.window, this.opts.config().analyzer), growth);
    } catch (err) {
      this.opts.log?.('error', `Analyzing ${e.spec.label} failed: ${errorMessage(err)}`);
    }
    this.updates.fire(this.stateOf(e));
  }

  targets(): TargetState[] {
    return [...this.entries.values()].map((e) => this.stateOf(e));
  }

  target(id: string): TargetState | undefined {
    const e = this.entries.get(id);
    return e ? this.stateOf(e) : undefined;
  }

  /** A snapshot of any target was processed (analyzers and alerts included). */
  readonly onDidUpdate: Event<TargetState> = this.updates.event;

  /** The set of targets, or whether they collect, changed. */
  readonly onDidChangeTargets: Event<readonly TargetState[]> = this.targetsChanged.event;

  /** An alert fired or resolved (once per episode: the engine's state machine decides). */
  readonly onAlert: Event<{ event: AlertEvent; label: string }> = this.alerts.event;

  /** Alert events of one target (or all), newest first. */
  alertHistory(targetId?: string, limit = 200): AlertEvent[] {
    const store = this.storeValue;
    if (store)
      return new StoreAlertHistory(store)
        .list({ limit: limit * 4 })
        .filter((e) => !targetId || e.targetId === targetId)
        .slice(0, limit);
    const all: AlertEvent[] = [];
    for (const e of this.entries.values())
      if (!targetId || e.spec.id === targetId)
        all.push(...((e.engine?.history.list() as AlertEvent[] | undefined) ?? []));
    return all.sort((a, b) => b.at - a.at).slice(0, limit);
  }

  /** Waits for alert deliveries (webhook, history) started so far. */
  async flushAlerts(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.engine?.flush()));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.managerSub?.dispose();
    this.otlp.dispose();
    await Promise.all([this.manager?.dispose(), this.prometheus.dispose()]);
    await this.flushAlerts();
    this.entries.clear();
    const store = await (this.storePromise ?? Promise.resolve(undefined));
    if (store) {
      const r = await store.close();
      if (!r.ok) this.opts.log?.('error', r.error.message);
    }
  }

  private sessions(): SessionManager {
    if (!this.manager) {
      this.manager = new SessionManager({ clock: this.clock, ...this.opts.sessionDefaults });
      this.managerSub = this.manager.onSnapshot((s) => this.onSnapshot(s));
    }
    return this.manager;
  }

  private startSession(entry: Entry): Result<void, string> {
    const cfg = this.opts.config();
    if (!cfg.enabled) {
      entry.collecting = false;
      return { ok: true, value: undefined };
    }
    const spec = entry.spec.spec;
    if (spec.kind === 'otlp') {
      entry.collecting = true;
      entry.firstRound = true;
      this.otlp.start(entry.spec.id, spec.service, entry.latest?.time);
      return { ok: true, value: undefined };
    }
    const r =
      spec.kind === 'prometheus'
        ? this.prometheus.start(entry.spec.id, spec, {
            allowRemote: cfg.allowRemote,
            intervalMs: cfg.intervalMs,
            queryTimeoutMs: cfg.requestTimeoutMs,
          })
        : this.sessions().attach({
            target: spec,
            id: entry.spec.id,
            intervalMs: cfg.intervalMs,
            metricsPath: cfg.metricsPath,
            healthPath: cfg.healthPath,
            statusPath: cfg.statusPath,
            scrapeTimeoutMs: cfg.requestTimeoutMs,
            maxSeries: cfg.maxSeries,
            maxRoutes: cfg.maxRoutes,
            allowRemote: cfg.allowRemote,
          });
    if (!r.ok) {
      this.opts.log?.('warn', `Could not start collecting from ${entry.spec.label}: ${r.error.message}`);
      return { ok: false, error: r.error };
    }
    entry.collecting = true;
    // A server's first answer already has rates (its window reaches back); a scrape's has none.
    entry.firstRound = spec.kind !== 'prometheus';
    return { ok: true, value: undefined };
  }

  private async stopSession(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (e) e.collecting = false;
    this.otlp.stop(id);
    await Promise.all([this.manager?.detach(id), this.prometheus.stop(id)]);
  }

  private engineFor(entry: Entry, cfg: LiveConfig): AlertEngine {
    const key = rulesKeyOf(cfg.alertRules);
    if (!entry.engine || entry.rulesKey !== key) {
      entry.rulesKey = key;
      const history = this.storeValue ? new StoreAlertHistory(this.storeValue) : new InMemoryAlertHistory();
      const engine = new AlertEngine(cfg.alertRules, { history, handlers: this.opts.alertHandlers?.() ?? [] });
      engine.onDeliveryError((d) => this.opts.log?.('warn', `Alert delivery (${d.handler}) failed: ${d.message}`));
      entry.engine = engine;
    }
    return entry.engine;
  }

  private onSnapshot(s: Snapshot): void {
    const entry = this.entries.get(s.targetId);
    if (!entry || this.disposed) return;
    const cfg = this.opts.config();
    entry.latest = s;
    entry.window.push(s);
    const windowMs = this.opts.windowMs ?? 3_600_000;
    const max = this.opts.maxWindowSnapshots ?? 1440;
    while (entry.window.length > 0 && (entry.window[0]!.time < s.time - windowMs || entry.window.length > max))
      entry.window.shift();
    if (this.storeValue) this.record(this.storeValue, s);
    else if (this.storePromise && this.pendingForStore.length < 10_000) this.pendingForStore.push(s);
    try {
      entry.findings = withGrowthEvidence(analyzeSnapshots(entry.window, cfg.analyzer), entry.growth);
    } catch (e) {
      this.opts.log?.('error', `Analyzing ${entry.spec.label} failed: ${errorMessage(e)}`);
    }
    const firstRound = entry.firstRound;
    entry.firstRound = false;
    if (cfg.alertsEnabled && !firstRound) {
      for (const event of this.engineFor(entry, cfg).evaluate(s)) {
        this.alerts.fire({ event, label: entry.spec.label });
      }
    }
    const state = this.stateOf(entry);
    this.updates.fire(state);
  }

  private record(store: HistoryStore, s: Snapshot): void {
    try {
      store.recordSnapshot(s);
    } catch (e) {
      this.opts.log?.('error', `Recording a snapshot in the history failed: ${errorMessage(e)}`);
    }
  }

  private stateOf(e: Entry): TargetState {
    const alerts = e.engine?.status() ?? [];
    return {
      id: e.spec.id,
      label: e.spec.label,
      collecting: e.collecting,
      latest: e.latest,
      health:
        e.collecting && !e.latest && e.spec.spec.kind === 'otlp'
          ? { level: 'unknown', reasons: [otlpWaiting(e.spec.spec.service)] }
          : e.collecting || e.latest
            ? assessTargetHealth(
                e.latest,
                alerts.filter((a) => a.state === 'firing'),
              )
            : { level: 'unknown', reasons: ['Monitoring is turned off (perflens.monitoring.enabled).'] },
      findings: e.findings,
      alerts,
      window: e.window,
    };
  }

  private emitTargets(): void {
    const all = this.targets();
    this.targetsChanged.fire(all);
  }
}
