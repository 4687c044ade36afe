import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Frame } from '../../../../src/core/profiler/model';
import { linesOf } from '../../../../src/core/profiler/model';
import { SourceMapResolver, localPathOf } from '../../../../src/core/profiler/sourcemaps';
import { sampledProfile } from '../../../helpers/builders';
import { DEMO_SERVER_JS, DEMO_SERVICE_DIR, buildDemoService } from '../../../helpers/demoService';
import { fn } from './fixtures';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

/** 1-based line and column of the first occurrence of `needle` in a file. */
function positionOf(file: string, needle: string): { line: number; column: number } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found in ${file}`);
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

function oneFrameProfile(frame: Frame, line?: number) {
  return sampledProfile([{ frames: [frame], samples: 10, timeMs: 10, ...(line ? { line } : {}) }]);
}

describe('source maps', () => {
  let dir: string;
  const resolvers: SourceMapResolver[] = [];
  const resolver = (opts?: ConstructorParameters<typeof SourceMapResolver>[0]) => {
    const r = new SourceMapResolver(opts);
    resolvers.push(r);
    return r;
  };
  before(function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-sourcemaps-'));
    return buildDemoService();
  });
  after(() => {
    for (const r of resolvers) r.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("maps the demo bundle's computeCentrality frame (file:// URL) to hot.ts at its declaration line", async () => {
    const gen = positionOf(DEMO_SERVER_JS, 'function computeCentrality(');
    const want = positionOf(path.join(DEMO_SERVICE_DIR, 'src', 'hot.ts'), 'export function computeCentrality(');
    const hotLoop = positionOf(path.join(DEMO_SERVICE_DIR, 'src', 'hot.ts'), 'for (let it = 0');
    const genLoop = positionOf(DEMO_SERVER_JS, 'for (let it = 0');
    const p = oneFrameProfile(
      {
        name: 'computeCentrality',
        file: pathToFileURL(DEMO_SERVER_JS).href,
        line: gen.line,
        column: gen.column + 'function '.length,
      },
      genLoop.line,
    );
    const mapped = await resolver().mapProfile(p);
    const f = fn(mapped, 'computeCentrality');
    assert.equal(f.file, path.join(DEMO_SERVICE_DIR, 'src', 'hot.ts'));
    assert.equal(f.line, want.line);
    assert.equal(f.selfMs, 10);
    // Line weights move with the frame: the generated loop line lands on the loop in hot.ts.
    assert.deepEqual(
      linesOf(mapped, f.frame).map((l) => l.line),
      [hotLoop.line],
    );
  });

  it('maps through an inline data: source map written by esbuild', async () => {
    const src = path.join(dir, 'inline.ts');
    fs.writeFileSync(
      src,
      [
        '// comment line',
        'export function typed(n: number): number {',
        '  return n * 2;',
        '}',
        'console.log(typed(2));',
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'inline.js');
    await esbuild.build({
      entryPoints: [src],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    const gen = positionOf(out, 'function typed(');
    const r = resolver();
    const pos = await r.originalPosition(out, gen.line, gen.column + 'function '.length);
    assert.deepEqual(pos && { file: pos.file, line: pos.line }, { file: src, line: 2 });
  });

  it('keeps the frame and reports why when the named map is missing; resolves file:// and relative names', async () => {
    const js = path.join(dir, 'nomap.js');
    fs.writeFileSync(js, 'function f() {}\n//# sourceMappingURL=missing.js.map\n');
    const r = resolver({ roots: [REPO] });
    const p = oneFrameProfile({ name: 'f', file: pathToFileURL(js).href, line: 1, column: 10 });
    const mapped = await r.mapProfile(p);
    assert.equal(fn(mapped, 'f').file, js);
    assert.equal(fn(mapped, 'f').line, 1);
    assert.match(r.problems[0]!, /nomap\.js names the source map .*missing\.js\.map, which cannot be read/);
    assert.equal(r.resolveFile('package.json'), path.join(REPO, 'package.json'));
    assert.equal(r.resolveFile('does/not/exist.py'), 'does/not/exist.py');
    assert.equal(localPathOf('node:internal/timers'), undefined);
    assert.equal(localPathOf('https://example.org/app.js'), undefined);
  });

  it('leaves a script unmapped, with a note, when it was rebuilt after the profile was recorded', async () => {
    const src = path.join(dir, 'service.ts');
    const out = path.join(dir, 'service.js');
    const fns = ['alpha', 'beta', 'gamma']
      .map((n, i) => `export function ${n}(x: number): number {\n  return x * ${i + 2};\n}\n`)
      .join('');
    const build = async (prefix: string) => {
      fs.writeFileSync(src, prefix + fns);
      await esbuild.build({
        entryPoints: [src],
        outfile: out,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        sourcemap: 'linked',
        logLevel: 'silent',
      });
    };
    await build('');
    const frames = ['alpha', 'beta', 'gamma'].map((name) => {
      const at = positionOf(out, `function ${name}(`);
      return { name, file: pathToFileURL(out).href, line: at.line, column: at.column + 'function '.length };
    });
    const profileOf = () => sampledProfile(frames.map((f) => ({ frames: [f], samples: 1, timeMs: 1 })));
    const fresh = await resolver().mapProfile(profileOf());
    assert.deepEqual(
      ['alpha', 'beta', 'gamma'].map((n) => [fn(fresh, n).file, fn(fresh, n).line]),
      [
        [src, 1],
        [src, 4],
        [src, 7],
      ],
    );
    // Rebuilt with new code on top: the recorded positions now point at other functions.
    await build(
      Array.from({ length: 12 }, (_, i) => `export function extra${i}(): number {\n  return ${i};\n}\n`).join(''),
    );
    const r = resolver();
    const stale = await r.mapProfile(profileOf());
    assert.equal(fn(stale, 'alpha').file, out);
    assert.match(
      r.problems.join('\n'),
      /service\.js changed after the profile was recorded \(alpha is no longer on line \d+\)/,
    );
  });

  it('works from an esbuild bundle once mappings.wasm sits beside it, and says what is missing otherwise', function () {
    this.timeout(60_000);
    const entry = path.join(dir, 'entry.ts');
    const target = path.join(REPO, 'src', 'core', 'profiler', 'sourcemaps');
    const gen = positionOf(DEMO_SERVER_JS, 'function computeCentrality(');
    fs.writeFileSync(
      entry,
      `import { SourceMapResolver } from ${JSON.stringify(target)};\n` +
        `const r = new SourceMapResolver();\n` +
        `r.originalPosition(${JSON.stringify(DEMO_SERVER_JS)}, ${gen.line}, ${gen.column + 9}).then((p) => { console.log(JSON.stringify({ p: p ?? null, problems: r.problems })); r.dispose(); });\n`,
    );
    const outDir = path.join(dir, 'dist');
    esbuild.buildSync({
      entryPoints: [entry],
      outfile: path.join(outDir, 'bundle.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
    const run = () =>
      JSON.parse(spawnSync(process.execPath, [path.join(outDir, 'bundle.js')], { encoding: 'utf8' }).stdout) as {
        p: { file: string; line: number } | null;
        problems: string[];
      };
    const without = run();
    assert.equal(without.p, null);
    assert.match(without.problems[0]!, /mappings\.wasm is missing beside/);
    fs.copyFileSync(
      path.join(REPO, 'node_modules', 'source-map', 'lib', 'mappings.wasm'),
      path.join(outDir, 'mappings.wasm'),
    );
    const withWasm = run();
    assert.equal(withWasm.p?.file, path.join(DEMO_SERVICE_DIR, 'src', 'hot.ts'));
    assert.equal(
      withWasm.p?.line,
      positionOf(path.join(DEMO_SERVICE_DIR, 'src', 'hot.ts'), 'export function computeCentrality(').line,
    );
  });
});
