import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { contentSecurityPolicy, renderWebviewPage, webviewResourceRoots } from '../../../../src/extension/panels/html';

/** Just enough of vscode.Uri for the helper: a path and `with`. */
class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  with(change: { path?: string }): FakeUri {
    return new FakeUri(this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://ext${this.path}`;
  }
}

const CSP_SOURCE = 'https://webview.example';
const webview = {
  cspSource: CSP_SOURCE,
  asWebviewUri: (u: vscode.Uri) => new FakeUri('https', u.path) as unknown as vscode.Uri,
};
const extensionUri = new FakeUri('file', '/ext/perflens') as unknown as vscode.Uri;

function render(body = '<main></main>', title = 'PerfLens Dashboard'): string {
  return renderWebviewPage(webview, extensionUri, {
    title,
    scripts: ['dashboard.js'],
    styles: ['dashboard.css'],
    body,
  });
}

function cspOf(html: string): string {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'page has a CSP meta tag');
  return csp.replace(/&#39;/g, "'");
}

describe('webview html helper', () => {
  it('sets the strict CSP with the page nonce', () => {
    const html = render();
    const nonce = /<script nonce="([^"]+)"/.exec(html)?.[1];
    assert.ok(nonce);
    assert.equal(
      cspOf(html),
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${CSP_SOURCE}; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}`,
    );
    assert.equal(contentSecurityPolicy(CSP_SOURCE, nonce), cspOf(html));
  });

  it('uses a fresh nonce for every page', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => /nonce="([^"]+)"/.exec(render())?.[1]));
    assert.equal(nonces.size, 20);
  });

  it('loads every script by nonce from dist/webview and styles from media', () => {
    const html = render();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, /nonce="[^"]+" src="https:\/\/ext\/ext\/perflens\/dist\/webview\/dashboard\.js"/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/ext\/ext\/perflens\/media\/dashboard\.css">/);
  });

  it('escapes the title and refuses resource names that leave their folder', () => {
    assert.match(render('<main></main>', '<img onerror=x>'), /<title>&lt;img onerror=x&gt;<\/title>/);
    assert.throws(
      () =>
        renderWebviewPage(webview, extensionUri, { title: 't', scripts: ['../../secret.js'], styles: [], body: '' }),
      /Invalid webview resource name/,
    );
  });

  it('limits local resources to dist/webview and media', () => {
    assert.deepEqual(
      webviewResourceRoots(extensionUri).map((u) => u.path),
      ['/ext/perflens/dist/webview', '/ext/perflens/media'],
    );
  });

  it('marks the page for test hooks (render timings, canvas pixel checks) only when asked, i.e. in test mode', () => {
    const page = (testHooks?: boolean) =>
      renderWebviewPage(webview, extensionUri, {
        title: 't',
        scripts: ['dashboard.js'],
        styles: [],
        body: '<main></main>',
        ...(testHooks === undefined ? {} : { testHooks }),
      });
    assert.match(page(true), /<body data-perflens-test-hooks>/);
    assert.doesNotMatch(page(false), /data-perflens-test-hooks/);
    assert.doesNotMatch(page(), /data-perflens-test-hooks/);
  });
});
