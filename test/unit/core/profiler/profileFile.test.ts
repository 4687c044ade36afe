import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { importProfileFile } from '../../../../src/core/profiler/load';
import type { FileReads } from '../../../../src/core/profiler/profileFile';
import { summarizeProfile } from '../../../../src/core/profiler/summary';
import { summarizeInWorker } from '../../../../src/core/profiler/workerClient';
import { PROFILE_FIXTURES } from './fixtures';
import { generatedProfile } from '../../../helpers/cpuprofileDocs';

/** Every profile fixture, by its name under test/fixtures/profiles. */
function fixtureFiles(): string[] {
  return fs
    .readdirSync(PROFILE_FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(PROFILE_FIXTURES, d.name)).map((f) => path.join(d.name, f)));
}

/** Real reads of the file that run `change` (on the real file) once, after read number `after`. */
function changingAfter(after: number, change: () => void): FileReads {
  let reads = 0;
  return {
    readSync(fd, into, offset, length, position) {
      const n = fs.readSync(fd, into, offset, length, position);
      if (++reads === after) change();
      return n;
    },
  };
}

describe('profile files read in pieces', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-profile-file-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Files past the head and the window: a .cpuprofile that scans, one that fails late, folded, gzipped. */
  function largerFiles(): string[] {
    const big = generatedProfile(3_000, 8_000, 3);
    const files: [string, string | Buffer][] = [
      ['big.cpuprofile', big],
      ['late-fault.cpuprofile', big.replace(/\]\}$/, ',"x"]}')],
      ['late-head.cpuprofile', `{"title":"${'t'.repeat(70_000)}","head":{}}`],
      ['big.folded', Array.from({ length: 4000 }, (_, i) => `main;work${i % 37};leaf${i} ${1 + (i % 9)}`).join('\n')],
      ['big.cpuprofile.gz', gzipSync(big)],
    ];
    return files.map(([name, content]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    });
  }

  it('every profile fixture, and files past the first read, import from the file exactly as from their bytes, read 1 byte to 64 KB at a time', () => {
    const files = [...fixtureFiles().map((f) => path.join(PROFILE_FIXTURES, f)), ...largerFiles()];
    for (const file of files) {
      const expected = importProfile(fs.readFileSync(file), path.basename(file));
      for (const chunkBytes of [1, 7, 64, 4096, 65536, undefined]) {
        if (chunkBytes === 1 && fs.statSync(file).size > 20_000) continue;
        const actual = importProfileFile(file, {}, { chunkBytes });
        assert.deepStrictEqual(actual, expected, `${path.basename(file)}, pieces of ${chunkBytes ?? 'default'} bytes`);
      }
    }
  });

  it('a profile that grows or shrinks while it is read is refused, saying it changed and what to do', () => {
    const cases: [string, (file: string, content: Buffer) => void][] = [
      ['grows', (file) => fs.appendFileSync(file, '\n'.repeat(100))],
      ['shrinks', (file, content) => fs.truncateSync(file, content.length >> 1)],
    ];
    const sources: [string, Buffer][] = [
      ['small.cpuprofile', Buffer.from(generatedProfile(30, 100))],
      ['large.cpuprofile', Buffer.from(generatedProfile(3_000, 8_000))],
      ['large.folded', Buffer.from(Array.from({ length: 5000 }, (_, i) => `a;b${i} ${i + 1}`).join('\n'))],
    ];
    for (const [name, content] of sources)
      for (const [how, change] of cases)
        for (const after of [1, 2, 3]) {
          const file = path.join(dir, name);
          fs.writeFileSync(file, content);
          const r = importProfileFile(
            file,
            {},
            { chunkBytes: 1024, reads: changingAfter(after, () => change(file, content)) },
          );
          const what = `${name} ${how} after read ${after}`;
          assert.equal(!r.ok && r.error.kind, 'read', what);
          assert.ok(!r.ok);
          assert.ok(
            r.error.message.startsWith(`Cannot read ${file}: it changed while PerfLens read it`),
            r.error.message,
          );
          assert.match(
            r.error.message,
            new RegExp(`it was ${content.length.toLocaleString('en-US')} bytes when opened`),
          );
          assert.match(r.error.message, how === 'grows' ? /it had grown/ : /it ended after/);
          assert.match(
            r.error.message,
            /If a profiler is still writing it, wait until it has finished, then open it again\.$/,
          );
        }
  });

  it('refuses a device instead of reading it, and a folder, saying what the path is', () => {
    for (const [file, what] of [
      ['/dev/zero', /it is a character device, not a regular file; PerfLens reads a profile only from a regular file/],
      [dir, /folder/],
    ] as const) {
      const r = importProfileFile(file);
      assert.equal(!r.ok && r.error.kind, 'read', file);
      assert.match(!r.ok ? r.error.message : '', what);
    }
  });

  it('the worker summarises a .cpuprofile larger than its read window exactly as the summary of its bytes', async () => {
    const file = path.join(dir, 'worker.cpuprofile');
    fs.writeFileSync(file, generatedProfile(30_000, 100_000, 11));
    assert.ok(fs.statSync(file).size > 2 * 1024 * 1024);
    const local = importProfile(fs.readFileSync(file), 'worker.cpuprofile');
    assert.ok(local.ok);
    const r = await summarizeInWorker(file, { load: { sourceMaps: false }, summary: { top: 10 } });
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    assert.deepEqual(r.value, summarizeProfile(local.value, { top: 10 }));
  });
});
