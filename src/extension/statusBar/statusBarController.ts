import * as vscode from 'vscode';
import { COMMANDS, STATUS_BAR_ID, STATUS_BAR_NAME } from '../constants';
import { describeEndpoint, endpointUsable } from '../targets/probeReport';
import type { AttachedTarget, TargetRegistry } from '../targets/targetRegistry';

/** The "PerfLens: …" item: what is attached and whether it answers; a click opens the dashboard. */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: { dispose(): void };

  constructor(registry: TargetRegistry) {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = STATUS_BAR_NAME;
    this.item.command = COMMANDS.showDashboard;
    this.render(registry.current);
    this.subscription = registry.onDidChange((t) => this.render(t));
    this.item.show();
  }

  private render(target: AttachedTarget | undefined): void {
    if (!target) {
      this.item.text = '$(pulse) PerfLens: not attached';
      this.item.tooltip = 'PerfLens is not attached to a service. Click to open the dashboard, or run "PerfLens: Attach to Service…".';
      this.item.backgroundColor = undefined;
      return;
    }
    const probe = target.probe;
    const unreachable = probe !== undefined && !endpointUsable(probe.metrics) && !endpointUsable(probe.health);
    this.item.text = `${unreachable ? '$(warning)' : '$(plug)'} PerfLens: ${target.label}`;
    this.item.backgroundColor = unreachable ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    // A plain-string tooltip: strings from the service are never rendered as markdown.
    const lines = [`PerfLens: attached to ${target.spec.kind === 'pid' ? target.label : target.spec.baseUrl}`];
    if (probe) lines.push(describeEndpoint(probe.metrics), describeEndpoint(probe.health));
    lines.push('Click to show the dashboard.');
    this.item.tooltip = lines.join('\n');
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
