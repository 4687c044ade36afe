import * as vscode from 'vscode';
import { diagnoseMarkdown } from '../reports/diagnoseMarkdown';
import type { ExtensionServices } from '../services';

/**
 * PerfLens: Diagnose Slow Responses — the analyzers' ranked answer for every attached target,
 * opened as a Markdown document (preview beside it). Returns the Markdown.
 */
export async function diagnoseCommand(services: ExtensionServices): Promise<string> {
  const markdown = diagnoseMarkdown(services.monitor.targets(), Date.now());
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  void vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
  return markdown;
}
