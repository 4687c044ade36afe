import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { PROFILE_FIXTURES } from './fixtures';

describe('importProfile format detection', () => {
  const expected: Record<string, string> = {
    cpuprofile: 'cpuprofile',
    folded: 'folded',
    pprof: 'pprof',
    speedscope: 'speedscope',
  };
  for (const dir of Object.keys(expected)) {
    for (const file of fs.readdirSync(path.join(PROFILE_FIXTURES, dir)).filter((f) => !f.startsWith('invalid'))) {
      it(`${dir}/${file} is detected from its content alone`, () => {
        const r = importProfile(fs.readFileSync(path.join(PROFILE_FIXTURES, dir, file)));
        assert.ok(r.ok, !r.ok ? r.error.message : '');
        assert.equal(r.value.format, expected[dir]);
      });
    }
  }

  it('says which formats it knows when nothing fits', () => {
    const binary = importProfile(Buffer.from([0, 1, 2, 3, 4, 5]), 'blob.bin');
    assert.equal(binary.ok, false);
    assert.equal(!binary.ok && binary.error.kind, 'unrecognized');
    assert.match(
      !binary.ok ? binary.error.message : '',
      /Could not recognise the profile format of blob\.bin\. Supported formats: V8 \.cpuprofile, V8 \.heapprofile, speedscope JSON, folded stacks, pprof \(CPU and heap\), Python pstats/,
    );
    const json = importProfile(Buffer.from('{"hello": "world"}'), 'x.json');
    assert.match(!json.ok ? json.error.message : '', /This JSON is not a profile PerfLens knows/);
  });

  it('reads a file named for a JSON format as that format even when its lines look like folded stacks', () => {
    // A .cpuprofile written a few values per line, its first byte lost: most lines end in a number.
    const broken = '\\\n"samples": [ 0, 1\n, 2, 2\n],\n"timeDeltas": [ 0, 1\n, 1, 1\n]\n}\n';
    assert.match(broken, /^\\\n/);
    for (const [file, says] of [
      ['p.cpuprofile', /^Not a valid V8 \.cpuprofile file: it is not valid JSON/],
      ['p.speedscope.json', /^Not a valid speedscope JSON file: it is not valid JSON/],
      ['p.heapprofile', /heapprofile.*not valid JSON/],
    ] as const) {
      const r = importProfile(Buffer.from(broken), file);
      assert.equal(r.ok, false, `${file} was read as ${r.ok ? r.value.format : ''}`);
      assert.match(!r.ok ? r.error.message : '', says);
    }
    // Without a name to go by, the same lines are read as what they look like.
    const guessed = importProfile(Buffer.from(broken));
    assert.equal(guessed.ok && guessed.value.format, 'folded');
  });

  it('honours an explicit format, failing with that format named', () => {
    const r = importProfile(Buffer.from('a;b 1\n'), 'x.txt', { format: 'cpuprofile' });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /^Not a valid V8 \.cpuprofile file: it is not valid JSON/);
  });
});

describe('importProfile with gzip', () => {
  it('reads a gzipped .cpuprofile and a gzipped speedscope file by content', () => {
    for (const [rel, format] of [
      ['cpuprofile/chrome65-simple.cpuprofile', 'cpuprofile'],
      ['speedscope/v0.1.2-simple-sampled.speedscope.json', 'speedscope'],
    ] as const) {
      const r = importProfile(zlib.gzipSync(fs.readFileSync(path.join(PROFILE_FIXTURES, rel))));
      assert.ok(r.ok, !r.ok ? r.error.message : '');
      assert.equal(r.value.format, format);
    }
  });
});
