import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../constants';
import type { TargetRegistry } from './targetRegistry';

/** Keeps the `perflens.attached` context key (used by when-clauses) in step with the registry. */
export function bindAttachedContextKey(registry: TargetRegistry): vscode.Disposable {
  const set = (attached: boolean) => void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.attached, attached);
  set(registry.current !== undefined);
  const sub = registry.onDidChange((t) => set(t !== undefined));
  return new vscode.Disposable(() => sub.dispose());
}
