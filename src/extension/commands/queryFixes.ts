import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueryDiagnostics, StatementRef } from '../diagnostics/queryDiagnostics';
import { planDocument } from '../diagnostics/queryFindingText';
import { requireTrust } from '../trust';

function isRef(v: unknown): v is StatementRef {
  const r = v as Partial<StatementRef> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.file === 'string' &&
    typeof r.line === 'number' &&
    typeof r.character === 'number'
  );
}

/** Copies a CREATE INDEX statement to the clipboard; resolves to the statement copied. */
export async function copyCreateIndexCommand(statement?: unknown): Promise<string | undefined> {
  if (typeof statement !== 'string' || !/^CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(statement.trim())) return undefined;
  await vscode.env.clipboard.writeText(statement);
  void vscode.window.showInformationMessage(`PerfLens copied: ${statement}`);
  return statement;
}

/** Read-only documents of plans (a virtual scheme: closing one never asks to save it). */
export const PLAN_SCHEME = 'perflens-plan';
const planTexts = new Map<string, string>();
let nextPlan = 1;

export function planDocumentProvider(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, {
    provideTextDocumentContent: (uri) => planTexts.get(uri.path) ?? '',
  });
}

async function showPlan(ref: StatementRef, markdown: string): Promise<void> {
  const key = `/${path.basename(ref.file)}-${ref.line + 1}-plan-${nextPlan++}.md`;
  planTexts.set(key, markdown);
  // Only the latest few plans are kept; older documents show empty if reopened after that.
  for (const k of [...planTexts.keys()].slice(0, -20)) planTexts.delete(k);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: PLAN_SCHEME, path: key }));
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
    preserveFocus: true,
  });
}

/** Opens the plan of a statement (and its what-if plan and timings, when run) as a Markdown document; resolves to its text. */
export async function showQueryPlanCommand(queries: QueryDiagnostics, arg?: unknown): Promise<string | undefined> {
  if (!isRef(arg)) return undefined;
  const report = queries.reportAt(arg);
  if (!report) {
    void vscode.window.showInformationMessage(
      'PerfLens: that statement is no longer analysed. Run Analyze Queries in Workspace again.',
    );
    return undefined;
  }
  const text = planDocument(report, `${path.basename(arg.file)}:${arg.line + 1}`);
  await showPlan(arg, text);
  return text;
}

/** Times the statement with and without the suggested index on an in-memory copy, now; shows the result. */
export async function runWhatIfCommand(queries: QueryDiagnostics, arg?: unknown): Promise<string | undefined> {
  if (!isRef(arg) || !requireTrust('database reading')) return undefined;
  const ref = arg;
  const r = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'PerfLens: timing the statement with and without the index…',
    },
    () => queries.runWhatIf(ref),
  );
  if (!r.ok) {
    void vscode.window.showErrorMessage(`PerfLens: the what-if run failed: ${r.error.message}`);
    return undefined;
  }
  const text = planDocument(r.value, `${path.basename(ref.file)}:${ref.line + 1}`);
  await showPlan(ref, text);
  return text;
}
