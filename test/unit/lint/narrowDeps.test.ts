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
const DECLARATION = 'src/extension/services.ts';

/** The files that may take the whole ExtensionServices: they hand it on rather than read a few fields of it. */
const WHOLE_ALLOWED = [COMPOSITION_ROOT, 'src/extension/commands/index.ts'];

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

/** The name a type reference ends in: `ExtensionServices` for `ExtensionServices` and `x.ExtensionServices`. */
function referencedName(n: ts.Node): string | undefined {
  if (ts.isTypeReferenceNode(n)) return ts.isIdentifier(n.typeName) ? n.typeName.text : n.typeName.right.text;
  if (ts.isImportTypeNode(n) && n.qualifier)
    return ts.isIdentifier(n.qualifier) ? n.qualifier.text : n.qualifier.right.text;
  return undefined;
}

/** True when the type is the first argument of Pick<…> or Omit<…>: a narrowed view, not the whole. */
function isNarrowed(n: ts.Node): boolean {
  const p = n.parent;
  return (
    ts.isTypeReferenceNode(p) &&
    ['Pick', 'Omit'].includes(referencedName(p) ?? '') &&
    p.typeArguments !== undefined &&
    p.typeArguments[0] === n
  );
}

/** Lines of a file where ExtensionServices is taken whole (not through Pick or Omit). */
function wholeServiceUses(rel: string): number[] {
  const sf = parse(rel);
  const lines: number[] = [];
  visit(sf, (n) => {
    if (referencedName(n) === 'ExtensionServices' && !isNarrowed(n))
      lines.push(sf.getLineAndCharacterOfPosition(n.getStart()).line + 1);
  });
  return lines;
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

  it('ExtensionServices is taken whole only by the files that hand it on; the rest pick what they use', () => {
    const whole = SOURCES.filter((rel) => rel !== DECLARATION && wholeServiceUses(rel).length > 0);
    const unexpected = whole.filter((rel) => !WHOLE_ALLOWED.includes(rel));
    assert.deepEqual(
      unexpected.map((rel) => `${rel}:${wholeServiceUses(rel).join(',')}`),
      [],
      `${whole.length} files take the whole ExtensionServices (at most ${WHOLE_ALLOWED.length} may); ` +
        'give these a Pick<ExtensionServices, ...> of the fields they read, or the one service they use',
    );
    assert.ok(whole.includes(COMPOSITION_ROOT), 'the check must see the composition root, which builds the services');
  });
});
