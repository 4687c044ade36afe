import * as vscode from 'vscode';
import { functionWeight, topFunctions } from '../../core/profiler/model';
import { profileSelfTotal } from '../codeLens/hotSpots';
import { formatShare } from '../../shared/format';
import { COMMANDS, VIEWS } from '../constants';
import type { ProfileState } from '../profileState';
import type { Node } from './treeItems';
import { leaf, NodeTreeProvider } from './treeItems';

/** The loaded profile's 50 heaviest functions by self time; a click opens the profile view at one. */
export function hotFunctionNodes(state: ProfileState): Node[] {
  const cur = state.current;
  if (!cur) return [];
  const total = profileSelfTotal(cur.profile);
  const header: Node = {
    item: leaf(cur.label, {
      description: `${cur.profile.functions.length} functions`,
      icon: new vscode.ThemeIcon('flame'),
      tooltip: `${cur.label}\n${cur.source}`,
    }),
  };
  const rows = topFunctions(cur.profile, 50, 'self').map((f): Node => {
    const self = total > 0 ? functionWeight(f, 'self') / total : 0;
    const tot = total > 0 ? functionWeight(f, 'total') / total : 0;
    const where = f.file ? `${f.file}${f.line > 0 ? `:${f.line}` : ''}` : 'no source';
    const item = leaf(f.name, {
      description: `${formatShare(self)} self · ${formatShare(tot)} total`,
      icon: new vscode.ThemeIcon('symbol-function'),
      tooltip: `${f.name}\n${where}\nself ${formatShare(self)} · total ${formatShare(tot)}`,
      contextValue: 'perflens.hotFunction',
      command: { command: COMMANDS.showProfile, title: 'Show in profile', arguments: [{ frame: f.frame }] },
    });
    item.id = `hot:${f.frame}`;
    return { item };
  });
  return [header, ...rows];
}

export function createHotFunctionsView(state: ProfileState): vscode.Disposable {
  const provider = new NodeTreeProvider(() => hotFunctionNodes(state), [(l) => state.onDidChange(l)]);
  const view = vscode.window.createTreeView(VIEWS.hotFunctions, { treeDataProvider: provider, showCollapseAll: false });
  return vscode.Disposable.from(view, provider);
}
