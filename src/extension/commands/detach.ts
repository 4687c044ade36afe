import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { AttachedTarget } from '../targets/targetRegistry';
import { targetId } from '../targets/targetRegistry';

/** The target a command was given: an id string, or a Services tree item carrying one. */
export function targetIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { targetId?: unknown }).targetId === 'string')
    return (arg as { targetId: string }).targetId;
  return undefined;
}

/**
 * PerfLens: Detach — stops collecting from a target and forgets it: the one given (id or tree
 * item), the only one, or the one picked when several are attached. Returns what was detached.
 */
export async function detachCommand(
  services: Pick<ExtensionServices, 'registry' | 'log'>,
  arg?: unknown,
): Promise<AttachedTarget | undefined> {
  const { registry } = services;
  let id = targetIdArg(arg);
  if (id === undefined && registry.attached.length > 1) {
    const pick = await vscode.window.showQuickPick(
      registry.attached.map((t) => ({ label: t.label, description: targetId(t.spec), id: targetId(t.spec) })),
      { title: 'PerfLens: Detach', placeHolder: 'Which target should PerfLens stop collecting from?' },
    );
    if (!pick) return undefined;
    id = pick.id;
  }
  const was = await registry.detach(id);
  if (!was) {
    void vscode.window.showInformationMessage('PerfLens is not attached to that target.');
    return undefined;
  }
  services.log.info(`detached from ${was.label}`);
  void vscode.window.showInformationMessage(`PerfLens detached from ${was.label}.`);
  return was;
}
