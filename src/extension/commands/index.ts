import * as vscode from 'vscode';
import type { CommandId } from '../constants';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import { attachCommand } from './attach';
import { attachPrometheusCommand } from './attachPrometheus';
import { detachCommand } from './detach';
import { diagnoseCommand } from './diagnose';
import { exportReportCommand } from './exportReport';
import { setWebhookUrlCommand } from './setWebhookUrl';
import { showDashboardCommand } from './showDashboard';
import { snoozeAlertsCommand } from './snoozeAlerts';
import { analyzeQueriesCommand } from './analyzeQueries';
import { benchmarkEndpointCommand } from './benchmarkEndpoint';
import { clearProfileCommand } from './clearProfile';
import { compareProfilesCommand } from './compareProfiles';
import { importProfileCommand } from './importProfile';
import { profileServiceCommand } from './profileService';
import { findWhatGrowsCommand } from './findWhatGrows';
import { copyCreateIndexCommand, runWhatIfCommand, showQueryPlanCommand } from './queryFixes';
import { showProfileCommand } from './showProfile';
import { toggleLineHeatCommand } from './toggleLineHeat';
import { startServiceWithTracingCommand } from './startServiceWithTracing';
import { setPostgresConnectionCommand } from './setPostgresConnection';
import { showTraceCommand } from './showTrace';

type CommandHandler = (services: ExtensionServices, ...args: unknown[]) => unknown;

/** Every command PerfLens contributes, by id; the record type makes a missing handler a compile error. */
export const COMMAND_HANDLERS: Record<CommandId, CommandHandler> = {
  [COMMANDS.attach]: (s, arg) => attachCommand(s, arg),
  [COMMANDS.attachPrometheus]: (s, arg) => attachPrometheusCommand(s, arg),
  [COMMANDS.detach]: (s, arg) => detachCommand(s, arg),
  [COMMANDS.showDashboard]: (s, arg, range) => showDashboardCommand(s, arg, range),
  [COMMANDS.diagnoseSlowResponses]: (s) => diagnoseCommand(s),
  [COMMANDS.exportReport]: (s, arg) => exportReportCommand(s, arg),
  [COMMANDS.setWebhookUrl]: (s, arg) => setWebhookUrlCommand(s, arg),
  [COMMANDS.snoozeAlerts]: (s, arg) => snoozeAlertsCommand(s, arg),
  [COMMANDS.profileService]: (s, arg) => profileServiceCommand(s, arg),
  [COMMANDS.findWhatGrows]: (s, arg) => findWhatGrowsCommand(s, arg),
  [COMMANDS.importProfile]: (s, arg) => importProfileCommand(s, arg),
  [COMMANDS.compareProfiles]: (s, before, after) => compareProfilesCommand(s, before, after),
  [COMMANDS.clearProfile]: (s) => clearProfileCommand(s.code.state),
  [COMMANDS.showProfile]: (s, arg) => showProfileCommand(s, arg),
  [COMMANDS.toggleLineHeat]: (s) => toggleLineHeatCommand(s.settings),
  [COMMANDS.analyzeQueries]: (s, arg) => analyzeQueriesCommand(s, arg),
  [COMMANDS.benchmarkEndpoint]: (s, arg) => benchmarkEndpointCommand(s, arg),
  [COMMANDS.copyCreateIndex]: (_s, arg) => copyCreateIndexCommand(arg),
  [COMMANDS.showQueryPlan]: (s, arg) => showQueryPlanCommand(s.code.queries, arg),
  [COMMANDS.runWhatIf]: (s, arg) => runWhatIfCommand(s.code.queries, arg),
  [COMMANDS.setPostgresConnection]: (s, arg) => setPostgresConnectionCommand(s, arg),
  [COMMANDS.startServiceWithTracing]: (s, arg) => startServiceWithTracingCommand(s, s.tracing, s.workspaceState, arg),
  [COMMANDS.showTrace]: (s, arg) => showTraceCommand(s, arg),
};

export function registerCommands(services: ExtensionServices): vscode.Disposable[] {
  return (Object.entries(COMMAND_HANDLERS) as [CommandId, CommandHandler][]).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(services, ...args);
      } catch (e) {
        // An unexpected failure is logged with its stack and shown once, never swallowed.
        services.log.error(`${id} failed`, e instanceof Error ? e : String(e));
        void vscode.window.showErrorMessage(
          `PerfLens: ${id} failed: ${e instanceof Error ? e.message : String(e)}. See the PerfLens output for details.`,
        );
        throw e;
      }
    }),
  );
}
