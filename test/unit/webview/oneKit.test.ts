import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

/** The files (relative, sorted) under src/ and webview/ whose text matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  return [...tsFiles('src'), ...tsFiles('webview')]
    .filter((f) => pattern.test(fs.readFileSync(path.join(ROOT, f), 'utf8')))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

describe('one webview kit', () => {
  it('types the VS Code webview API once (webview/shared/vscodeApi.ts)', () => {
    assert.deepEqual(filesMatching(/interface VsCodeApi\b|declare function acquireVsCodeApi/), [
      'webview/shared/vscodeApi.ts',
    ]);
  });

  it('has one assertNever (src/shared/assertNever.ts), for host and page alike', () => {
    assert.deepEqual(filesMatching(/function assertNever\b/), ['src/shared/assertNever.ts']);
  });

  it('makes every panel on the kit: pages from its HTML shell only, disposables in its store, no subscription arrays', () => {
    assert.deepEqual(filesMatching(/renderWebviewPage\(|webviewOptions\(/), [
      'src/extension/panels/html.ts',
      'src/extension/panels/webviewPanel.ts',
    ]);
    assert.deepEqual(filesMatching(/createWebviewPanel\(/), [
      'src/extension/panels/dashboardPanel.ts',
      'src/extension/panels/profilePanel.ts',
      'src/extension/panels/tracePanel.ts',
      'src/extension/panels/webviewPanel.ts',
    ]);
    for (const panel of ['dashboardPanel', 'profilePanel', 'tracePanel']) {
      const text = fs.readFileSync(path.join(ROOT, 'src/extension/panels', `${panel}.ts`), 'utf8');
      assert.match(text, /extends WebviewPanelHost</, panel);
      assert.doesNotMatch(text, /Disposable\[\]|const subs = \[|onDidReceiveMessage/, panel);
    }
  });

  it('builds each page in its script: the host sends only the shell, and no page finds an element by id', () => {
    assert.deepEqual(
      filesMatching(/getElementById|byId\(|querySelector[A-Za-z]*(<[^>]*>)?\(['`"][^'`"]*#/).filter((f) =>
        f.startsWith('webview/'),
      ),
      [],
    );
    for (const panel of ['dashboardPanel', 'profilePanel', 'tracePanel']) {
      const host = fs.readFileSync(path.join(ROOT, 'src/extension/panels', `${panel}.ts`), 'utf8');
      assert.doesNotMatch(host, /markup|<main|<section|<table/, panel);
    }
    assert.equal(fs.existsSync(path.join(ROOT, 'src/extension/panels/dashboardMarkup.ts')), false);
  });
});
