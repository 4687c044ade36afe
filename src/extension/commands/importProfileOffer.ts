import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { PROFILE_FILE_PATTERN } from './importProfileLoad';

function uriOf(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

/**
 * Opening a profile file (a .cpuprofile, .speedscope.json, .pprof, .prof, .pstats or a folded
 * stacks .txt) offers to load it into PerfLens, once per file per session. Tabs are watched rather
 * than text documents, so binary formats the editor cannot show as text are offered too.
 */
export function bindProfileFileOffer(): vscode.Disposable {
  const offered = new Set<string>();
  return vscode.window.tabGroups.onDidChangeTabs((e) => {
    for (const tab of e.opened) {
      const uri = uriOf(tab);
      if (!uri || uri.scheme !== 'file' || !PROFILE_FILE_PATTERN.test(uri.fsPath) || offered.has(uri.fsPath)) continue;
      offered.add(uri.fsPath);
      void vscode.window
        .showInformationMessage(
          `${path.basename(uri.fsPath)} looks like a CPU profile. Load it into PerfLens (flame graph, hot functions on the code)?`,
          'Load Profile',
        )
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand(COMMANDS.importProfile, uri);
        });
    }
  });
}
