import * as vscode from 'vscode';

/**
 * True when VS Code runs the extension with a tests path (the integration launchers do), which it
 * reports as extension mode Test. The hooks the suite reads (the activate() API, render timings,
 * canvas pixel checks) exist only then: users never pay for them.
 */
export function inTestMode(host: { readonly extensionMode: vscode.ExtensionMode }): boolean {
  return host.extensionMode === vscode.ExtensionMode.Test;
}
