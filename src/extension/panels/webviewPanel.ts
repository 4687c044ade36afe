import * as vscode from 'vscode';
import { DisposableStore } from '../../core/util/lifecycle';
import type { MessageCheck } from '../../shared/protocol/messageCheck';
import { renderWebviewPage, webviewOptions } from './html';
import { PageMessageGate } from './pageMessages';

/** What every webview panel needs from the extension. */
export interface WebviewPanelDependencies {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The extension runs under the integration suite: pages keep their test hooks. */
  readonly testMode: boolean;
}

/** The profile and trace views' stylesheets: the shared media/panel.css, then the page's own. */
export function panelStyles(own: string): string[] {
  return ['panel.css', own];
}

/** One page: its bundle, stylesheets and protocol. */
export interface WebviewPageSpec<FromPage extends { type: string }> {
  /** Names the page in log lines, and its root element's data-perflens-view ("dashboard"). */
  readonly page: string;
  readonly title: string;
  /** The page's bundle in dist/webview, and its stylesheets in media/ (in cascade order). */
  readonly script: string;
  readonly styles: readonly string[];
  /** The protocol's validator: every message from the page goes through it first. */
  readonly check: (value: unknown) => MessageCheck<FromPage>;
}

/** Creates a panel with the options every PerfLens webview has (scripts on, resources from the extension only). */
export function createWebviewPanel(
  viewType: string,
  title: string,
  showOptions: vscode.ViewColumn | { viewColumn: vscode.ViewColumn; preserveFocus?: boolean },
  extensionUri: vscode.Uri,
  options: vscode.WebviewPanelOptions = {},
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, showOptions, {
    ...webviewOptions(extensionUri),
    ...options,
  });
}

/**
 * The base of every PerfLens webview panel. It owns the panel, everything registered on it (one
 * DisposableStore, disposed when the panel closes), the panel's state, the page's HTML shell
 * (strict CSP, nonce, bundle, stylesheet, a root) and the messages both ways: `post` sends the
 * protocol's host-to-page messages, and `onMessage` gets only page messages the protocol's
 * validator accepted (refusals are logged once per kind; a handler's failure is logged, never
 * thrown into VS Code).
 */
export abstract class WebviewPanelHost<ToPage, FromPage extends { type: string }, State> {
  protected readonly store = new DisposableStore();

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly deps: WebviewPanelDependencies,
    spec: WebviewPageSpec<FromPage>,
    /** What the host keeps about what the page shows (target, range, mode…). */
    protected readonly state: State,
  ) {
    const { extensionUri, log, testMode } = deps;
    this.store.add(panel);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'perflens.svg');
    panel.webview.html = renderWebviewPage(panel.webview, extensionUri, {
      title: spec.title,
      scripts: [spec.script],
      styles: [...spec.styles],
      // The page builds its DOM into this root; service text never reaches the HTML.
      body: `<main data-perflens-view="${spec.page}" data-state="loading"></main>`,
      testHooks: testMode,
    });
    const gate = new PageMessageGate(spec.page, spec.check, log, (m) => this.onMessage(m));
    this.store.add(panel.webview.onDidReceiveMessage((m: unknown) => void gate.receive(m)));
    this.store.add(panel.onDidDispose(() => this.dispose()));
  }

  /** Handles a message the protocol's validator accepted. */
  protected abstract onMessage(message: FromPage): void | Promise<void>;

  protected post(message: ToPage): void {
    void this.panel.webview.postMessage(message);
  }

  /** Closes the panel (if open) and releases everything registered on it; harmless twice. */
  dispose(): void {
    this.store.dispose();
  }
}

/** Makes a revived panel (restored by VS Code after a reload) like one PerfLens created. */
export function restoreWebviewOptions(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri);
}
