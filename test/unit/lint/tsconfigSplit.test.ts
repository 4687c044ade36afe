import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

// Browser code (webview/) is type-checked with DOM types and without Node's; everything else with
// Node's and without the DOM. Each check compiles a real file placed in the tree under the
// project's own compiler options, as `tsc --noEmit -p <config>` does.

const ROOT = path.resolve(__dirname, '../../..');
const NODE_CONFIG = path.join(ROOT, 'tsconfig.json');
const WEBVIEW_CONFIG = path.join(ROOT, 'webview', 'tsconfig.json');

/** One line per globals family, so a diagnostic's line says which family it concerns. */
const PROBE_SOURCE = [
  'export const home = process.env.HOME;',
  'export const title = document.title;',
  'const names: string[] = [];',
  'export const first: string = names[0];',
  '',
].join('\n');
const NODE_LINE = 1;
const DOM_LINE = 2;
const INDEX_LINE = 4;
/** noUncheckedIndexedAccess: an array element may be undefined. */
const UNCHECKED_INDEX = /'string \| undefined' is not assignable to type 'string'/;

function flatten(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n');
}

function parseConfig(configPath: string): ts.ParsedCommandLine {
  assert.ok(fs.existsSync(configPath), `${path.relative(ROOT, configPath)} is missing`);
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(`${path.relative(ROOT, configPath)}: ${flatten(d)}`),
  });
  assert.ok(parsed, `${path.relative(ROOT, configPath)} could not be read`);
  assert.deepEqual(parsed.errors.map(flatten), [], `${path.relative(ROOT, configPath)} has errors`);
  return parsed;
}

/** Writes PROBE_SOURCE at `relPath`, type-checks it under `configPath`, removes it; returns diagnostics by line. */
function checkProbe(configPath: string, relPath: string): Map<number, string[]> {
  const file = path.join(ROOT, relPath);
  fs.writeFileSync(file, PROBE_SOURCE);
  try {
    const parsed = parseConfig(configPath);
    assert.ok(
      parsed.fileNames.map((f) => path.resolve(f)).includes(file),
      `${relPath} is not covered by ${path.relative(ROOT, configPath)}`,
    );
    const program = ts.createProgram({ rootNames: [file], options: parsed.options });
    const byLine = new Map<number, string[]>();
    for (const d of ts.getPreEmitDiagnostics(program)) {
      assert.ok(d.file && path.resolve(d.file.fileName) === file, `diagnostic outside the probe file: ${flatten(d)}`);
      const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), flatten(d)]);
    }
    return byLine;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Output, dependencies, data and generated workspaces: not source, never type-checked. */
const NOT_SOURCE = new Set([
  'node_modules',
  'dist',
  'out',
  'test-results',
  'test/fixtures',
  'examples/demo-service/dist',
  'examples/demo-service/data',
]);

/** Every TypeScript source file in the repository, relative to its root. */
function tsSources(dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.name.startsWith('.') || NOT_SOURCE.has(rel)) continue;
    if (entry.isDirectory()) out.push(...tsSources(rel));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

describe('TypeScript configuration split', function () {
  this.timeout(180_000);

  it('checks webview code with DOM types, without Node types, and flags unchecked indexed access', () => {
    const byLine = checkProbe(WEBVIEW_CONFIG, `webview/tsconfigSplitProbe${process.pid}.ts`);
    assert.deepEqual(
      [...byLine.keys()].sort((a, b) => a - b),
      [NODE_LINE, INDEX_LINE],
      [...byLine.values()].flat().join('\n'),
    );
    assert.match(byLine.get(NODE_LINE)!.join('\n'), /Cannot find name 'process'/);
    assert.match(byLine.get(INDEX_LINE)!.join('\n'), UNCHECKED_INDEX);
  });

  it('checks engine code with Node types, without DOM types, and flags unchecked indexed access', () => {
    const byLine = checkProbe(NODE_CONFIG, `src/core/tsconfigSplitProbe${process.pid}.ts`);
    assert.deepEqual(
      [...byLine.keys()].sort((a, b) => a - b),
      [DOM_LINE, INDEX_LINE],
      [...byLine.values()].flat().join('\n'),
    );
    assert.match(byLine.get(DOM_LINE)!.join('\n'), /Cannot find name 'document'/);
    assert.match(byLine.get(INDEX_LINE)!.join('\n'), UNCHECKED_INDEX);
  });

  it('covers every TypeScript file by exactly one of the two configurations, and npm run typecheck runs both', () => {
    const node = new Set(parseConfig(NODE_CONFIG).fileNames.map((f) => path.resolve(f)));
    const web = new Set(parseConfig(WEBVIEW_CONFIG).fileNames.map((f) => path.resolve(f)));
    const files = tsSources();
    const webSide = files.filter((f) => f.startsWith('webview/'));
    const nodeSide = files.filter((f) => !f.startsWith('webview/'));
    assert.ok(
      nodeSide.length > 100 && webSide.length > 5,
      `found ${nodeSide.length} Node-side and ${webSide.length} webview files`,
    );
    const inNode = (f: string) => node.has(path.join(ROOT, f));
    const inWeb = (f: string) => web.has(path.join(ROOT, f));
    assert.deepEqual(
      nodeSide.filter((f) => !inNode(f) || inWeb(f)),
      [],
      'Node-side files not checked by tsconfig.json alone',
    );
    assert.deepEqual(
      webSide.filter((f) => !inWeb(f) || inNode(f)),
      [],
      'webview files not checked by webview/tsconfig.json alone',
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string | undefined>;
    };
    const typecheck = manifest.scripts.typecheck ?? '';
    for (const config of ['tsconfig.json', 'webview/tsconfig.json']) {
      assert.match(
        typecheck,
        new RegExp(`-p ${config.replace(/\./g, '\\.')}(\\s|$)`),
        `npm run typecheck does not check ${config}`,
      );
    }
  });
});
