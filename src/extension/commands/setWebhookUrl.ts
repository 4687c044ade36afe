import * as vscode from 'vscode';
import { SECRET_KEYS } from '../constants';
import type { ExtensionServices } from '../services';

/** An http(s) URL, or why not. */
export function webhookUrlProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return 'The webhook URL must start with https:// (or http:// for a local receiver).';
    return undefined;
  } catch {
    return 'That is not a URL. Paste the incoming-webhook URL from Slack, Mattermost or your chat bridge.';
  }
}

/**
 * PerfLens: Set Webhook URL… — keeps the alert webhook URL in SecretStorage (never in settings
 * files, which get committed). An empty value removes it. Returns what happened.
 */
export async function setWebhookUrlCommand(
  services: Pick<ExtensionServices, 'secrets' | 'log'>,
  arg?: unknown,
): Promise<'set' | 'cleared' | undefined> {
  const value =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'PerfLens: Alert Webhook URL',
          prompt:
            'Alerts are posted here as Slack-compatible JSON when they fire and resolve. Leave empty to remove the webhook.',
          placeHolder: 'https://hooks.slack.com/services/…',
          password: true,
          ignoreFocusOut: true,
          validateInput: webhookUrlProblem,
        });
  if (value === undefined) return undefined;
  const problem = webhookUrlProblem(value);
  if (problem) {
    void vscode.window.showErrorMessage(`PerfLens: ${problem}`);
    return undefined;
  }
  if (value.trim() === '') {
    await services.secrets.delete(SECRET_KEYS.webhookUrl);
    void vscode.window.showInformationMessage('PerfLens: alert webhook removed.');
    return 'cleared';
  }
  await services.secrets.store(SECRET_KEYS.webhookUrl, value.trim());
  services.log.info(`alert webhook set (${new URL(value.trim()).host})`);
  void vscode.window.showInformationMessage('PerfLens: alert webhook saved in the secret storage.');
  return 'set';
}
