import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProfilePanel } from '../panels/profilePanel';
import { profilePanelDependencies } from './showProfile';
import type { ExtensionServices } from '../services';
import type { ProfilePanelServices } from './showProfile';
import { loadProfileIntoEditor, PROFILE_DIALOG_FILTERS } from './importProfileLoad';

function fileArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { file?: unknown }).file === 'string')
    return (arg as { file: string }).file;
  return undefined;
}

/** `{ file, sampleType }`: the profile view's sample-type selector reloads its file weighed by another type. */
function sampleTypeArg(arg: unknown): string | undefined {
  const t = typeof arg === 'object' && arg !== null ? (arg as { sampleType?: unknown }).sampleType : undefined;
  return typeof t === 'string' && t ? t : undefined;
}

/**
 * Import Profile…: any supported format (V8 .cpuprofile, speedscope, pprof, pstats, folded
 * stacks), read on a worker thread with progress. Resolves to the number of functions loaded.
 */
export async function importProfileCommand(
  services: ProfilePanelServices & Pick<ExtensionServices, 'code' | 'settings'>,
  arg?: unknown,
): Promise<number | undefined> {
  let file = fileArg(arg);
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      title: 'PerfLens: Import Profile',
      canSelectMany: false,
      filters: PROFILE_DIALOG_FILTERS,
      openLabel: 'Import',
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return undefined;
  const target = file;
  const r = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `PerfLens: reading ${path.basename(target)}`,
      cancellable: true,
    },
    (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return loadProfileIntoEditor(services, target, { signal: ac.signal, sampleType: sampleTypeArg(arg) });
    },
  );
  if (!r.ok) {
    if (r.error.kind !== 'cancelled')
      void vscode.window.showErrorMessage(`PerfLens could not import ${path.basename(target)}: ${r.error.message}`);
    return undefined;
  }
  ProfilePanel.show(profilePanelDependencies(services), services.code.state, { mode: 'profile' });
  return r.value.functions.length;
}
