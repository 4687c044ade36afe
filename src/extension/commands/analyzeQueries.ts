import * as vscode from 'vscode';
import type { AnalyzeSummary } from '../diagnostics/queryDiagnostics';
import type { ExtensionServices } from '../services';
import { requireTrust } from '../trust';

/** Scripted use: other folders than the workspace's, or a database other than the setting's. */
export interface AnalyzeQueriesArgs {
  roots?: string[];
  database?: string;
}

/**
 * Analyze Queries in Workspace: finds the SQL in the workspace's sources, explains each statement
 * on the SQLite database (a read-only copy in memory) or, for PostgreSQL drivers, on the server of
 * perflens.queries.postgresUrl (a read-only session), and shows findings as diagnostics and in
 * the Slow Queries view. Resolves to the summary (undefined when refused, failed or cancelled).
 */
export async function analyzeQueriesCommand(
  services: Pick<ExtensionServices, 'code' | 'log' | 'settings' | 'workspaceState'>,
  rawArgs?: unknown,
): Promise<AnalyzeSummary | undefined> {
  if (!requireTrust('database reading')) return undefined;
  const args: AnalyzeQueriesArgs =
    typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as AnalyzeQueriesArgs) : {};
  // A .env DATABASE_URL is offered, never used unasked; the analysis goes on meanwhile.
  const { offerEnvDatabaseUrl } = await import('../postgres/envOffer');
  await offerEnvDatabaseUrl(services);
  const started = performance.now();
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PerfLens: analyzing queries', cancellable: true },
    (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return services.code.queries.analyzeWorkspace({
        roots: args.roots,
        database: args.database,
        progress: (message) => progress.report({ message }),
        signal: ac.signal,
      });
    },
  );
  if (!r.ok) {
    if (r.error.kind !== 'cancelled')
      void vscode.window.showErrorMessage(`PerfLens could not analyze queries: ${r.error.message}`);
    return undefined;
  }
  const s = r.value;
  services.log.info(
    `queries: ${s.statements} statement(s) in ${s.files} file(s) explained on ${s.database} in ${(performance.now() - started).toFixed(0)} ms: ${s.findings} finding(s)`,
  );
  const text = `PerfLens: ${s.statements} statement(s) in ${s.files} file(s) explained on ${s.database}: ${s.findings === 0 ? 'no slow-query findings' : `${s.findings} finding(s)`}.`;
  void vscode.window.showInformationMessage(text, ...(s.findings > 0 ? ['Show Problems'] : [])).then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return s;
}
