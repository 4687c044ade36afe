import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProfilePanel } from '../panels/profilePanel';
import { profilePanelDependencies } from './showProfile';
import type { ExtensionServices } from '../services';
import type { ProfilePanelServices } from './showProfile';
import { PROFILE_DIALOG_FILTERS, readProfile } from './importProfileLoad';

async function pick(title: string): Promise<string | undefined> {
  const r = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: PROFILE_DIALOG_FILTERS,
    openLabel: 'Select',
  });
  return r?.[0]?.fsPath;
}

/**
 * Compare Profiles…: a "before" and an "after" profile, compared function by function (shares of
 * each profile's own total, z-tested), shown as a diff with regressions and improvements coloured.
 * Arguments (before, after) are file paths; resolves to the number of significant changes.
 */
export async function compareProfilesCommand(
  services: ProfilePanelServices & Pick<ExtensionServices, 'settings' | 'code'>,
  beforeArg?: unknown,
  afterArg?: unknown,
): Promise<number | undefined> {
  const before = typeof beforeArg === 'string' ? beforeArg : await pick('PerfLens: the BEFORE profile (baseline)');
  if (!before) return undefined;
  const after =
    typeof afterArg === 'string' ? afterArg : await pick('PerfLens: the AFTER profile (to compare with the baseline)');
  if (!after) return undefined;
  const maxSizeMb = services.settings().profileMaxSizeMb;
  const [a, b] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PerfLens: reading both profiles' },
    () => Promise.all([readProfile(before, { maxSizeMb }), readProfile(after, { maxSizeMb })]),
  );
  for (const [r, f] of [
    [a, before],
    [b, after],
  ] as const) {
    if (!r.ok) {
      void vscode.window.showErrorMessage(`PerfLens could not read ${path.basename(f)}: ${r.error.message}`);
      return undefined;
    }
  }
  if (!a.ok || !b.ok) return undefined;
  const { diffProfiles } = await import('../../core/profiler/diff');
  const diff = diffProfiles(a.value.profile, b.value.profile);
  const { state } = services.code;
  state.setComparison({
    before: { profile: a.value.profile, label: path.basename(before) },
    after: { profile: b.value.profile, label: path.basename(after) },
    diff,
  });
  ProfilePanel.show(profilePanelDependencies(services), state, { mode: 'diff' });
  return diff.regressed.length + diff.improved.length;
}
