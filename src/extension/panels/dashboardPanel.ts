import * as vscode from 'vscode';
import type { DashboardData, DashboardToHost, HostToDashboard, RangeId } from '../../shared/protocol/dashboard';
import { assertNever } from '../../shared/assertNever';
import { checkDashboardToHost, isRangeId } from '../../shared/protocol/dashboard';
import { COMMANDS, VIEWS } from '../constants';
import type { LiveMonitor } from '../live/liveMonitor';
import type { AttachDependencies } from '../targets/attachTarget';
import { reprobeCurrent } from '../targets/attachTarget';
import type { TargetRegistry } from '../targets/targetRegistry';
import { targetId } from '../targets/targetRegistry';
import { buildDashboardData } from './dashboardData';
import { targetView } from './dashboardTargets';
import type { ServerHistory } from './serverHistory';
import { ServerHistoryCache } from './serverHistory';
import type { WebviewPanelDependencies } from './webviewPanel';
import { createWebviewPanel, restoreWebviewOptions, WebviewPanelHost } from './webviewPanel';

/** What the dashboard uses: the attached targets, their sessions and history, and the collection interval. */
export interface DashboardPanelDependencies extends WebviewPanelDependencies {
  readonly registry: TargetRegistry;
  readonly monitor: LiveMonitor;
  /** The collection interval as it applies now, ms. */
  collectionIntervalMs(): number;
  attachDependencies(): AttachDependencies;
}

/** What the host keeps about the page: the target and range it shows, and whether a probe runs. */
interface DashboardPanelState {
  selected: string | undefined;
  range: RangeId;
  probing: boolean;
}

/** The last render times the page reported, for the output log and the tests. */
export interface DashboardTimings {
  firstRenderMs?: number;
  lastUpdateMs?: number;
  lastBuildMs?: number;
  points?: number;
  /** The most recent update render times, oldest first (at most 20). */
  updates: number[];
}

/**
 * The Dashboard webview: one panel per window. It shows one target (chosen in the page) over one
 * range, posts new data at most once per collection interval, and is restored after a reload by
 * the serializer (the page keeps its target, range and sort in its webview state).
 */
export class DashboardPanel extends WebviewPanelHost<HostToDashboard, DashboardToHost, DashboardPanelState> {
  private static current: DashboardPanel | undefined;
  /** The last page's render times, kept in test mode only (read by the integration suite). */
  static timings: DashboardTimings | undefined;
  private lastBuildMs: number | undefined;
  private ready = false;
  private lastPostAt = 0;
  private pendingTimer?: NodeJS.Timeout;
  private sentFirst = false;
  private readonly serverHistory = new ServerHistoryCache();

  static show(deps: DashboardPanelDependencies, opts: { targetId?: string; range?: RangeId } = {}): DashboardPanel {
    const existing = DashboardPanel.current;
    if (existing) {
      existing.panel.reveal();
      if (opts.targetId || opts.range)
        existing.select(opts.targetId ?? existing.state.selected, opts.range ?? existing.state.range, 'range');
      return existing;
    }
    const panel = createWebviewPanel(
      VIEWS.dashboardPanel,
      'PerfLens Dashboard',
      vscode.ViewColumn.Active,
      deps.extensionUri,
    );
    DashboardPanel.current = new DashboardPanel(panel, deps, opts);
    return DashboardPanel.current;
  }

  /** Restores a panel VS Code kept across a reload (registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, deps: DashboardPanelDependencies, saved: unknown): void {
    DashboardPanel.current?.dispose();
    const s = (saved ?? {}) as { targetId?: unknown; range?: unknown };
    restoreWebviewOptions(panel, deps.extensionUri);
    DashboardPanel.current = new DashboardPanel(panel, deps, {
      targetId: typeof s.targetId === 'string' ? s.targetId : undefined,
      range: isRangeId(s.range) ? s.range : undefined,
    });
  }

  private constructor(
    panel: vscode.WebviewPanel,
    protected override readonly deps: DashboardPanelDependencies,
    opts: { targetId?: string; range?: RangeId },
  ) {
    super(
      panel,
      deps,
      {
        page: 'dashboard',
        title: 'PerfLens Dashboard',
        script: 'dashboard.js',
        styles: ['dashboard.css'],
        check: checkDashboardToHost,
      },
      { selected: opts.targetId, range: opts.range ?? '15m', probing: false },
    );
    // A new page measures afresh.
    DashboardPanel.timings = deps.testMode ? { updates: [] } : undefined;
    const { registry, monitor } = deps;
    this.store.add(registry.onDidChange(() => this.postState()));
    this.store.add(monitor.onDidChangeTargets(() => this.postState()));
    this.store.add(
      monitor.onDidUpdate((t) => {
        if (t.id === this.selectedId()) this.scheduleData();
      }),
    );
    this.store.add(
      panel.onDidChangeViewState(() => {
        // Hidden panels skip updates; catch up as soon as the panel shows again.
        if (panel.visible) void this.postData('update');
      }),
    );
  }

  private selectedId(): string | undefined {
    const { selected } = this.state;
    const attached = this.deps.registry.attached;
    if (
      selected &&
      (attached.some((t) => targetId(t.spec) === selected) || this.deps.monitor.store?.series(selected).length)
    )
      return selected;
    const cur = this.deps.registry.current;
    return cur ? targetId(cur.spec) : undefined;
  }

  protected async onMessage(message: DashboardToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sentFirst = false;
        if (message.targetId && !this.state.selected) this.state.selected = message.targetId;
        if (message.range && this.state.range === '15m') this.state.range = message.range;
        this.postState();
        void this.postData('first');
        return;
      case 'select':
        this.select(message.targetId, message.range, 'range');
        return;
      case 'reprobe':
        await this.reprobe();
        return;
      case 'attach':
        await vscode.commands.executeCommand(COMMANDS.attach);
        return;
      case 'detach':
        await vscode.commands.executeCommand(COMMANDS.detach, message.targetId);
        return;
      case 'exportReport':
        await vscode.commands.executeCommand(COMMANDS.exportReport, {
          targetId: this.selectedId(),
          range: this.state.range,
        });
        return;
      case 'rendered':
        this.recordTiming(message.reason, message.renderMs, message.points);
        return;
      default:
        assertNever(message);
    }
  }

  private recordTiming(reason: 'first' | 'update' | 'range', renderMs: number, points: number): void {
    const t = DashboardPanel.timings;
    if (t) {
      if (reason === 'first') t.firstRenderMs = renderMs;
      else {
        t.lastUpdateMs = renderMs;
        t.updates.push(renderMs);
        if (t.updates.length > 20) t.updates.shift();
      }
      t.points = points;
    }
    this.deps.log.debug(
      `dashboard ${reason} render: ${renderMs.toFixed(1)} ms for ${points} points (data built in ${this.lastBuildMs?.toFixed(1) ?? '?'} ms)`,
    );
  }

  private select(id: string | undefined, range: RangeId, reason: 'range'): void {
    this.state.selected = id;
    this.state.range = range;
    this.postState();
    void this.postData(reason);
  }

  private async reprobe(): Promise<void> {
    this.state.probing = true;
    this.postState();
    try {
      await reprobeCurrent(this.deps.attachDependencies());
    } catch (e) {
      this.post({ type: 'error', message: `Probe failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.state.probing = false;
      this.postState();
    }
  }

  private postState(): void {
    const { registry, monitor } = this.deps;
    const targets = registry.attached.map((t) => targetView(t, monitor.target(targetId(t.spec))));
    this.post({
      type: 'state',
      targets,
      selected: this.selectedId() ?? null,
      range: this.state.range,
      probing: this.state.probing,
      intervalMs: this.deps.collectionIntervalMs(),
    });
  }

  /** At most one data message per collection interval; a burst of snapshots coalesces into one. */
  private scheduleData(): void {
    if (!this.ready || !this.panel.visible || this.pendingTimer) return;
    const interval = this.deps.collectionIntervalMs();
    const wait = Math.max(0, this.lastPostAt + interval - Date.now());
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      void this.postData('update');
    }, wait);
  }

  /** Builds and posts the data for the selected target and range. */
  buildData(serverHistory?: ServerHistory): DashboardData | undefined {
    const id = this.selectedId();
    if (!id) return undefined;
    const { monitor, registry } = this.deps;
    const state = monitor.target(id);
    const attached = registry.find(id);
    return buildDashboardData({
      targetId: id,
      label: attached?.label ?? state?.label ?? id,
      range: this.state.range,
      now: Date.now(),
      state,
      store: monitor.store,
      alertHistory: monitor.alertHistory(id, 100),
      ...(serverHistory ? { serverHistory } : {}),
    });
  }

  /** A Prometheus-server target's long ranges are read from the server; undefined otherwise. */
  private readServerHistory(id: string | undefined): Promise<ServerHistory> | undefined {
    const spec = id ? this.deps.registry.find(id)?.spec : undefined;
    if (!id || spec?.kind !== 'prometheus') return undefined;
    const source = this.deps.monitor.prometheusSession(id)?.source;
    const reader = source
      ? async (opts: Parameters<typeof source.history>[0]) => {
          const r = await source.history(opts);
          return r.ok ? r : { ok: false as const, error: { kind: r.error.kind as string, message: r.error.message } };
        }
      : undefined;
    return this.serverHistory.read(id, this.state.range, Date.now(), reader);
  }

  private async postData(reason: 'first' | 'update' | 'range'): Promise<void> {
    if (!this.ready) return;
    try {
      const id = this.selectedId();
      const range = this.state.range;
      const pending = this.readServerHistory(id);
      const serverHistory = pending ? await pending : undefined;
      // A selection made while the server answered posts its own data.
      if (pending && (id !== this.selectedId() || range !== this.state.range)) return;
      const data = this.buildData(serverHistory);
      if (!data) return;
      this.lastBuildMs = data.buildMs;
      if (DashboardPanel.timings) DashboardPanel.timings.lastBuildMs = data.buildMs;
      this.lastPostAt = Date.now();
      this.post({ type: 'data', data, reason: this.sentFirst ? reason : 'first' });
      this.sentFirst = true;
    } catch (e) {
      this.deps.log.error('building the dashboard data failed', e instanceof Error ? e : String(e));
      this.post({
        type: 'error',
        message: `Could not build the dashboard: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  override dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    clearTimeout(this.pendingTimer);
    super.dispose();
  }
}
