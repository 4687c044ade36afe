import * as vscode from 'vscode';
import type { PerfLensSettings } from './config';
import { readSettings } from './config';
import type { AttachDependencies } from './targets/attachTarget';
import type { ProbeFunction } from './targets/probeReport';
import type { TargetRegistry } from './targets/targetRegistry';

/** What commands and panels share; built once by the composition root. */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly registry: TargetRegistry;
  settings(): PerfLensSettings;
  attachDependencies(): AttachDependencies;
}

/** The probe module is loaded on first attach, not at activation. */
const lazyProbe: ProbeFunction = async (baseUrl, opts) => {
  const { probeTarget } = await import('../core/collectors/probe');
  return probeTarget(baseUrl, opts);
};

export function createServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, registry: TargetRegistry): ExtensionServices {
  const settings = () => readSettings(vscode.workspace.getConfiguration('perflens'));
  return {
    context,
    log,
    registry,
    settings,
    attachDependencies: () => ({ registry, settings: settings(), probe: lazyProbe, now: () => Date.now() }),
  };
}
