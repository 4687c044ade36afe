import * as vscode from 'vscode';
import { ProfilePanel } from '../panels/profilePanel';
import type { ExtensionServices } from '../services';

/** Show Profile: opens the profile view, at a function when a CodeLens or Hot Functions item passes { frame }. */
export function showProfileCommand(services: ExtensionServices, arg?: unknown): void {
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
  ProfilePanel.show(services, state, { mode: frame !== undefined || !state.comparison ? 'profile' : 'diff', frame });
}
