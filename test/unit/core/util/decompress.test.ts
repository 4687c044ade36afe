import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { scrapeMetrics } from '../../../../src/core/collectors/scrape';
import { gunzipWithin } from '../../../../src/core/util/decompress';
import { formatBytes } from '../../../../src/shared/format';
import { gzipBomb } from '../../../helpers/bombs';
import type { HostileService } from '../../../helpers/hostile/index';
import { startHostileService } from '../../../helpers/hostile/index';

describe('util/decompress: every inflation bounded by its output', function () {
  this.timeout(60_000);

  it('gunzipWithin inflates concatenated members up to the limit and refuses past it', () => {
    const two = Buffer.concat([zlib.gzipSync('hello '), zlib.gzipSync('world')]);
    const r = gunzipWithin(two, 1024);
    assert.ok(r.ok);
    assert.equal(r.value.toString(), 'hello world');
    const bomb = gunzipWithin(gzipBomb(64), 8 * 1024 * 1024);
    assert.deepEqual(bomb, {
      ok: false,
      error: { kind: 'too-large', message: 'decompresses to more than 8 MB', cause: undefined },
    });
  });

  it('gunzipWithin calls damaged gzip damaged', () => {
    const cut = zlib.gzipSync(Buffer.alloc(10_000, 'x')).subarray(0, 20);
    const r = gunzipWithin(cut, 1024 * 1024);
    assert.equal(!r.ok && r.error.kind, 'decode');
    assert.match(!r.ok ? r.error.message : '', /^its gzip data is damaged/);
  });

  it('formatBytes names limits the way messages do', () => {
    assert.deepEqual(
      [formatBytes(256 * 1024 * 1024), formatBytes(1536), formatBytes(10)],
      ['256 MB', '1.5 KB', '10 bytes'],
    );
  });

  describe('a scrape whose gzip body inflates to 3 GB', () => {
    let hostile: HostileService;
    before(async () => {
      hostile = await startHostileService();
    });
    after(async () => {
      await hostile.stop();
    });

    it('stops at the body cap and names it', async () => {
      const r = await scrapeMetrics(hostile.at('/gzip-bomb-metrics'), { compress: true, timeoutMs: 30_000 });
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'too-large');
      assert.match(r.error.message, /larger than the 10 MB limit; the scrape was stopped/);
    });
  });
});
