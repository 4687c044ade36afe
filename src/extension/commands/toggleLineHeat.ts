import * as vscode from 'vscode';
import { SETTINGS } from '../constants';
import type { PerfLensSettings } from '../config';

/** Toggle Line Heat: flips perflens.lineHeat.enabled in the user settings; resolves to the new value. */
export async function toggleLineHeatCommand(settings: () => PerfLensSettings): Promise<boolean> {
  const next = !settings().lineHeatEnabled;
  await vscode.workspace.getConfiguration().update(SETTINGS.lineHeatEnabled, next, vscode.ConfigurationTarget.Global);
  if (next && !settings().lineHeatEnabled) {
    // A workspace setting overrides the user one: say so instead of silently doing nothing.
    void vscode.window.showWarningMessage(
      'PerfLens: line heat stays off because this workspace sets perflens.lineHeat.enabled to false.',
    );
  }
  return settings().lineHeatEnabled;
}
