import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { importFolded } from '../../../../src/core/profiler/formats/folded';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { linesOf } from '../../../../src/core/profiler/model';
import { fn, importFixture, selfByName } from './fixtures';

describe('folded stacks importer', () => {
  for (const file of [
    'simple.txt',
    'simple-crlf.txt',
    'simple-utf16-le.txt',
    'simple-utf16-be.txt',
    'simple-with-invalids.txt',
  ]) {
    it(`${file}: 14 samples, self b 5, c 5, d 4, no time`, () => {
      const imp = importFixture(`folded/${file}`);
      assert.equal(imp.format, 'folded');
      const p = imp.profiles[0]!;
      assert.equal(p.sampleCount, 14);
      assert.equal(p.hasTime, false);
      assert.deepEqual(selfByName(p), { a: 0, b: 5, c: 5, d: 4 });
      assert.equal(fn(p, 'a').totalSamples, 14);
      assert.equal(fn(p, 'a').selfMs, null);
    });
  }

  it('counts skipped comment and invalid lines in warnings', () => {
    const imp = importFixture('folded/simple-with-invalids.txt');
    assert.deepEqual(imp.warnings, ['Skipped 1 line that is not "frame;frame count".', 'Ignored 2 comment lines.']);
  });

  it('recursion.txt: 10 samples; a and b each on 9 stacks, counted once per stack despite recursion', () => {
    const p = importFixture('folded/recursion.txt').profiles[0]!;
    assert.equal(p.sampleCount, 10);
    assert.equal(fn(p, 'a').totalSamples, 9);
    assert.equal(fn(p, 'b').totalSamples, 9);
    assert.equal(fn(p, 'c').totalSamples, 4);
    let depth = 0;
    const t = p.tree!;
    for (let i = 1; i < t.parent.length; i++) {
      let d = 0;
      for (let n = i; n > 0; n = t.parent[n]!) d++;
      depth = Math.max(depth, d);
    }
    assert.equal(depth, 6);
  });

  it('tall.txt: one stack of 26 frames; alternating.txt: a;b 91 and c;d 91', () => {
    const tall = importFixture('folded/tall.txt').profiles[0]!;
    assert.equal(tall.sampleCount, 1);
    assert.equal(tall.frames.length, 26);
    assert.equal(fn(tall, 'z').selfSamples, 1);
    assert.equal(fn(tall, 'a').totalSamples, 1);
    const alt = importFixture('folded/alternating.txt').profiles[0]!;
    assert.equal(alt.sampleCount, 182);
    assert.deepEqual(selfByName(alt), { a: 0, b: 91, c: 0, d: 91 });
  });

  it('reads py-spy frames as one function per (name, file) with per-line self samples', () => {
    const text = [
      'main (app.py:40);handle (app.py:12);parse (lib.py:5) 7',
      'main (app.py:40);handle (app.py:15) 3',
      'main (app.py:41);handle (app.py:12);parse (lib.py:6) 2',
    ].join('\n');
    const r = importFolded(text);
    assert.ok(r.ok);
    const p = r.value.profiles[0]!;
    const handle = fn(p, 'handle');
    assert.equal(handle.file, 'app.py');
    assert.equal(handle.line, 12);
    assert.equal(handle.selfSamples, 3);
    assert.equal(handle.totalSamples, 12);
    const parse = fn(p, 'parse');
    assert.deepEqual(
      linesOf(p, parse.frame).map((l) => [l.line, l.samples]),
      [
        [5, 7],
        [6, 2],
      ],
    );
    assert.equal(fn(p, 'main').totalSamples, 12);
  });

  it('rejects text with no stacks, naming the format', () => {
    const r = importFolded('just some words\nand more\n');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /^Not a valid folded stacks file: none of its 2 non-comment lines/);
  });

  it('property: sorted and unsorted lines give the same profile, even when frame names are prefixes of each other', () => {
    const frame = fc.constantFrom('a', 'ab', 'abc', 'b', 'ba', 'a b');
    const line = fc.tuple(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 9 }));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 25 }), (lines) => {
        const text = (ls: typeof lines) => ls.map(([s, n]) => `${s.join(';')} ${n}`).join('\n');
        const sorted = [...lines].sort((x, y) => (x[0].join(';') < y[0].join(';') ? -1 : 1));
        const a = importFolded(text(lines));
        const b = importFolded(text(sorted));
        assert.ok(a.ok && b.ok);
        const stats = (r: typeof a) =>
          r.ok ? r.value.profiles[0]!.functions.map((f) => `${f.name}:${f.selfSamples}/${f.totalSamples}`).sort() : [];
        assert.deepEqual(stats(b), stats(a));
        // Every stack keeps its own path: the self samples of each full stack match the input.
        const expected = new Map<string, number>();
        for (const [s, n] of lines) expected.set(s.join(';'), (expected.get(s.join(';')) ?? 0) + n);
        const p = b.ok ? b.value.profiles[0]! : undefined;
        const t = p!.tree!;
        const got = new Map<string, number>();
        for (let i = 1; i < t.parent.length; i++) {
          if (t.selfSamples[i] === 0) continue;
          const names: string[] = [];
          for (let n = i; n > 0; n = t.parent[n]!) names.unshift(p!.frames[t.frame[n]!]!.name);
          got.set(names.join(';'), t.selfSamples[i]!);
        }
        assert.deepEqual(got, expected);
      }),
      { numRuns: 200 },
    );
  });

  it('property: totals equal the sum of counts, every total ≥ self, CRLF and LF give the same profile', () => {
    const frame = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const line = fc.tuple(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 50 }));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        const text = lines.map(([s, n]) => `${s.join(';')} ${n}`).join('\n');
        const lf = importProfile(Buffer.from(text), 'x.folded');
        const crlf = importProfile(Buffer.from(text.replace(/\n/g, '\r\n')), 'x.folded');
        const sum = lines.reduce((a, [, n]) => a + n, 0);
        if (sum === 0) {
          // Every count zero: a valid file whose profile has no samples.
          assert.equal(!lf.ok && lf.error.kind, 'empty');
          assert.equal(!crlf.ok && crlf.error.kind, 'empty');
          return;
        }
        assert.ok(lf.ok && crlf.ok);
        const p = lf.value.profiles[0]!;
        assert.equal(p.sampleCount, sum);
        let selfSum = 0;
        for (const f of p.functions) {
          assert.ok(f.totalSamples! >= f.selfSamples!);
          assert.ok(f.totalSamples! <= sum);
          selfSum += f.selfSamples!;
        }
        assert.equal(selfSum, sum);
        assert.deepEqual(selfByName(crlf.value.profiles[0]!), selfByName(p));
      }),
      { numRuns: 100 },
    );
  });
});
