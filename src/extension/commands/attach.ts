import * as vscode from 'vscode';
import { parseTarget } from '../../core/util/target';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import type { AttachOutcome } from '../targets/attachTarget';
import { attachTarget } from '../targets/attachTarget';
import { parsePrometheusInput } from '../targets/prometheusTarget';

/**
 * PerfLens: Attach to Service… — asks for a URL, port or pid (or takes it as the argument, which
 * is how tests and auto-attach call it), probes it and records it. Returns the outcome so callers
 * of executeCommand can see what happened; undefined when the user cancelled.
 */
export async function attachCommand(
  services: Pick<ExtensionServices, 'attachDependencies' | 'log' | 'settings' | 'registry'>,
  arg?: unknown,
): Promise<AttachOutcome | undefined> {
  // A string (tests, auto-attach) or a recent target's tree item (its inline Attach action).
  const given =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && typeof (arg as { targetInput?: unknown }).targetInput === 'string'
        ? (arg as { targetInput: string }).targetInput
        : undefined;
  if (given !== undefined && parsePrometheusInput(given)) {
    // A recent Prometheus-server target (its tree item's inline Attach action).
    await vscode.commands.executeCommand(COMMANDS.attachPrometheus, given);
    return undefined;
  }
  const input = given ?? (await askForTarget(services));
  if (input === undefined) return undefined;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `PerfLens: probing ${input.trim()}` },
    () => attachTarget(input, services.attachDependencies()),
  );
  if (!outcome.ok) {
    services.log.warn(`attach "${input}" refused: ${outcome.error.message}`);
    void vscode.window.showErrorMessage(`PerfLens could not attach: ${outcome.error.message}`);
    return outcome;
  }
  const { target } = outcome;
  services.log.info(
    `attached to ${target.spec.kind === 'url' || target.spec.kind === 'port' ? target.spec.baseUrl : target.label}: ${outcome.summary}`,
  );
  for (const line of outcome.details) services.log.info(`  ${line}`);
  const message = `PerfLens attached to ${target.label}: ${outcome.summary}`;
  const show = outcome.healthy ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  // Never awaited: a notification waits for the user, the command must not.
  void show(message, 'Show Dashboard').then((choice) => {
    if (choice) void vscode.commands.executeCommand(COMMANDS.showDashboard);
  });
  return outcome;
}

function askForTarget(services: Pick<ExtensionServices, 'settings' | 'registry'>): Thenable<string | undefined> {
  const { allowRemoteTargets } = services.settings();
  return vscode.window.showInputBox({
    title: 'PerfLens: Attach to Service',
    prompt: allowRemoteTargets
      ? 'A URL (http://host:3000), a local port (3000) or a process id (pid:1234)'
      : 'A local URL (http://localhost:3000), a port (3000) or a process id (pid:1234)',
    placeHolder: 'http://localhost:3000',
    value: services.registry.current?.input ?? services.registry.recent[0],
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseTarget(value, { allowRemote: allowRemoteTargets });
      return parsed.ok ? undefined : parsed.error.message;
    },
  });
}
