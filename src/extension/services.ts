import * as vscode from 'vscode';
import type { PerfLensSettings } from './config';
import { readSettings } from './config';
import type { AlertSnooze } from './alerts/alertNotifier';
import type { CodeFeatures } from './codeLens/codeFeatures';
import type { LiveMonitor } from './live/liveMonitor';
import type { ReportDocuments } from './reports/reportDocuments';
import type { AttachDependencies } from './targets/attachTarget';
import type { ProbeFunction } from './targets/probeReport';
import type { TargetRegistry } from './targets/targetRegistry';
import type { TraceSession } from './traces/traceSession';

/**
 * What commands, views and panels share; built once by the composition root, which alone sees the
 * extension context and hands out only the parts of it in use. Each consumer takes the fields it
 * reads (a `Pick<ExtensionServices, ...>` declared beside it), or the one service it uses.
 */
export interface ExtensionServices {
  /** Where the extension is installed: the built webviews and media are read from here. */
  readonly extensionUri: vscode.Uri;
  /** The extension's own folder for files it writes (profiles it records, the default report folder). */
  readonly globalStorageUri: vscode.Uri;
  /** Credentials: the alert webhook URL and Prometheus servers' logins. */
  readonly secrets: vscode.SecretStorage;
  /** Normal, development or test (test mode turns on the hooks the integration suite reads). */
  readonly extensionMode: vscode.ExtensionMode;
  readonly log: vscode.LogOutputChannel;
  readonly registry: TargetRegistry;
  /** Sessions, history, analyzers and alerts of the attached targets. */
  readonly monitor: LiveMonitor;
  /** Whether alert notifications are snoozed, and until when. */
  readonly snooze: AlertSnooze;
  /** Read-only documents PerfLens opens (the diagnosis). */
  readonly reports: ReportDocuments;
  /** The loaded profile, CodeLens, line heat and query diagnostics. */
  readonly code: CodeFeatures;
  /** The OTLP receiver and span store of traced services, started on first use. */
  readonly tracing: TraceSession;
  /** Per-workspace memory (the command line last started with tracing). */
  readonly workspaceState: vscode.Memento;
  /**
   * Settings as they apply now: in an untrusted workspace, target settings come from the user only.
   * A plain function, not a method, so a consumer may be handed it alone.
   */
  readonly settings: () => PerfLensSettings;
  attachDependencies(): AttachDependencies;
}

/** The probe module is loaded on first attach, not at activation. */
const lazyProbe: ProbeFunction = async (baseUrl, opts) => {
  const { probeTarget } = await import('../core/collectors/probe');
  return probeTarget(baseUrl, opts);
};

export function readCurrentSettings(): PerfLensSettings {
  return readSettings(vscode.workspace.getConfiguration('perflens'), { trusted: vscode.workspace.isTrusted });
}

/** The parts of the extension context the services hand out. */
export type ServicesContext = Pick<
  ExtensionServices,
  'extensionUri' | 'globalStorageUri' | 'secrets' | 'extensionMode' | 'workspaceState'
>;

/** The services the composition root builds itself and hands over as they are. */
export type BuiltServices = Pick<
  ExtensionServices,
  'log' | 'registry' | 'monitor' | 'snooze' | 'reports' | 'code' | 'tracing'
>;

export function createServices(context: ServicesContext, built: BuiltServices): ExtensionServices {
  const settings = readCurrentSettings;
  const { registry } = built;
  return {
    extensionUri: context.extensionUri,
    globalStorageUri: context.globalStorageUri,
    secrets: context.secrets,
    extensionMode: context.extensionMode,
    workspaceState: context.workspaceState,
    ...built,
    settings,
    attachDependencies: () => ({ registry, settings: settings(), probe: lazyProbe, now: () => Date.now() }),
  };
}
