import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type * as vscode from 'vscode';

/**
 * The one helper that makes every PerfLens webview page: a fresh nonce per render, a strict CSP,
 * scripts only by that nonce, and resources only from the bundled webview folder and media/.
 */

/** Folders (relative to the extension root) a webview may load from. */
export const WEBVIEW_RESOURCE_FOLDERS = ['dist/webview', 'media'] as const;

export interface WebviewPageOptions {
  title: string;
  /** Script bundles in dist/webview, e.g. "dashboard.js". */
  scripts: string[];
  /** Stylesheets in media/, e.g. "dashboard.css". */
  styles: string[];
  /**
   * Static markup written by us. Nothing that came from a service may be put here: pages fill
   * service data in with textContent after load.
   */
  body: string;
  /**
   * Marks the page for its test hooks (render timings, canvas pixel checks), which cost time on
   * every render: set only when the extension runs under the integration suite (test mode).
   */
  testHooks?: boolean;
}

type WebviewLike = Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>;

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

function childUri(base: vscode.Uri, ...segments: string[]): vscode.Uri {
  return base.with({ path: posix.join(base.path, ...segments) });
}

export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return WEBVIEW_RESOURCE_FOLDERS.map((f) => childUri(extensionUri, f));
}

/** Options every PerfLens webview is created with. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewResourceRoots(extensionUri) };
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function checkFileName(name: string): string {
  // Bundle and stylesheet names are ours; refuse anything that could climb out of the roots.
  if (!/^[\w.-]+$/.test(name) || name.includes('..')) throw new Error(`Invalid webview resource name: ${name}`);
  return name;
}

export function renderWebviewPage(webview: WebviewLike, extensionUri: vscode.Uri, opts: WebviewPageOptions): string {
  const nonce = createNonce();
  const styles = opts.styles
    .map(
      (s) =>
        `<link rel="stylesheet" href="${escapeHtml(webview.asWebviewUri(childUri(extensionUri, 'media', checkFileName(s))).toString())}">`,
    )
    .join('\n    ');
  const scripts = opts.scripts
    .map(
      (s) =>
        `<script nonce="${nonce}" src="${escapeHtml(webview.asWebviewUri(childUri(extensionUri, 'dist', 'webview', checkFileName(s))).toString())}"></script>`,
    )
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(webview.cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(opts.title)}</title>
    ${styles}
  </head>
  <body${opts.testHooks ? ' data-perflens-test-hooks' : ''}>
    ${opts.body}
    ${scripts}
  </body>
</html>`;
}
