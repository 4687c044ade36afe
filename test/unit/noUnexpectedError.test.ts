import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|js|mjs|html)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('no message to a user says "unexpected error"', () => {
  it('the words appear nowhere in the shipped sources (src/, webview/): every failure says what failed and what to do', () => {
    // Written split so this file does not match itself if the scan ever widens to test/.
    const words = new RegExp(['unexpected', 'error'].join('\\s+'), 'i');
    const hits: string[] = [];
    for (const dir of ['src', 'webview']) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        fs.readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (words.test(line)) hits.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    assert.deepEqual(hits, []);
  });
});
