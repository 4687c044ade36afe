// Composition root: wires the parts together and does nothing else. Heavy modules (the probe,
// the dashboard panel, later sql.js and friends) load on first use, not here.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { OUTPUT_CHANNEL_NAME, STATE_KEYS } from './constants';
import { createServices } from './services';
import { StatusBarController } from './statusBar/statusBarController';
import { bindAttachedContextKey } from './targets/attachedContextKey';
import { scheduleAutoAttach } from './targets/autoAttach';
import type { AttachedTarget } from './targets/targetRegistry';
import { TargetRegistry } from './targets/targetRegistry';

/** What activate() returns: read by the integration suite through `extension.exports`. */
export interface PerfLensApi {
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
  currentTarget(): AttachedTarget | undefined;
}

export function activate(context: vscode.ExtensionContext): PerfLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const registry = new TargetRegistry(context.workspaceState, STATE_KEYS.targets);
  const services = createServices(context, log, registry);
  context.subscriptions.push(log, new StatusBarController(registry), bindAttachedContextKey(registry), ...registerCommands(services));
  scheduleAutoAttach(services);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, currentTarget: () => registry.current };
}

export function deactivate(): void {}
