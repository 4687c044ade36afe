import * as vscode from 'vscode';
import { WebhookAlertHandler } from '../../core/analyzers/alerts/webhook';
import type { AlertEvent, AlertHandler } from '../../core/analyzers/alerts/types';
import type { HistoryStore } from '../../core/store';
import type { Result } from '../../core/util/result';
import { fail } from '../../core/util/result';
import type { PerfLensSettings } from '../config';
import { HISTORY_FILE_NAME, SECRET_KEYS } from '../constants';
import type { ExtensionServices } from '../services';
import { readCurrentSettings } from '../services';
import type { TargetRegistry } from '../targets/targetRegistry';
import { deserializeAuth, prometheusSecretKey } from '../targets/prometheusTarget';
import { targetId } from '../targets/targetRegistry';
import { liveConfigFrom, needsRestart } from './liveConfig';
import { LiveMonitor } from './liveMonitor';

/** Sends alert events to the webhook URL kept in SecretStorage, read at send time (none set: nothing sent). */
class SecretWebhookHandler implements AlertHandler {
  readonly name = 'webhook';
  constructor(private readonly secrets: vscode.SecretStorage) {}
  async handle(event: AlertEvent): Promise<{ ok: boolean; message?: string }> {
    const url = await this.secrets.get(SECRET_KEYS.webhookUrl);
    if (!url) return { ok: true };
    return new WebhookAlertHandler({ url }).handle(event);
  }
}

/**
 * Creates the LiveMonitor and keeps it in step with the registry (attach and detach) and the
 * settings (restart on relevant changes). The history lives in the extension's global storage.
 */
export function createLiveMonitor(
  storage: Pick<ExtensionServices, 'globalStorageUri' | 'secrets'>,
  log: vscode.LogOutputChannel,
  registry: TargetRegistry,
): { monitor: LiveMonitor; disposable: vscode.Disposable } {
  let settings: PerfLensSettings = readCurrentSettings();
  const openStore = async (): Promise<Result<HistoryStore, string>> => {
    const { openHistoryStore } = await import('../../core/store');
    const file = vscode.Uri.joinPath(storage.globalStorageUri, HISTORY_FILE_NAME).fsPath;
    const r = await openHistoryStore({
      file,
      retentionDays: settings.retentionDays,
      onPersistError: (m) => log.error(m),
    });
    if (!r.ok) {
      // A history file PerfLens did not write (or cannot read) is left alone; say so once, not only in the log.
      void vscode.window.showWarningMessage(
        `PerfLens: ${r.error.message} Metrics are kept in memory for the last hour only.`,
      );
      return fail(r.error.kind, r.error.message);
    }
    if (r.value.movedAside) {
      log.warn(r.value.movedAside.reason);
      void vscode.window.showWarningMessage(`PerfLens: ${r.value.movedAside.reason}`);
    }
    log.info(`metric history: ${file}`);
    return { ok: true, value: r.value };
  };
  const monitor = new LiveMonitor({
    config: () => liveConfigFrom(settings),
    openStore,
    alertHandlers: () => [new SecretWebhookHandler(storage.secrets)],
    prometheusAuth: async (serverUrl) => deserializeAuth(await storage.secrets.get(prometheusSecretKey(serverUrl))),
    log: (level, message) => log[level](message),
  });

  const sync = () => {
    const wanted = new Map(registry.attached.map((t) => [targetId(t.spec), t]));
    for (const t of monitor.targets()) if (!wanted.has(t.id)) void monitor.detach(t.id);
    for (const [id, t] of wanted) {
      if (monitor.target(id)) continue;
      const r = monitor.attach({ id, label: t.label, spec: t.spec });
      if (!r.ok) log.warn(`not collecting from ${t.label}: ${r.error.message}`);
    }
  };
  const registrySub = registry.onDidChange(sync);
  const configSub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('perflens')) return;
    const next = readCurrentSettings();
    const restart = needsRestart(settings, next);
    settings = next;
    if (restart) {
      log.info('settings changed: restarting collection');
      void monitor.reconfigure();
    }
  });
  const trustSub = vscode.workspace.onDidGrantWorkspaceTrust(() => {
    settings = readCurrentSettings();
    void monitor.reconfigure();
  });
  // Targets remembered from the last session collect again, after activation has returned.
  const timer = setTimeout(sync, 0);
  return {
    monitor,
    disposable: new vscode.Disposable(() => {
      clearTimeout(timer);
      registrySub.dispose();
      configSub.dispose();
      trustSub.dispose();
    }),
  };
}
