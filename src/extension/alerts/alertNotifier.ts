import * as vscode from 'vscode';
import { Disposable, Emitter, toDisposable } from '../../core/util/lifecycle';
import type { AlertEvent } from '../../core/analyzers/alerts/types';
import { COMMANDS, CONTEXT_KEYS, STATE_KEYS } from '../constants';
import type { ExtensionServices } from '../services';
import { formatSpan } from '../../shared/format';

export const SNOOZE_ACTION = `Snooze ${formatSpan(3_600_000)}`;
export const OPEN_DASHBOARD_ACTION = 'Open Dashboard';
const HOUR_MS = 3_600_000;

/** Whether notifications are snoozed, kept in global state so a reload does not undo a snooze. */
export class AlertSnooze extends Disposable {
  private timer?: NodeJS.Timeout;
  private readonly changed = this._register(new Emitter<number | undefined>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    super();
    this._register(toDisposable(() => clearTimeout(this.timer)));
    this.apply();
  }

  /** Epoch ms the snooze ends, if one is running. */
  get until(): number | undefined {
    const until = this.state.get<number>(STATE_KEYS.snoozedUntil);
    return typeof until === 'number' && until > Date.now() ? until : undefined;
  }

  async snooze(ms: number): Promise<void> {
    await this.state.update(STATE_KEYS.snoozedUntil, ms > 0 ? Date.now() + ms : undefined);
    this.apply();
  }

  private apply(): void {
    clearTimeout(this.timer);
    const until = this.until;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.alertsSnoozed, until !== undefined);
    // The context key and views follow the end of a snooze without anyone asking.
    if (until !== undefined)
      this.timer = setTimeout(() => this.apply(), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    this.changed.fire(until);
  }
}

/**
 * One notification when an alert fires (Open Dashboard, Snooze 1 h) and one when it resolves: the
 * core engine emits exactly one of each per episode, after its pending (`for`) time and its
 * keep-firing time. Quiet mode and a snooze keep the notifications away; the views, the dashboard,
 * the alert history and the webhook still get every event.
 */
export function bindAlertNotifications(
  services: Pick<ExtensionServices, 'monitor' | 'log' | 'settings'>,
  snooze: AlertSnooze,
): vscode.Disposable {
  const sub = services.monitor.onAlert(({ event, label }) => {
    services.log.info(`alert ${event.type}: ${label}: ${event.message}`);
    const { alertsQuiet } = services.settings();
    if (alertsQuiet || snooze.until !== undefined) return;
    void notify(event, label, snooze);
  });
  return new vscode.Disposable(() => sub.dispose());
}

async function notify(event: AlertEvent, label: string, snooze: AlertSnooze): Promise<void> {
  if (event.type === 'resolved') {
    const choice = await vscode.window.showInformationMessage(
      `PerfLens: resolved on ${label}: ${event.message}`,
      OPEN_DASHBOARD_ACTION,
    );
    if (choice === OPEN_DASHBOARD_ACTION) await vscode.commands.executeCommand(COMMANDS.showDashboard);
    return;
  }
  const show = event.severity === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const choice = await show(`PerfLens alert on ${label}: ${event.message}`, OPEN_DASHBOARD_ACTION, SNOOZE_ACTION);
  if (choice === OPEN_DASHBOARD_ACTION) await vscode.commands.executeCommand(COMMANDS.showDashboard);
  else if (choice === SNOOZE_ACTION) await snooze.snooze(HOUR_MS);
}
