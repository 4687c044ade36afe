import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';

/**
 * Honours `perflens.autoAttach`: attach to the named target after activation (not during it).
 * In an untrusted workspace only the user's own value counts (config.ts): a workspace's
 * settings.json cannot point PerfLens at a target, and the log says it was ignored.
 */
export function scheduleAutoAttach(services: Pick<ExtensionServices, 'settings' | 'log'>): void {
  const wanted = services.settings().autoAttach;
  if (!vscode.workspace.isTrusted) {
    const fromWorkspace = vscode.workspace.getConfiguration('perflens').inspect<string>('autoAttach');
    const ignored = fromWorkspace?.workspaceFolderValue ?? fromWorkspace?.workspaceValue;
    if (ignored)
      services.log.info(
        `perflens.autoAttach (${ignored}) from the workspace settings ignored: the workspace is not trusted.`,
      );
  }
  if (!wanted) return;
  setTimeout(() => {
    services.log.info(`auto-attaching to ${wanted} (setting perflens.autoAttach)`);
    void vscode.commands.executeCommand(COMMANDS.attach, wanted);
  }, 0);
}
