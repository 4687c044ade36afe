import * as vscode from 'vscode';
import { routeLenses } from '../codeLens/traceRouteLensText';
import { COMMANDS } from '../constants';
import type { TraceSession } from './traceSession';

/**
 * CodeLens at each traced route's handler (where its spans' code.* attributes place it, else its
 * entry in the route table), refreshed with the trace report.
 */
export class TraceRouteLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly tracing: TraceSession) {
    this.subscription = tracing.onDidRefresh(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const routes = this.tracing.latest?.routes;
    if (!routes?.length) return [];
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return routeLenses({ fsPath: document.uri.fsPath, text: document.getText() }, routes, folders).map(
      (l) =>
        new vscode.CodeLens(new vscode.Range(l.line, 0, l.line, 0), {
          title: l.title,
          tooltip: "Show one of this route's traces: slowest, most recent or failed",
          command: COMMANDS.showTrace,
          arguments: [{ route: l.route }],
        }),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
