import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { formatSpan } from '../../shared/format';

const choice = (minutes: number): { label: string; minutes: number } => ({
  label: formatSpan(minutes * 60_000),
  minutes,
});
const CHOICES = [
  choice(15),
  choice(60),
  choice(240),
  { label: `Until tomorrow (${formatSpan(1440 * 60_000)})`, minutes: 1440 },
  { label: 'Resume notifications now', minutes: 0 },
];

/**
 * PerfLens: Snooze Alerts — no alert notifications for a while (alerts still show in the views,
 * the dashboard, the history and the webhook). The argument, when given, is minutes (0 resumes).
 * Returns the end of the snooze (epoch ms), or undefined when none is running.
 */
export async function snoozeAlertsCommand(
  services: Pick<ExtensionServices, 'snooze' | 'log'>,
  arg?: unknown,
): Promise<number | undefined> {
  let minutes = typeof arg === 'number' && Number.isFinite(arg) && arg >= 0 ? arg : undefined;
  if (minutes === undefined) {
    const until = services.snooze.until;
    const pick = await vscode.window.showQuickPick(CHOICES, {
      title: 'PerfLens: Snooze Alert Notifications',
      placeHolder: until ? `Snoozed until ${new Date(until).toLocaleTimeString()}` : 'For how long?',
    });
    if (!pick) return services.snooze.until;
    minutes = pick.minutes;
  }
  await services.snooze.snooze(minutes * 60_000);
  const until = services.snooze.until;
  services.log.info(
    until ? `alert notifications snoozed until ${new Date(until).toISOString()}` : 'alert notifications resumed',
  );
  return until;
}
