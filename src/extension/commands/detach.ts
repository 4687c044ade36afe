import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AttachedTarget } from '../targets/targetRegistry';

/** PerfLens: Detach — forgets the attached target. Returns what was detached, if anything. */
export async function detachCommand(services: ExtensionServices): Promise<AttachedTarget | undefined> {
  const was = await services.registry.detach();
  if (!was) {
    void vscode.window.showInformationMessage('PerfLens is not attached to anything.');
    return undefined;
  }
  services.log.info(`detached from ${was.label}`);
  void vscode.window.showInformationMessage(`PerfLens detached from ${was.label}.`);
  return was;
}
