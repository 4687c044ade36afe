import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueryDiagnostics } from '../diagnostics/queryDiagnostics';
import { severityOf } from '../diagnostics/queryFindingText';
import { VIEWS } from '../constants';
import type { Node } from './treeItems';
import { leaf, NodeTreeProvider, parent } from './treeItems';
import type { RuntimeEvidence } from '../../core/queries/types';
import { isHypoWhatIf } from '../../core/queries/types';
import { formatMs } from '../../shared/format';

/** Statement runtimes measured from received spans (the trace session), where spans exist. */
export interface SpanRuntimeSource {
  statementRuntime(sql: string): RuntimeEvidence | undefined;
  readonly onDidRefresh: vscode.Event<unknown>;
}

/** "traced: mean 3.1 ms · p95 8.0 ms · 120 runs" */
export function spanRuntimeText(r: RuntimeEvidence): string {
  return `traced: mean ${formatMs(r.avgMs)}${r.p95Ms !== undefined ? ` · p95 ${formatMs(r.p95Ms)}` : ''}${r.count !== undefined ? ` · ${r.count} run${r.count === 1 ? '' : 's'}` : ''}`;
}

function openAt(file: string, line: number, character: number): vscode.Command {
  const pos = new vscode.Position(line, character);
  return {
    command: 'vscode.open',
    title: 'Open',
    arguments: [vscode.Uri.file(file), { selection: new vscode.Range(pos, pos) }],
  };
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * A file's name as the Explorer shows it: relative to its workspace folder (prefixed with the folder's
 * name in a multi-root workspace), also when the file or the folder was reached through a symlink.
 * Files outside every folder keep their full path.
 */
export function workspaceRelativePath(file: string): string {
  const rel = vscode.workspace.asRelativePath(vscode.Uri.file(file));
  if (rel !== file && !path.isAbsolute(rel)) return rel;
  const real = realOrSelf(file);
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const root = realOrSelf(folder.uri.fsPath);
    if (real.startsWith(root + path.sep)) {
      const inside = path.relative(root, real).split(path.sep).join('/');
      return folders.length > 1 ? `${folder.name}/${inside}` : inside;
    }
  }
  return file;
}

/** Files with slow-query findings, their statements, and each finding (SQL is text in tree labels). */
export function slowQueryNodes(queries: QueryDiagnostics, spans?: SpanRuntimeSource): Node[] {
  return queries.reportsWithFindings().map(({ file, reports }) => {
    const rel = workspaceRelativePath(file);
    const item = new vscode.TreeItem(rel);
    item.iconPath = vscode.ThemeIcon.File;
    item.resourceUri = vscode.Uri.file(file);
    item.description = `${reports.length} statement${reports.length === 1 ? '' : 's'}`;
    return parent(
      item,
      () =>
        reports.map((r) => {
          const start = r.range?.start ?? { line: 0, column: 0 };
          // Runtime spans, where they exist, are the measured numbers; else what the scrape gave.
          const traced = spans?.statementRuntime(r.text ?? r.sql) ?? spans?.statementRuntime(r.sql);
          const runtime = traced ? ` · ${spanRuntimeText(traced)}` : '';
          const s = leaf((r.text ?? r.sql).replace(/\s+/g, ' ').slice(0, 120), {
            description: `line ${start.line + 1} · ${r.findings.map((f) => f.kind).join(', ')}${runtime}`,
            icon: new vscode.ThemeIcon('database'),
            tooltip: `${r.text ?? r.sql}\n\n${r.findings.map((f) => `${f.kind}: ${f.detail}`).join('\n')}${traced ? `\n\nFrom received spans: ${spanRuntimeText(traced).slice(8)}` : ''}`,
            command: openAt(file, start.line, start.column),
          });
          return parent(
            s,
            () =>
              r.findings.map((f) => ({
                item: leaf(f.kind, {
                  description: f.whatIf
                    ? `${isHypoWhatIf(f.whatIf) ? `${f.whatIf.costRatio.toFixed(1)}× cheaper plan` : `${f.whatIf.speedup.toFixed(1)}× faster`} with ${f.createIndex ?? 'the index'}`
                    : (f.createIndex ?? f.suggestion ?? f.detail),
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

export function createSlowQueriesView(queries: QueryDiagnostics, spans?: SpanRuntimeSource): vscode.Disposable {
  const provider = new NodeTreeProvider(
    () => slowQueryNodes(queries, spans),
    [(l) => queries.onDidChange(l), ...(spans ? [(l: () => void) => spans.onDidRefresh(l)] : [])],
  );
  const view = vscode.window.createTreeView(VIEWS.slowQueries, { treeDataProvider: provider, showCollapseAll: true });
  return vscode.Disposable.from(view, provider);
}
