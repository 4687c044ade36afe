import * as vscode from 'vscode';
import type { CommandId } from '../constants';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import { attachCommand } from './attach';
import { detachCommand } from './detach';
import { showDashboardCommand } from './showDashboard';

type CommandHandler = (services: ExtensionServices, ...args: unknown[]) => unknown;

/** Every command PerfLens contributes, by id; the record type makes a missing handler a compile error. */
export const COMMAND_HANDLERS: Record<CommandId, CommandHandler> = {
  [COMMANDS.attach]: (s, arg) => attachCommand(s, arg),
  [COMMANDS.detach]: (s) => detachCommand(s),
  [COMMANDS.showDashboard]: (s) => showDashboardCommand(s),
};

export function registerCommands(services: ExtensionServices): vscode.Disposable[] {
  return (Object.entries(COMMAND_HANDLERS) as [CommandId, CommandHandler][]).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(services, ...args);
      } catch (e) {
        // An unexpected failure is logged with its stack and shown once, never swallowed.
        services.log.error(`${id} failed`, e instanceof Error ? e : String(e));
        void vscode.window.showErrorMessage(`PerfLens: ${id} failed: ${e instanceof Error ? e.message : String(e)}. See the PerfLens output for details.`);
        throw e;
      }
    }),
  );
}
