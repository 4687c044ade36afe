import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/util/lifecycle';

export const REPORT_SCHEME = 'perflens-report';

/**
 * Read-only documents PerfLens writes (the diagnosis): never dirty, so closing them asks nothing,
 * and opening the same name again shows the new content.
 */
export class ReportDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = this._register(new Emitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Sets a document's content and opens it; returns the editor's document. */
  async show(name: string, content: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'markdown' && name.endsWith('.md'))
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }
}
