import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueryDiagnostics } from '../diagnostics/queryDiagnostics';
import { severityOf } from '../diagnostics/queryFindingText';
import { VIEWS } from '../constants';
import type { Node } from './treeItems';
import { leaf, NodeTreeProvider, parent } from './treeItems';

function openAt(file: string, line: number, character: number): vscode.Command {
  const pos = new vscode.Position(line, character);
  return { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(file), { selection: new vscode.Range(pos, pos) }] };
}

/** Files with slow-query findings, their statements, and each finding (SQL is text in tree labels). */
export function slowQueryNodes(queries: QueryDiagnostics): Node[] {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return queries.reportsWithFindings().map(({ file, reports }) => {
    const rel = root && file.startsWith(root + path.sep) ? path.relative(root, file) : file;
    const item = new vscode.TreeItem(rel);
    item.iconPath = vscode.ThemeIcon.File;
    item.resourceUri = vscode.Uri.file(file);
    item.description = `${reports.length} statement${reports.length === 1 ? '' : 's'}`;
    return parent(item, () =>
      reports.map((r) => {
        const start = r.range?.start ?? { line: 0, column: 0 };
        const s = leaf((r.text ?? r.sql).replace(/\s+/g, ' ').slice(0, 120), {
          description: `line ${start.line + 1} · ${r.findings.map((f) => f.kind).join(', ')}`,
          icon: new vscode.ThemeIcon('database'),
          tooltip: `${r.text ?? r.sql}\n\n${r.findings.map((f) => `${f.kind}: ${f.detail}`).join('\n')}`,
          command: openAt(file, start.line, start.column),
        });
        return parent(s, () =>
          r.findings.map((f) => ({
            item: leaf(f.kind, {
              description: f.whatIf ? `${f.whatIf.speedup.toFixed(1)}× faster with ${f.createIndex ?? 'the index'}` : (f.createIndex ?? f.suggestion ?? f.detail),
              icon: new vscode.ThemeIcon(severityOf(f.kind) === 'warning' ? 'warning' : 'info'),
              tooltip: `${f.detail}${f.suggestion ? `\n${f.suggestion}` : ''}${f.createIndex ? `\n${f.createIndex}` : ''}`,
              command: openAt(file, start.line, start.column),
            }),
          })),
          false,
        );
      }),
      true,
    );
  });
}

export function createSlowQueriesView(queries: QueryDiagnostics): vscode.Disposable {
  const provider = new NodeTreeProvider(() => slowQueryNodes(queries), [(l) => queries.onDidChange(l)]);
  const view = vscode.window.createTreeView(VIEWS.slowQueries, { treeDataProvider: provider, showCollapseAll: true });
  return vscode.Disposable.from(view, provider);
}
