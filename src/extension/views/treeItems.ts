import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import type { HealthLevel } from '../live/targetHealth';

/** Codicon and theme color per health level, shared by the tree views. */
export function levelIcon(level: HealthLevel): vscode.ThemeIcon {
  switch (level) {
    case 'healthy':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'degraded':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'down':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'no-verdict':
      return new vscode.ThemeIcon('question');
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

export function severityIcon(severity: string): vscode.ThemeIcon {
  if (severity === 'critical') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  if (severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  return new vscode.ThemeIcon('info');
}

/** A plain-text tooltip: service strings are never rendered as Markdown in tree views. */
export function leaf(
  label: string,
  opts: {
    description?: string;
    icon?: vscode.ThemeIcon;
    tooltip?: string;
    contextValue?: string;
    command?: vscode.Command;
  } = {},
): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  if (opts.description !== undefined) item.description = opts.description;
  if (opts.icon) item.iconPath = opts.icon;
  item.tooltip = opts.tooltip ?? (opts.description ? `${label}: ${opts.description}` : label);
  if (opts.contextValue) item.contextValue = opts.contextValue;
  if (opts.command) item.command = opts.command;
  return item;
}

/** Tree nodes: an item and, for parents, how to get the children. */
export interface Node {
  item: vscode.TreeItem;
  children?: () => Node[];
}

/** A tree data provider over Node values, refreshed when any of `events` fires. */
export class NodeTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new Emitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly roots: () => Node[],
    events: ((listener: () => void) => { dispose(): void })[],
  ) {
    super();
    for (const on of events) this._register(on(() => this.changed.fire(undefined)));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    return n.item;
  }

  getChildren(n?: Node): Node[] {
    return n ? (n.children?.() ?? []) : this.roots();
  }
}

export function parent(item: vscode.TreeItem, children: () => Node[], expanded = false): Node {
  item.collapsibleState = expanded
    ? vscode.TreeItemCollapsibleState.Expanded
    : vscode.TreeItemCollapsibleState.Collapsed;
  return { item, children };
}
