import * as vscode from 'vscode';
import type { DashboardToHost, EndpointView, HostToDashboard, TargetView } from '../../../webview/dashboard/protocol';
import { assertNever, isDashboardToHost } from '../../../webview/dashboard/protocol';
import { COMMANDS, VIEWS } from '../constants';
import type { ExtensionServices } from '../services';
import { reprobeCurrent } from '../targets/attachTarget';
import type { EndpointReport } from '../targets/probeReport';
import type { AttachedTarget } from '../targets/targetRegistry';
import { renderWebviewPage, webviewOptions } from './html';

/** Static page skeleton; the page script fills every value in with textContent. */
const DASHBOARD_BODY = `<main class="dashboard" data-perflens-view="dashboard" data-state="loading">
      <header>
        <h1>PerfLens</h1>
        <div class="actions">
          <button id="attach" type="button">Attach…</button>
          <button id="reprobe" type="button">Probe again</button>
          <button id="detach" type="button" class="secondary">Detach</button>
        </div>
      </header>
      <section class="target" aria-labelledby="target-heading">
        <h2 id="target-heading">Target</h2>
        <p id="target-empty">Not attached. Run <strong>PerfLens: Attach to Service…</strong> and give a URL, a port or a process id.</p>
        <dl id="target-details" hidden>
          <dt>URL</dt><dd><code id="target-url"></code></dd>
          <dt>Attached</dt><dd id="target-since"></dd>
          <dt>Last probe</dt><dd id="target-probed"></dd>
        </dl>
      </section>
      <section class="endpoints" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <table id="endpoints">
          <thead><tr><th>Endpoint</th><th>Reachable</th><th>Status</th><th>Content type</th><th>Latency</th><th>Detail</th></tr></thead>
          <tbody></tbody>
        </table>
        <p id="probing" hidden>Probing…</p>
      </section>
      <p id="error" class="error" role="alert" hidden></p>
    </main>`;

function endpointView(e: EndpointReport): EndpointView {
  return { path: e.path, url: e.url, reachable: e.reachable, status: e.status, contentType: e.contentType, latencyMs: e.latencyMs, error: e.error };
}

export function targetView(t: AttachedTarget | undefined): TargetView | null {
  if (!t) return null;
  return {
    label: t.label,
    url: t.spec.kind === 'pid' ? undefined : t.spec.baseUrl,
    pid: t.spec.kind === 'pid' ? t.spec.pid : undefined,
    attachedAt: new Date(t.attachedAt).toISOString(),
    probe: t.probe
      ? { metrics: endpointView(t.probe.metrics), health: endpointView(t.probe.health), probedAt: new Date(t.probedAt ?? t.attachedAt).toISOString() }
      : undefined,
  };
}

/** The Dashboard webview: one panel per window, revealed again when asked twice. */
export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private probing = false;

  static show(services: ExtensionServices): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const { extensionUri } = services.context;
    const panel = vscode.window.createWebviewPanel(VIEWS.dashboardPanel, 'PerfLens Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'perflens.svg');
    DashboardPanel.current = new DashboardPanel(panel, services);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
  ) {
    panel.webview.html = renderWebviewPage(panel.webview, services.context.extensionUri, {
      title: 'PerfLens Dashboard',
      scripts: ['dashboard.js'],
      styles: ['dashboard.css'],
      body: DASHBOARD_BODY,
    });
    const registrySub = services.registry.onDidChange(() => this.postState());
    this.disposables.push(
      new vscode.Disposable(() => registrySub.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private receive(message: unknown): void {
    if (!isDashboardToHost(message)) {
      this.services.log.warn(`dashboard sent an unknown message: ${JSON.stringify(message)}`);
      return;
    }
    void this.handle(message);
  }

  private async handle(message: DashboardToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postState();
        return;
      case 'reprobe':
        await this.reprobe();
        return;
      case 'attach':
        await vscode.commands.executeCommand(COMMANDS.attach);
        return;
      case 'detach':
        await vscode.commands.executeCommand(COMMANDS.detach);
        return;
      default:
        assertNever(message);
    }
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
    this.post({ type: 'state', target: targetView(this.services.registry.current), probing: this.probing });
  }

  private post(message: HostToDashboard): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    DashboardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
