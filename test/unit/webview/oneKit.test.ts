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
});
