import * as vscode from 'vscode';
import { CONTEXT_KEYS } from './constants';

/**
 * Workspace trust. In an untrusted workspace PerfLens reads target settings from the user only
 * (config.ts), and does not profile processes or read database files. `perflens.trusted` lets
 * when-clauses hide those commands; `requireTrust` explains the refusal when one is run anyway.
 */
export function bindTrustContextKey(onGranted: () => void): vscode.Disposable {
  void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.trusted, vscode.workspace.isTrusted);
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.trusted, true);
    onGranted();
  });
}

export function untrustedMessage(feature: 'profiling' | 'database reading'): string {
  const what = feature === 'profiling' ? 'profile processes' : 'read database files';
  return `PerfLens does not ${what} in an untrusted workspace: its settings and files could point PerfLens at processes or data you did not choose. Trust the workspace (Workspaces: Manage Workspace Trust) to turn ${feature} on.`;
}

/** True when trusted; otherwise shows why the feature is off (with a way to manage trust) and returns false. */
export function requireTrust(feature: 'profiling' | 'database reading'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(untrustedMessage(feature), 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
