import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Everything a user or a contributor reads as the product's own text. */
const PRODUCT_TEXT = [
  'src',
  'webview',
  'README.md',
  'CHANGELOG.md',
  'package.json',
  'examples/demo-service/src',
  'examples/demo-service/README.md',
  'bench/cases',
  'bench/README.md',
  'scripts',
];

function textFiles(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? textFiles(path.join(p, e.name))
        : /\.(ts|js|mjs|sh|html|css|md|json)$/.test(e.name)
          ? [path.join(p, e.name)]
          : [],
    );
}

function scan(paths: string[], pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of paths.flatMap((p) => textFiles(path.join(ROOT, p)))) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) hits.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

describe('product text speaks of the product', () => {
  it('no comment, README, CHANGELOG, setting or UI text refers to the design document or to a tracker entry', () => {
    // Built from parts so this file does not match itself if the scan ever widens to test/.
    const pattern = new RegExp(
      ["\\bseed's\\b", '\\b(the|a) seed\\b', '\\bseed entities\\b', '\\bthe ' + 'issue\\b', '\\bissue #?\\d+'].join(
        '|',
      ),
      'i',
    );
    assert.deepEqual(scan(PRODUCT_TEXT, pattern), []);
  });

  it('dated benchmark figures live in bench/README.md, not in source comments', () => {
    const pattern = new RegExp(
      ['MB/s', '\\d+(\\.\\d+)?\\s*[×x]\\s+(faster|slower|more)', '~\\d+(\\.\\d+)?×'].join('|'),
    );
    assert.deepEqual(scan(['src', 'webview'], pattern), []);
  });
});
