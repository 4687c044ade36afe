import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CODE = ['src', 'webview', 'test', 'bench/cases', 'examples/demo-service/src', 'scripts'];

function codeFiles(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? codeFiles(path.join(p, e.name)) : /\.(ts|mjs|js)$/.test(e.name) ? [path.join(p, e.name)] : [],
    );
}

/** The files (relative, sorted) under `dirs` whose text matches `pattern`, this file excepted. */
function filesMatching(dirs: string[], pattern: RegExp): string[] {
  return dirs
    .flatMap((d) => codeFiles(path.join(ROOT, d)))
    .filter((f) => f !== __filename && pattern.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(ROOT, f))
    .sort();
}

describe('one home for each shared helper', () => {
  it('whether a process exists is asked in one place (src/core/util/process.ts)', () => {
    assert.deepEqual(filesMatching(CODE, /\.kill\(\s*[\w.]+\s*,\s*0\s*\)/), ['src/core/util/process.ts']);
  });

  it("one pseudo-random generator, the demo service's dependency-free prng, serves the demo, the benchmarks and the tests", () => {
    // The constants of any hand-written LCG or mulberry32 copy.
    assert.deepEqual(filesMatching(CODE, /1664525|1013904223|0x6d2b79f5/i), ['examples/demo-service/src/random.ts']);
  });

  it("the CLI builds its alert engine in one place (its defaults come from the engine's constants)", () => {
    assert.deepEqual(filesMatching(['src/cli'], /new AlertEngine\(/), ['src/cli/commands/alerting.ts']);
  });
});
