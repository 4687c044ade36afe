import * as vscode from 'vscode';
import type { PerfLensSettings } from './config';
import { readSettings } from './config';
import type { AlertSnooze } from './alerts/alertNotifier';
import type { LiveMonitor } from './live/liveMonitor';
import type { ReportDocuments } from './reports/reportDocuments';
import type { AttachDependencies } from './targets/attachTarget';
import type { ProbeFunction } from './targets/probeReport';
import type { TargetRegistry } from './targets/targetRegistry';

/** What commands and panels share; built once by the composition root. */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly registry: TargetRegistry;
  /** Sessions, history, analyzers and alerts of the attached targets. */
  readonly monitor: LiveMonitor;
  /** Whether alert notifications are snoozed, and until when. */
  readonly snooze: AlertSnooze;
  /** Read-only documents PerfLens opens (the diagnosis). */
  readonly reports: ReportDocuments;
  /** Settings as they apply now: in an untrusted workspace, target settings come from the user only. */
  settings(): PerfLensSettings;
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

export function createServices(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  registry: TargetRegistry,
  monitor: LiveMonitor,
  snooze: AlertSnooze,
  reports: ReportDocuments,
): ExtensionServices {
  const settings = readCurrentSettings;
  return {
    context,
    log,
    registry,
    monitor,
    snooze,
    reports,
    settings,
    attachDependencies: () => ({ registry, settings: settings(), probe: lazyProbe, now: () => Date.now() }),
  };
}
