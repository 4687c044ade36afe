// Composition root: wires the parts together and does nothing else. Heavy modules (the probe,
// sessions, sql.js, the dashboard panel) start on first use, not here.
import * as vscode from 'vscode';
import type { AiToolsApi } from './ai/registerAiTools';
import { registerAiTools, registerMcpServerProvider } from './ai/registerAiTools';
import { AlertSnooze, bindAlertNotifications } from './alerts/alertNotifier';
import type { CodeFeaturesApi } from './codeLens/registerCodeFeatures';
import { registerCodeFeatures } from './codeLens/registerCodeFeatures';
import { registerCommands } from './commands';
import { dashboardPanelDependencies } from './commands/showDashboard';
import { OUTPUT_CHANNEL_NAME, STATE_KEYS, VIEWS } from './constants';
import { createLiveMonitor } from './live/liveController';
import type { LiveMonitor } from './live/liveMonitor';
import type { ExtensionServices } from './services';
import { ReportDocuments } from './reports/reportDocuments';
import { createServices, readCurrentSettings } from './services';
import { StatusBarController } from './statusBar/statusBarController';
import { bindAttachedContextKey } from './targets/attachedContextKey';
import { scheduleAutoAttach } from './targets/autoAttach';
import type { AttachedTarget } from './targets/targetRegistry';
import { TargetRegistry } from './targets/targetRegistry';
import { inTestMode } from './testMode';
import { bindTrustContextKey } from './trust';
import { registerViews } from './views/perflensViews';
import { TraceSession } from './traces/traceSession';
import { TraceRouteLensProvider } from './traces/routeLenses';
import { TraceCodeActions } from './traces/traceCodeActions';
import type { TraceViewShown } from './panels/tracePanel';
import { tracingDebugConfigurationProvider } from './commands/startServiceWithTracing';

/** What activate() returns in test mode only: read by the integration suite through `extension.exports`. */
export interface PerfLensApi {
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
  currentTarget(): AttachedTarget | undefined;
  /** The live side (sessions, history store, analyzers, alerts) the views and dashboard read. */
  readonly monitor: LiveMonitor;
  /** The dashboard's last reported render times (ms), measured in the webview. */
  dashboardTimings(): Promise<{
    firstRenderMs?: number;
    lastUpdateMs?: number;
    lastBuildMs?: number;
    points?: number;
    updates: number[];
  }>;
  /** What the trace view shows now (trace id, spans in waterfall order, rows the page rendered). */
  traceView(): Promise<TraceViewShown | undefined>;
  /** Profile, CodeLens, line heat and profile view state (CPU profiles and slow queries at the code). */
  readonly code: CodeFeaturesApi;
  /** The language-model tools' confirmations (VS Code answers dialogs itself under test). */
  readonly aiTools: AiToolsApi;
  /** The OTLP receiver, span store and trace diagnostics. */
  readonly tracing: TraceSession;
}

let monitorForDeactivate: LiveMonitor | undefined;

export function activate(context: vscode.ExtensionContext): PerfLensApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const registry = new TargetRegistry(context.workspaceState, STATE_KEYS.targets);
  const live = createLiveMonitor(context, log, registry);
  const snooze = new AlertSnooze(context.globalState);
  const reports = new ReportDocuments();
  const tracing = new TraceSession({
    log,
    settings: readCurrentSettings,
    extensionUri: context.extensionUri,
    monitor: live.monitor,
    registry,
  });
  const code = registerCodeFeatures({ log, settings: readCurrentSettings, secrets: context.secrets }, tracing);
  const routeLenses = new TraceRouteLensProvider(tracing);
  const services = createServices(context, {
    log,
    registry,
    monitor: live.monitor,
    snooze,
    reports,
    code: code.features,
    tracing,
  });
  monitorForDeactivate = live.monitor;
  const aiTools = registerAiTools(services);
  context.subscriptions.push(
    log,
    live.disposable,
    snooze,
    reports,
    new StatusBarController(services),
    bindAttachedContextKey(registry),
    bindTrustContextKey(() => {
      log.info('workspace trusted: target settings from the workspace now apply');
      // A workspace's autoAttach, ignored while untrusted, applies once the user trusts it.
      if (!registry.current) scheduleAutoAttach(services);
    }),
    bindAlertNotifications(services, snooze),
    ...registerViews(services),
    ...registerCommands(services),
    ...code.disposables,
    aiTools.disposable,
    registerMcpServerProvider(services, context.extensionUri),
    tracing,
    routeLenses,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, routeLenses),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new TraceCodeActions(tracing), {
      providedCodeActionKinds: TraceCodeActions.kinds,
    }),
    ...['node', 'pwa-node', 'python', 'debugpy', 'java'].map((type) =>
      vscode.debug.registerDebugConfigurationProvider(type, tracingDebugConfigurationProvider(services, tracing)),
    ),
    vscode.window.registerWebviewPanelSerializer(VIEWS.dashboardPanel, dashboardSerializer(services)),
  );
  scheduleAutoAttach(services);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  // Other extensions get nothing: the API exists for the integration suite.
  if (!inTestMode(context)) return undefined;
  return {
    activationMs,
    currentTarget: () => registry.current,
    monitor: live.monitor,
    code: code.api,
    aiTools: aiTools.api,
    tracing,
    traceView: async () => (await import('./panels/tracePanel')).TracePanel.shown,
    dashboardTimings: async () => {
      const t = (await import('./panels/dashboardPanel')).DashboardPanel.timings;
      return { ...t, updates: [...(t?.updates ?? [])] };
    },
  };
}

function dashboardSerializer(services: ExtensionServices): vscode.WebviewPanelSerializer {
  return {
    async deserializeWebviewPanel(panel, state) {
      const { DashboardPanel } = await import('./panels/dashboardPanel');
      DashboardPanel.revive(panel, dashboardPanelDependencies(services), state);
    },
  };
}

/** Stops the sessions and saves the metric history before the extension host goes away. */
export async function deactivate(): Promise<void> {
  await monitorForDeactivate?.dispose();
  monitorForDeactivate = undefined;
}
