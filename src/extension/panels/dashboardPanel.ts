import * as vscode from 'vscode';
import type { DashboardData, DashboardToHost, HostToDashboard, RangeId } from '../../shared/protocol/dashboard';
import { assertNever } from '../../shared/assertNever';
import { checkDashboardToHost, isRangeId } from '../../shared/protocol/dashboard';
import { COMMANDS, VIEWS } from '../constants';
import type { ExtensionServices } from '../services';
import { reprobeCurrent } from '../targets/attachTarget';
import { targetId } from '../targets/targetRegistry';
import { buildDashboardData } from './dashboardData';
import { targetView } from './dashboardTargets';
import type { ServerHistory } from './serverHistory';
import { ServerHistoryCache } from './serverHistory';
import { DASHBOARD_BODY } from './dashboardMarkup';
import { renderWebviewPage, webviewOptions } from './html';
import { inTestMode } from '../testMode';

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
export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  /** The last page's render times, kept in test mode only (read by the integration suite). */
  static timings: DashboardTimings | undefined;
  private lastBuildMs: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private probing = false;
  private selected: string | undefined;
  private range: RangeId = '15m';
  private ready = false;
  private lastPostAt = 0;
  private pendingTimer?: NodeJS.Timeout;
  private sentFirst = false;
  private readonly serverHistory = new ServerHistoryCache();

  static show(services: ExtensionServices, opts: { targetId?: string; range?: RangeId } = {}): DashboardPanel {
    const existing = DashboardPanel.current;
    if (existing) {
      existing.panel.reveal();
      if (opts.targetId || opts.range)
        existing.select(opts.targetId ?? existing.selected, opts.range ?? existing.range, 'range');
      return existing;
    }
    const { extensionUri } = services.context;
    const panel = vscode.window.createWebviewPanel(
      VIEWS.dashboardPanel,
      'PerfLens Dashboard',
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    DashboardPanel.current = new DashboardPanel(panel, services, opts);
    return DashboardPanel.current;
  }

  /** Restores a panel VS Code kept across a reload (registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, services: ExtensionServices, saved: unknown): void {
    DashboardPanel.current?.panel.dispose();
    const s = (saved ?? {}) as { targetId?: unknown; range?: unknown };
    panel.webview.options = webviewOptions(services.context.extensionUri);
    DashboardPanel.current = new DashboardPanel(panel, services, {
      targetId: typeof s.targetId === 'string' ? s.targetId : undefined,
      range: isRangeId(s.range) ? s.range : undefined,
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    opts: { targetId?: string; range?: RangeId },
  ) {
    this.selected = opts.targetId;
    this.range = opts.range ?? '15m';
    const testHooks = inTestMode(services.context);
    // A new page measures afresh.
    DashboardPanel.timings = testHooks ? { updates: [] } : undefined;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'perflens.svg');
    panel.webview.html = renderWebviewPage(panel.webview, services.context.extensionUri, {
      title: 'PerfLens Dashboard',
      scripts: ['dashboard.js'],
      styles: ['dashboard.css'],
      body: DASHBOARD_BODY,
      testHooks,
    });
    const { registry, monitor } = services;
    const subs = [
      registry.onDidChange(() => this.postState()),
      monitor.onDidChangeTargets(() => this.postState()),
      monitor.onDidUpdate((t) => {
        if (t.id === this.selectedId()) this.scheduleData();
      }),
    ];
    this.disposables.push(
      new vscode.Disposable(() => subs.forEach((s) => s.dispose())),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // Hidden panels skip updates; catch up as soon as the panel shows again.
        if (panel.visible) void this.postData('update');
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private selectedId(): string | undefined {
    const attached = this.services.registry.attached;
    if (
      this.selected &&
      (attached.some((t) => targetId(t.spec) === this.selected) ||
        this.services.monitor.store?.series(this.selected).length)
    )
      return this.selected;
    const cur = this.services.registry.current;
    return cur ? targetId(cur.spec) : undefined;
  }

  private receive(message: unknown): void {
    const checked = checkDashboardToHost(message);
    if (!checked.ok) {
      this.services.log.warn(`ignored a message: ${checked.reason}`);
      return;
    }
    void this.handle(checked.message);
  }

  private async handle(message: DashboardToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sentFirst = false;
        if (message.targetId && !this.selected) this.selected = message.targetId;
        if (message.range && this.range === '15m') this.range = message.range;
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
        await vscode.commands.executeCommand(COMMANDS.exportReport, { targetId: this.selectedId(), range: this.range });
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
    this.services.log.debug(
      `dashboard ${reason} render: ${renderMs.toFixed(1)} ms for ${points} points (data built in ${this.lastBuildMs?.toFixed(1) ?? '?'} ms)`,
    );
  }

  private select(id: string | undefined, range: RangeId, reason: 'range'): void {
    this.selected = id;
    this.range = range;
    this.postState();
    void this.postData(reason);
  }

  private async reprobe(): Promise<void> {
    this.probing = true;
    this.postState();
    try {
      await reprobeCurrent(this.services.attachDependencies());
    } catch (e) {
      this.post({ type: 'error', message: `Probe failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.probing = false;
      this.postState();
    }
  }

  private postState(): void {
    const { registry, monitor } = this.services;
    const targets = registry.attached.map((t) => targetView(t, monitor.target(targetId(t.spec))));
    this.post({
      type: 'state',
      targets,
      selected: this.selectedId() ?? null,
      range: this.range,
      probing: this.probing,
      intervalMs: this.services.settings().collectionIntervalSeconds * 1000,
    });
  }

  /** At most one data message per collection interval; a burst of snapshots coalesces into one. */
  private scheduleData(): void {
    if (!this.ready || !this.panel.visible || this.pendingTimer) return;
    const interval = this.services.settings().collectionIntervalSeconds * 1000;
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
    const { monitor, registry } = this.services;
    const state = monitor.target(id);
    const attached = registry.find(id);
    return buildDashboardData({
      targetId: id,
      label: attached?.label ?? state?.label ?? id,
      range: this.range,
      now: Date.now(),
      state,
      store: monitor.store,
      alertHistory: monitor.alertHistory(id, 100),
      ...(serverHistory ? { serverHistory } : {}),
    });
  }

  /** A Prometheus-server target's long ranges are read from the server; undefined otherwise. */
  private readServerHistory(id: string | undefined): Promise<ServerHistory> | undefined {
    const spec = id ? this.services.registry.find(id)?.spec : undefined;
    if (!id || spec?.kind !== 'prometheus') return undefined;
    const source = this.services.monitor.prometheusSession(id)?.source;
    const reader = source
      ? async (opts: Parameters<typeof source.history>[0]) => {
          const r = await source.history(opts);
          return r.ok ? r : { ok: false as const, error: { kind: r.error.kind as string, message: r.error.message } };
        }
      : undefined;
    return this.serverHistory.read(id, this.range, Date.now(), reader);
  }

  private async postData(reason: 'first' | 'update' | 'range'): Promise<void> {
    if (!this.ready) return;
    try {
      const id = this.selectedId();
      const range = this.range;
      const pending = this.readServerHistory(id);
      const serverHistory = pending ? await pending : undefined;
      // A selection made while the server answered posts its own data.
      if (pending && (id !== this.selectedId() || range !== this.range)) return;
      const data = this.buildData(serverHistory);
      if (!data) return;
      this.lastBuildMs = data.buildMs;
      if (DashboardPanel.timings) DashboardPanel.timings.lastBuildMs = data.buildMs;
      this.lastPostAt = Date.now();
      this.post({ type: 'data', data, reason: this.sentFirst ? reason : 'first' });
      this.sentFirst = true;
    } catch (e) {
      this.services.log.error('building the dashboard data failed', e instanceof Error ? e : String(e));
      this.post({
        type: 'error',
        message: `Could not build the dashboard: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  private post(message: HostToDashboard): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    clearTimeout(this.pendingTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
