import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import { loadProfileFile } from '../../../../src/core/profiler/load';
import { loadProfileInWorker } from '../../../../src/core/profiler/workerClient';
import { runCli } from '../../../../src/cli/main';
import { bombDir, bombFile, cpuprofileBomb, pprofBomb, pprofBombSamples } from '../../../helpers/bombs';
import { cpuProfile, v8Node, v8SyntheticNode } from '../../../helpers/builders';
import { capture } from '../../cli/liveHelpers';

const MiB = 1024 * 1024;

/** A refusal names the limit and both ways to raise it. */
function assertLimitMessage(message: string, limit = '256 MB'): void {
  assert.match(message, new RegExp(`${limit} limit for profiles`));
  assert.match(message, /perflens\.profile\.maxSizeMb/);
  assert.match(message, /--max-profile-size/);
}

describe('profile size limits: decompression bombs and oversized profiles', function () {
  this.timeout(120_000);

  it('refuses a 3 MB gzipped .cpuprofile that inflates to 3 GB, naming the limit and how to raise it', () => {
    const bomb = cpuprofileBomb();
    assert.ok(bomb.length < 4 * MiB);
    const r = importProfile(bomb, 'bomb.cpuprofile');
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /^bomb\.cpuprofile is gzipped and decompresses to more than 256 MB/);
    assertLimitMessage(r.error.message);
  });

  it('refuses a gzipped pprof of a few hundred KB that inflates to 300 MB of samples', () => {
    const bomb = pprofBomb(300);
    assert.ok(bomb.length < MiB);
    const r = importProfile(bomb, 'bomb.pb.gz');
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assertLimitMessage(r.error.message);
  });

  it('refuses a pprof under the size limit whose sample count is past what the limit allows, before decoding it', () => {
    const r = importProfile(pprofBomb(100), 'many.pb.gz');
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assert.match(
      r.error.message,
      new RegExp(
        `holds ${(pprofBombSamples(100) + 2).toLocaleString('en-US')} samples, locations and functions, more than the 2,097,152`,
      ),
    );
    assertLimitMessage(r.error.message);
  });

  it("the limit is the caller's: a pprof past a 1 MB limit is refused, and reads under the default", () => {
    const small = pprofBomb(2);
    const refused = importProfile(small, 'small.pb.gz', { maxBytes: MiB });
    assert.equal(!refused.ok && refused.error.kind, 'too-large');
    assertLimitMessage(!refused.ok ? refused.error.message : '', '1 MB');
    const read = importProfile(small, 'small.pb.gz');
    assert.ok(read.ok, !read.ok ? read.error.message : '');
    assert.equal(read.value.profiles[0]!.sampleCount, pprofBombSamples(2));
  });

  it('refuses a plain file past the limit from its size, without reading it', async () => {
    const file = path.join(bombDir(), 'big.cpuprofile');
    fs.writeFileSync(file, '{"nodes":[],"samples":[]}'.padEnd(2 * MiB, ' '));
    const r = await loadProfileFile(file, { maxBytes: MiB });
    assert.equal(!r.ok && r.error.kind, 'too-large');
    assert.match(!r.ok ? r.error.message : '', /^big\.cpuprofile is 2 MB, more than the 1 MB limit for profiles/);
  });

  it('refuses a device or a FIFO as a profile instead of reading it forever', async () => {
    const r = await loadProfileFile('/dev/zero');
    assert.equal(!r.ok && r.error.kind, 'read');
    assert.match(!r.ok ? r.error.message : '', /not a regular file/);
  });

  it('Import Profile through the worker refuses the 3 GB bomb with a clean failure', async () => {
    const file = bombFile('bomb.cpuprofile', () => cpuprofileBomb());
    const r = await loadProfileInWorker(file);
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'too-large');
    assertLimitMessage(r.error.message);
  });

  it('a worker that runs out of heap ends in a clean failure naming the limit, and the next load works', async () => {
    // ~15 MB of JSON whose parse needs several times that: past a 32 MB worker heap.
    const file = bombFile('heavy.cpuprofile', () => {
      const n = 100_000;
      const nodes = [
        v8SyntheticNode(
          1,
          '(root)',
          Array.from({ length: n }, (_, i) => i + 2),
        ),
      ];
      for (let i = 0; i < n; i++)
        nodes.push(
          v8Node(
            i + 2,
            `handler${i}`,
            { url: `file:///srv/app/module${i % 100}.js`, lineNumber: i, columnNumber: 4 },
            { children: [] },
          ),
        );
      return Buffer.from(
        JSON.stringify(
          cpuProfile(
            nodes,
            nodes.map((x) => x.id),
            1,
          ),
        ),
      );
    });
    const r = await loadProfileInWorker(file, { heapLimitMb: 32, load: { sourceMaps: false } });
    assert.ok(!r.ok, 'the worker read the profile within 32 MB of heap');
    assert.equal(r.error.kind, 'too-large');
    assert.match(r.error.message, /needed more than the 32 MB of memory the profile reader may use/);
    assert.match(r.error.message, /perflens\.profile\.maxSizeMb.*--max-profile-size/);
    const next = await loadProfileInWorker(file, { load: { sourceMaps: false } });
    assert.ok(next.ok, !next.ok ? next.error.message : '');
    assert.equal(next.value.profiles[0]!.sampleCount, 100_001);
  });

  it('perflens profile summarize exits 2 on the bomb with the limit, and --max-profile-size raises it', async () => {
    const file = bombFile('bomb.cpuprofile', () => cpuprofileBomb());
    const io = capture();
    assert.equal(await runCli(['profile', 'summarize', file], io), 2);
    assertLimitMessage(io.stderr);
    const small = bombFile('small.pb.gz', () => pprofBomb(2));
    const tight = capture();
    assert.equal(await runCli(['profile', 'summarize', small, '--max-profile-size', '1MB'], tight), 2);
    assertLimitMessage(tight.stderr, '1 MB');
    const roomy = capture();
    assert.equal(
      await runCli(['profile', 'summarize', small, '--max-profile-size', '32MB', '--json'], roomy),
      0,
      roomy.stderr,
    );
    assert.equal(JSON.parse(roomy.stdout).samples, pprofBombSamples(2));
  });
});
