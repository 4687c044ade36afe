import * as vscode from 'vscode';
import { TracePanel } from '../panels/tracePanel';
import type { ExtensionServices } from '../services';
import { profilePanelDependencies } from './showProfile';

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * Show Trace: opens the waterfall of one trace. The argument is a trace id (from a diagnostic's
 * Quick Fix) or `{ route }` (from a route's CodeLens: pick its slowest, most recent or a failed
 * trace); with neither, the trace id is asked for.
 */
export async function showTraceCommand(
  services: Pick<ExtensionServices, 'extensionUri' | 'extensionMode' | 'log' | 'tracing'>,
  arg?: unknown,
): Promise<void> {
  let traceId: string | undefined;
  if (typeof arg === 'string') traceId = arg.trim().toLowerCase();
  else if (typeof arg === 'object' && arg !== null && typeof (arg as { route?: unknown }).route === 'string') {
    const route = (arg as { route: string }).route;
    const choices = await services.tracing.routeTraces(route);
    if (!choices.length) {
      void vscode.window.showInformationMessage(`PerfLens: no traces of ${route} in the last 15 minutes.`);
      return;
    }
    const pick = await vscode.window.showQuickPick(
      choices.map((c) => ({ label: c.label, description: c.detail, traceId: c.traceId })),
      { title: `Traces of ${route}`, placeHolder: 'Open which trace?' },
    );
    traceId = pick?.traceId;
  } else {
    traceId = (
      await vscode.window.showInputBox({
        title: 'PerfLens: Show Trace',
        prompt: 'Trace id (32 hexadecimal digits)',
        validateInput: (v) =>
          TRACE_ID.test(v.trim().toLowerCase()) ? undefined : 'A trace id is 32 hexadecimal digits.',
      })
    )
      ?.trim()
      .toLowerCase();
  }
  if (!traceId) return;
  if (!TRACE_ID.test(traceId)) {
    void vscode.window.showErrorMessage(
      `PerfLens: "${traceId.slice(0, 80)}" is not a trace id (32 hexadecimal digits). Open a trace from a route's CodeLens or a trace diagnostic.`,
    );
    return;
  }
  TracePanel.show(profilePanelDependencies(services), traceId, await services.tracing.waterfall(traceId));
}
