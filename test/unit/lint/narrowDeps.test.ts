/**
 * Each part of the extension gets what it uses: only the composition root (src/extension/extension.ts)
 * sees VS Code's ExtensionContext, and the shared ExtensionServices reaches other files whole only
 * where a file really hands it on (the command registry, and the webview panels and the commands
 * that open them, which pass it to the panels). Everything else names the fields it reads, with
 * `Pick<ExtensionServices, ...>` or by taking the one service it uses.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..');
const COMPOSITION_ROOT = 'src/extension/extension.ts';

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return tsFiles(rel);
      return e.name.endsWith('.ts') ? [rel] : [];
    })
    .sort();
}

const parsed = new Map<string, ts.SourceFile>();
function parse(rel: string): ts.SourceFile {
  let sf = parsed.get(rel);
  if (!sf) {
    sf = ts.createSourceFile(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(rel, sf);
  }
  return sf;
}

function visit(node: ts.Node, f: (n: ts.Node) => void): void {
  f(node);
  node.forEachChild((c) => visit(c, f));
}

const SOURCES = [...tsFiles('src'), ...tsFiles('webview')];

describe('narrow dependencies in the extension', () => {
  it('only the composition root sees vscode.ExtensionContext', () => {
    const seeing = SOURCES.filter((rel) => {
      if (rel === COMPOSITION_ROOT) return false;
      let found = false;
      visit(parse(rel), (n) => {
        if (ts.isIdentifier(n) && n.text === 'ExtensionContext') found = true;
      });
      return found;
    });
    assert.deepEqual(seeing, [], `these files name ExtensionContext; hand them the fields they use instead`);
  });

  it('nothing reads a context out of the shared services', () => {
    const reading = SOURCES.filter((rel) =>
      /\bservices\??\.context\b|\{[^}]*\bcontext\b[^}]*\}\s*=\s*(this\.)?services\b/.test(parse(rel).text),
    );
    assert.deepEqual(reading, []);
  });
});
