import * as vscode from 'vscode';
import { diagnoseMarkdown } from '../reports/diagnoseMarkdown';
import type { ExtensionServices } from '../services';

/**
 * PerfLens: Diagnose Slow Responses — the analyzers' ranked answer for every attached target, as
 * a read-only Markdown document with its preview beside it. Returns the Markdown.
 */
export async function diagnoseCommand(services: Pick<ExtensionServices, 'monitor' | 'reports'>): Promise<string> {
  const markdown = diagnoseMarkdown(services.monitor.targets(), Date.now());
  const doc = await services.reports.show('PerfLens Diagnosis.md', markdown);
  void vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
  return markdown;
}
