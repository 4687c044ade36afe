import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import type { TraceSession } from './traceSession';
import { DIAGNOSTIC_SOURCE } from '../diagnostics/queryDiagnostics';

/** The Show Trace Quick Fix on N+1 and slow-statement diagnostics found in received spans. */
export class TraceCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly tracing: TraceSession) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    ctx: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || (d.code !== 'n-plus-one' && d.code !== 'slow-statement')) continue;
      const traceId = this.tracing.traceAt(doc.uri.fsPath, d.range.start.line, d.code);
      if (!traceId) continue;
      const a = new vscode.CodeAction('PerfLens: Show Trace', vscode.CodeActionKind.QuickFix);
      a.diagnostics = [d];
      a.command = { command: COMMANDS.showTrace, title: 'Show Trace', arguments: [traceId] };
      actions.push(a);
    }
    return actions;
  }
}
