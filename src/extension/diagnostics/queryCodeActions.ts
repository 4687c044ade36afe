import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import type { QueryDiagnostics, StatementRef } from './queryDiagnostics';
import { DIAGNOSTIC_SOURCE } from './queryDiagnostics';

/**
 * Quick Fixes on PerfLens slow-query diagnostics: copy the suggested CREATE INDEX statement, show
 * the plan (with the what-if plan and timings once run), and run the what-if now.
 */
export class QueryCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly queries: QueryDiagnostics) {}

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    ctx: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const done = new Set<string>();
    for (const d of ctx.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const ref: StatementRef = { file: doc.uri.fsPath, line: d.range.start.line, character: d.range.start.character };
      const report = this.queries.reportAt(ref);
      const finding = report?.findings.find((f) => f.kind === d.code);
      if (!report || !finding) continue;
      if (finding.createIndex && !done.has(`copy:${finding.createIndex}`)) {
        done.add(`copy:${finding.createIndex}`);
        const copy = new vscode.CodeAction(`PerfLens: Copy ${finding.createIndex}`, vscode.CodeActionKind.QuickFix);
        copy.diagnostics = [d];
        copy.isPreferred = true;
        copy.command = {
          command: COMMANDS.copyCreateIndex,
          title: 'Copy CREATE INDEX statement',
          arguments: [finding.createIndex],
        };
        actions.push(copy);
      }
      const key = `${ref.line}:${ref.character}`;
      if (!done.has(`plan:${key}`)) {
        done.add(`plan:${key}`);
        const plan = new vscode.CodeAction(
          finding.whatIf ? 'PerfLens: Show the query plan and what-if timings' : 'PerfLens: Show the query plan',
          vscode.CodeActionKind.QuickFix,
        );
        plan.diagnostics = [d];
        plan.command = { command: COMMANDS.showQueryPlan, title: 'Show query plan', arguments: [ref] };
        actions.push(plan);
      }
      if (finding.createIndex && !finding.whatIf && !done.has(`whatif:${key}`)) {
        done.add(`whatif:${key}`);
        const run = new vscode.CodeAction(
          'PerfLens: Run the what-if index now (time it on an in-memory copy)',
          vscode.CodeActionKind.QuickFix,
        );
        run.diagnostics = [d];
        run.command = { command: COMMANDS.runWhatIf, title: 'Run what-if index', arguments: [ref] };
        actions.push(run);
      }
    }
    return actions;
  }
}
