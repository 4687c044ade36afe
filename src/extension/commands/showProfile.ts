import * as vscode from 'vscode';
import { ProfilePanel } from '../panels/profilePanel';
import type { WebviewPanelDependencies } from '../panels/webviewPanel';
import type { ExtensionServices } from '../services';
import { inTestMode } from '../testMode';

/** What opening the profile panel reads from the shared services. */
export type ProfilePanelServices = Pick<ExtensionServices, 'extensionUri' | 'extensionMode' | 'log'>;

/** What the profile panel uses, and nothing else. */
export function profilePanelDependencies(services: ProfilePanelServices): WebviewPanelDependencies {
  return { extensionUri: services.extensionUri, testMode: inTestMode(services), log: services.log };
}

/** Show Profile: opens the profile view, at a function when a CodeLens or Hot Functions item passes { frame }. */
export function showProfileCommand(
  services: ProfilePanelServices & Pick<ExtensionServices, 'code'>,
  arg?: unknown,
): void {
  const { state } = services.code;
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
