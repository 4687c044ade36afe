import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';

/**
 * Honours `perflens.autoAttach`: when the workspace names a target and is trusted, attach to it
 * after activation (not during it). A target remembered from last time is attached again, so
 * its probe is fresh.
 */
export function scheduleAutoAttach(services: ExtensionServices): void {
  const wanted = services.settings().autoAttach;
  if (!wanted) return;
  if (!vscode.workspace.isTrusted) {
    services.log.info(`perflens.autoAttach (${wanted}) ignored: the workspace is not trusted.`);
    return;
  }
  setTimeout(() => {
    services.log.info(`auto-attaching to ${wanted} (setting perflens.autoAttach)`);
    void vscode.commands.executeCommand(COMMANDS.attach, wanted);
  }, 0);
}
