import * as vscode from 'vscode';
import { codeFeatures } from '../codeLens/codeFeatures';
import { ProfilePanel } from '../panels/profilePanel';
import type { WebviewPanelDependencies } from '../panels/webviewPanel';
import type { ExtensionServices } from '../services';
import { inTestMode } from '../testMode';

/** What the profile panel uses, and nothing else. */
export function profilePanelDependencies(services: ExtensionServices): WebviewPanelDependencies {
  return { extensionUri: services.context.extensionUri, testMode: inTestMode(services.context), log: services.log };
}

/** Show Profile: opens the profile view, at a function when a CodeLens or Hot Functions item passes { frame }. */
export function showProfileCommand(services: ExtensionServices, arg?: unknown): void {
  const { state } = codeFeatures(services);
  if (!state.current && !state.comparison) {
    void vscode.window.showInformationMessage(
      'PerfLens: no profile is loaded. Run Profile Service… or Import Profile… first.',
    );
    return;
  }
  const frame =
    typeof arg === 'object' && arg !== null && typeof (arg as { frame?: unknown }).frame === 'number'
      ? (arg as { frame: number }).frame
      : undefined;
  ProfilePanel.show(profilePanelDependencies(services), state, {
    mode: frame !== undefined || !state.comparison ? 'profile' : 'diff',
    frame,
  });
}
