import * as vscode from 'vscode';
import { Disposable } from '../../core/util/lifecycle';
import { COMMANDS, STATUS_BAR_ID, STATUS_BAR_NAME } from '../constants';
import type { ExtensionServices } from '../services';
import { statusBarView } from './statusBarModel';

/**
 * The "PerfLens: …" item: the worst attached target's state and headline number, a tooltip with
 * every target's numbers and failing checks; a click opens the dashboard.
 */
export class StatusBarController extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly services: Pick<ExtensionServices, 'monitor' | 'registry' | 'settings'>) {
    super();
    // Registered first, disposed last: the listeners go before the item they render into.
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50));
    this.item.name = STATUS_BAR_NAME;
    this.item.command = COMMANDS.showDashboard;
    const { monitor, registry } = services;
    this._register(monitor.onDidUpdate(() => this.render()));
    this._register(monitor.onDidChangeTargets(() => this.render()));
    this._register(registry.onDidChange(() => this.render()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('perflens')) this.render();
      }),
    );
    this.render();
    this.item.show();
  }

  private render(): void {
    const settings = this.services.settings();
    const states = this.services.monitor.targets();
    // Targets attached but not yet handed to the monitor (the first moments after a reload).
    const pending = this.services.registry.attached.filter((t) => !states.some((s) => s.label === t.label));
    const all = [
      ...states,
      ...pending.map((t) => ({
        id: t.input,
        label: t.label,
        collecting: false,
        health: { level: 'unknown' as const, reasons: [] },
        findings: [],
        alerts: [],
        window: [],
      })),
    ];
    const view = statusBarView(all, settings.statusBarHeadline, settings.monitoringEnabled);
    this.item.text = view.text;
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
  }
}
